"""Draw synthetic customers from a fitted `StoreModel`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from analysis.synthetic_fit import LABEL_BINS, StoreModel


@dataclass(frozen=True)
class CustomerSample:
    """Synthetic customers of one chunk, in the order of the `classes` input.

    ``values`` has shape (customers, dimensions) in the order of
    `StoreModel.numeric_columns`, already rounded to each column's decimals.
    ``label_codes`` has shape (customers, labels) with codes into each
    `LabelModel.categories`.
    """

    values: np.ndarray
    label_codes: np.ndarray


def sample_customers(model: StoreModel, classes: np.ndarray, rng: np.random.Generator) -> CustomerSample:
    """Sample one customer for each entry of ``classes``.

    Parameters
    ----------
    model
        Fitted model from `fit_store_model`.
    classes
        Class index of each customer, 0 or 1, indexing `layout.CLASS_LABELS`.
    rng
        Source of randomness. The result depends only on its state and the inputs.

    Returns
    -------
    CustomerSample
        Numeric values and label codes, one row per entry of ``classes``.
    """
    n_customers = classes.shape[0]
    n_dimensions = len(model.numeric_columns)
    values = np.empty((n_customers, n_dimensions), dtype=np.float64)
    label_codes = np.empty((n_customers, len(model.labels)), dtype=np.int8)

    for class_index, cholesky in enumerate(model.cholesky):
        rows = np.flatnonzero(classes == class_index)
        latent = rng.standard_normal((rows.shape[0], n_dimensions)) @ cholesky.T
        uniforms = ndtr(latent)
        for dimension in range(n_dimensions):
            values[rows, dimension] = _empirical_quantile(
                model.sorted_values[class_index][dimension],
                uniforms[:, dimension],
                discrete=model.discrete[dimension],
            )

        for label_index, label in enumerate(model.labels):
            bins = np.minimum((uniforms[:, label.driver] * LABEL_BINS).astype(np.int64), LABEL_BINS - 1)
            cumulative = label.cumulative[class_index][bins]
            draws = rng.random(rows.shape[0])
            codes = (draws[:, None] >= cumulative).sum(axis=1)
            label_codes[rows, label_index] = np.minimum(codes, len(label.categories) - 1)

    for dimension, decimals in enumerate(model.decimals):
        np.round(values[:, dimension], decimals, out=values[:, dimension])
    return CustomerSample(values=values, label_codes=label_codes)


def _empirical_quantile(sorted_values: np.ndarray, uniforms: np.ndarray, *, discrete: bool) -> np.ndarray:
    """Evaluate the empirical quantile function of ``sorted_values`` at ``uniforms``.

    The discrete form returns only observed values; the continuous form
    interpolates linearly between neighbouring order statistics, so it stays
    within the observed range.
    """
    n_values = sorted_values.shape[0]
    if discrete:
        positions = np.minimum((uniforms * n_values).astype(np.int64), n_values - 1)
        return sorted_values[positions]
    return np.interp(uniforms * (n_values - 1), np.arange(n_values), sorted_values)
