"""The people-facing edge: the ``plantrail`` command line and the Textual interface.

Importing this package imports nothing heavy: Textual is loaded only when the interface opens.
"""
