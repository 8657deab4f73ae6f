"""Exceptions and warnings whose messages are shown to users, in Russian."""


class AnalysisError(Exception):
    """Base class of errors that the command line reports without a traceback."""
