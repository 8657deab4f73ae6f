"""Errors of the fallback renderer."""

from analysis.errors import AnalysisError


class RenderError(AnalysisError):
    """A page cannot be built: unsupported syntax, or a cell raised an error."""
