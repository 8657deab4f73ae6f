"""Permutation SHAP values for a batch of rows at once, for any prediction function."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from analysis.shap_background import Background

# Rows per call of the prediction function: large enough that the per-call
# overhead of a calibrated pipeline (about 20 ms) is small, small enough to
# keep a chunk's hybrid rows in memory.
_ROWS_PER_CALL = 40_000


def _hybrid_rows(
    pool: pd.DataFrame, customer_pos: np.ndarray, background_pos: np.ndarray, masks: np.ndarray
) -> pd.DataFrame:
    """Build rows that take masked features from the customer and the rest from a background row.

    ``masks`` has shape (customers, steps, features); the result has one row per
    (customer, step, background row), in that order.
    """
    n_customers, n_steps, _ = masks.shape
    n_background = len(background_pos)
    columns = {}
    for j, column in enumerate(pool.columns):
        source = np.where(
            masks[:, :, j, None],
            customer_pos[:, None, None],
            background_pos[None, None, :],
        ).reshape(n_customers * n_steps * n_background)
        columns[column] = pool[column].array.take(source)
    return pd.DataFrame(columns)


def permutation_shap_values(
    predict: Callable[[pd.DataFrame], np.ndarray],
    features: pd.DataFrame,
    background: Background,
    *,
    n_permutations: int = 2,
    random_state: int = 42,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, float, np.ndarray]:
    """Estimate interventional SHAP values by antithetic permutation sampling, many rows per call.

    This is the algorithm of shap's PermutationExplainer. For each customer a
    random order of features is walked forwards and backwards, switching
    features one by one from a background row to the customer's value. A
    feature's SHAP value is the mean change of the output when it is switched.
    Every walk starts at the background mean and ends at the customer's
    output, so the values of each customer add up exactly:
    ``values.sum(axis=1) + base_value == output``. One antithetic pair is
    exact for models with at most pairwise interactions.

    shap's explainers call the model once per customer. Here the hybrid rows
    of many customers go into one call, because a calibrated pipeline has a
    large overhead per call.

    Parameters
    ----------
    predict
        Maps a raw feature DataFrame to a 1-D array of model outputs.
    features
        Rows to explain.
    background
        Weighted background rows; their weighted mean output is the base value.
    n_permutations
        Antithetic pairs of orders per customer; the model is evaluated
        ``2 * (n_features - 1) * n_permutations * len(background.rows)`` times
        per customer.
    random_state
        Seed of the feature orders.
    progress
        Called as ``progress(done, total)`` after each chunk of customers.

    Returns
    -------
    values
        Array (customers, features) of SHAP values in the units of ``predict``.
    base_value
        Weighted mean output over the background.
    output
        ``predict(features)``.
    """
    if n_permutations < 1:
        raise ValueError(f"n_permutations must be at least 1, got {n_permutations}")
    n_rows, n_features = features.shape
    rng = np.random.default_rng(random_state)
    weights = np.asarray(background.weights, dtype=float)

    background_rows = background.rows[features.columns]
    base_value = float(weights @ np.asarray(predict(background_rows), dtype=float))
    output = np.asarray(predict(features), dtype=float)
    values = np.zeros((n_rows, n_features))
    if n_features == 1:
        values[:, 0] = output - base_value
        return values, base_value, output

    pool = pd.concat([features, background_rows], ignore_index=True)
    background_pos = np.arange(n_rows, n_rows + len(background_rows))
    # Forward steps switch on features of order positions < s; backward steps
    # switch on positions >= n - s. The all-off and all-on ends are shared.
    steps = np.arange(1, n_features)
    steps_per_customer = 2 * len(steps)
    chunk = max(1, _ROWS_PER_CALL // (steps_per_customer * len(background_rows)))

    for start in range(0, n_rows, chunk):
        stop = min(start + chunk, n_rows)
        customer_pos = np.arange(start, stop)
        for _ in range(n_permutations):
            order = np.argsort(rng.random((stop - start, n_features)), axis=1)
            position = np.argsort(order, axis=1)
            forward = position[:, None, :] < steps[None, :, None]
            backward = position[:, None, :] >= (n_features - steps)[None, :, None]
            masks = np.concatenate([forward, backward], axis=1)

            hybrid = _hybrid_rows(pool, customer_pos, background_pos, masks)
            raw = np.asarray(predict(hybrid), dtype=float)
            mean = raw.reshape(stop - start, steps_per_customer, len(background_rows)) @ weights

            ends_start = np.full((stop - start, 1), base_value)
            ends_stop = output[start:stop, None]
            walk_forward = np.hstack([ends_start, mean[:, : len(steps)], ends_stop])
            walk_backward = np.hstack([ends_start, mean[:, len(steps) :], ends_stop])
            rows = np.arange(stop - start)[:, None]
            # Forward step s switches on the feature at order position s;
            # backward step s switches on the one at position n - 1 - s.
            np.add.at(values[start:stop], (rows, order), np.diff(walk_forward, axis=1))
            np.add.at(values[start:stop], (rows, order[:, ::-1]), np.diff(walk_backward, axis=1))
        if progress is not None:
            progress(stop, n_rows)

    values /= 2 * n_permutations
    return values, base_value, output
