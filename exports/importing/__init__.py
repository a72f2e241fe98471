"""Importing existing plans: one module per format (``word``, ``spreadsheet``, ``delimited``,
``own_format``), what columns mean (``mapping``), rows to items (``tables``), items to a plan
document (``document``), refused characters (``cleaning``), and the dry run's description
(``describe``)."""

from .describe import describe
from .reading import Reading, read_plan
from .tables import ImportProblem

__all__ = ["ImportProblem", "Reading", "describe", "read_plan"]
