"""The demo plan: a fictional council's improvement plan with six months of history.

``plan.py`` holds the plan (what it says and what happened to it, as data); ``history.py``
lays that history down through the application service with the recording clock moved
through the months, so "as at" and "as known at" have something to show.
"""

from .history import load_demo

__all__ = ["load_demo"]
