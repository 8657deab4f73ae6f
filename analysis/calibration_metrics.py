"""Calibration and threshold metrics of predicted probabilities."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

DEFAULT_BINS = 10


def _as_arrays(y_true: ArrayLike, proba: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(proba, dtype=float)
    if y.shape != p.shape or y.ndim != 1:
        raise ValueError(f"y_true and proba must be 1-D of equal length, got shapes {y.shape} and {p.shape}.")
    if len(y) == 0:
        raise ValueError("y_true and proba are empty.")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("y_true must contain only 0 and 1.")
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("proba must be probabilities in [0, 1] without NaN.")
    return y, p


def reliability_table(y_true: ArrayLike, proba: ArrayLike, *, n_bins: int = DEFAULT_BINS) -> pd.DataFrame:
    """Group predictions into equal-width probability bins and compare with outcomes.

    Parameters
    ----------
    y_true : array-like of {0, 1}
        Observed outcomes.
    proba : array-like of float in [0, 1]
        Predicted probabilities of outcome 1.
    n_bins : int
        Number of equal-width bins on [0, 1]; the last bin includes 1.

    Returns
    -------
    DataFrame
        One row per non-empty bin with columns ``bin_low``, ``bin_high``,
        ``mean_predicted``, ``observed_rate`` and ``count``.
    """
    y, p = _as_arrays(y_true, proba)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # np.digitize puts p == 1 past the last edge, so clip it into the last bin.
    bins = np.clip(np.digitize(p, edges[1:-1], right=False), 0, n_bins - 1)
    frame = pd.DataFrame({"bin": bins, "y": y, "p": p})
    grouped = frame.groupby("bin", sort=True).agg(
        mean_predicted=("p", "mean"), observed_rate=("y", "mean"), count=("y", "size")
    )
    grouped.insert(0, "bin_high", edges[grouped.index + 1])
    grouped.insert(0, "bin_low", edges[grouped.index])
    return grouped.reset_index(drop=True)


def expected_calibration_error(y_true: ArrayLike, proba: ArrayLike, *, n_bins: int = DEFAULT_BINS) -> float:
    """Compute the expected calibration error over equal-width bins.

    ECE is the mean, weighted by bin size, of the absolute gap between the
    mean predicted probability and the observed rate in each bin. It is in
    probability units: 0.03 means predictions are 3 percentage points off
    on average. Small samples bias it upwards, because every bin's observed
    rate is noisy.
    """
    table = reliability_table(y_true, proba, n_bins=n_bins)
    gaps = (table["mean_predicted"] - table["observed_rate"]).abs()
    return float(np.average(gaps, weights=table["count"]))


def confusion_at_threshold(y_true: ArrayLike, proba: ArrayLike, threshold: float = 0.5) -> pd.DataFrame:
    """Count predictions against outcomes when ``proba >= threshold`` means decline.

    Returns
    -------
    DataFrame
        2 x 2 counts; index ``actual`` and columns ``predicted``, both with
        values 0 («Прежний уровень») and 1 («Снизилась»).
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}.")
    y, p = _as_arrays(y_true, proba)
    predicted = (p >= threshold).astype(int)
    counts = np.zeros((2, 2), dtype=int)
    np.add.at(counts, (y.astype(int), predicted), 1)
    return pd.DataFrame(
        counts,
        index=pd.Index([0, 1], name="actual"),
        columns=pd.Index([0, 1], name="predicted"),
    )
