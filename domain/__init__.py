"""The plan domain: aggregates, their events, value objects and the input they accept.

Nothing here knows about storage, screens, the environment or the wall clock for business
dates; callers pass who is acting and what "today" is.
"""
