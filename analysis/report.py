"""Entry point for the report's chapters: the results for the data folder being reported."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from analysis import config
from analysis.pipeline import Results, run_pipeline


def report_data_dir() -> Path:
    """Return the data folder of the report: `$ANALYSIS_DATA`, or `data/` of the project."""
    return Path(os.environ.get(config.DATA_DIR_ENV, config.DEFAULT_DATA_DIR)).resolve()


def report_cache_dir() -> Path:
    """Return the stage cache of the report: `$ANALYSIS_CACHE`, or `.cache/` of the project."""
    return Path(os.environ.get(config.CACHE_DIR_ENV, config.DEFAULT_CACHE_DIR)).resolve()


@functools.cache
def load_results() -> Results:
    """Return the results for the report's data folder, from the cache when they are there.

    `make report` runs the pipeline before rendering, so in a chapter this only
    reads files. Called again in the same kernel, it returns the same object.
    """
    return run_pipeline(report_data_dir(), out_dir=None, cache_dir=report_cache_dir(), verbose=0)
