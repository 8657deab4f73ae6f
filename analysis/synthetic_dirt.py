"""Inject the kinds of dirt found in the real files into synthetic data.

The real files contain label typos (see `layout.LABEL_TYPOS`), one extreme
monthly revenue about 20 times the usual value, and customers with zero
revenue in the two earlier months. `dirt=True` writes the same kinds, plus
case and whitespace variants of labels, in small seeded amounts.

NOTE: the target column «Покупательская активность» gets no dirt, so cleaning
of target labels is not exercised by synthetic data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import synthetic_layout as layout

# Share of the cells with a correctly spelled label that get its typo. In the
# real market_file.csv, 10 of 924 «стандарт» values are «стандартт».
TYPO_SHARE = 0.01

# Share of label cells written in another case or with a leading or trailing space.
NOISE_SHARE = 0.005

# Share of customers whose two earlier months have zero revenue (3 of 1300 in the real data).
ZERO_REVENUE_SHARE = 3 / 1300

# Customers with an extreme current-month revenue: one per 1000, from 1 up to this many.
MAX_EXTREME_REVENUE = 5

# The current-month revenue of an extreme customer is multiplied by a factor drawn
# from this range. The real outlier is about 20 times the median revenue.
EXTREME_FACTOR_RANGE = (15.0, 25.0)

# Periods zeroed for a zero-revenue customer, as in the real data.
ZERO_REVENUE_PERIODS = ("препредыдущий_месяц", "предыдущий_месяц")


@dataclass(frozen=True)
class RevenueDirtPlan:
    """Customers, by position in the whole output, whose revenue gets dirt.

    The two position arrays are disjoint and sorted; ``extreme_factors``
    matches ``extreme_positions`` element by element.
    """

    extreme_positions: np.ndarray
    extreme_factors: np.ndarray
    zero_positions: np.ndarray


def plan_revenue_dirt(n_customers: int, rng: np.random.Generator) -> RevenueDirtPlan:
    """Choose the customers whose revenue gets an extreme value or zero months.

    Parameters
    ----------
    n_customers
        Number of customers in the whole output.
    rng
        Source of randomness.

    Returns
    -------
    RevenueDirtPlan
        At least one extreme-revenue customer and at least one zero-revenue
        customer when ``n_customers >= 2``.
    """
    n_extreme = min(MAX_EXTREME_REVENUE, max(1, n_customers // 1000))
    n_zero = max(1, round(ZERO_REVENUE_SHARE * n_customers))
    n_extreme = min(n_extreme, n_customers)
    n_zero = min(n_zero, n_customers - n_extreme)

    chosen = rng.choice(n_customers, size=n_extreme + n_zero, replace=False)
    extreme_positions = np.sort(chosen[:n_extreme])
    return RevenueDirtPlan(
        extreme_positions=extreme_positions,
        extreme_factors=rng.uniform(*EXTREME_FACTOR_RANGE, size=n_extreme),
        zero_positions=np.sort(chosen[n_extreme:]),
    )


def apply_revenue_dirt(
    values: np.ndarray,
    revenue_columns: list[int],
    plan: RevenueDirtPlan,
    chunk_start: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Write the planned extreme and zero revenues into one chunk, in place.

    Parameters
    ----------
    values
        Sampled values of the chunk, shape (customers, dimensions).
    revenue_columns
        Columns of ``values`` with revenue, in the order of `layout.REVENUE_PERIODS`.
    plan
        Plan for the whole output.
    chunk_start
        Position of the chunk's first customer in the whole output.

    Returns
    -------
    tuple of numpy.ndarray
        Chunk-local rows that got an extreme value and rows that got zero months.
    """
    chunk_end = chunk_start + values.shape[0]
    current = revenue_columns[layout.REVENUE_PERIODS.index("текущий_месяц")]
    zero_columns = [revenue_columns[layout.REVENUE_PERIODS.index(period)] for period in ZERO_REVENUE_PERIODS]

    in_chunk = (plan.extreme_positions >= chunk_start) & (plan.extreme_positions < chunk_end)
    extreme_rows = plan.extreme_positions[in_chunk] - chunk_start
    values[extreme_rows, current] = np.round(values[extreme_rows, current] * plan.extreme_factors[in_chunk], 1)

    in_chunk = (plan.zero_positions >= chunk_start) & (plan.zero_positions < chunk_end)
    zero_rows = plan.zero_positions[in_chunk] - chunk_start
    values[np.ix_(zero_rows, zero_columns)] = 0.0
    return extreme_rows, zero_rows


def soil_labels(
    labels: pd.Categorical,
    typos: Mapping[str, str],
    rng: np.random.Generator,
) -> tuple[pd.Categorical, int, int]:
    """Replace a few labels with their known typo or a case or whitespace variant.

    Parameters
    ----------
    labels
        Correctly spelled labels of one column of one chunk.
    typos
        Misspelling -> correct label, for this column.
    rng
        Source of randomness.

    Returns
    -------
    labels : pandas.Categorical
        The labels with dirt, with the variants added as categories.
    typo_cells : int
        Cells replaced by a typo of ``typos``: ``ceil(TYPO_SHARE * k)``
        for each label with a typo that occurs k times.
    noise_cells : int
        Cells replaced by a case or whitespace variant, ``ceil(NOISE_SHARE * n)``
        for n cells, taken among cells that have no typo.
    """
    clean_categories = [str(category) for category in labels.categories]
    typo_of = {correct: typo for typo, correct in typos.items()}
    codes = labels.codes.astype(np.int32)
    categories = list(clean_categories)

    typo_cells = 0
    for code, category in enumerate(clean_categories):
        if category not in typo_of:
            continue
        candidates = np.flatnonzero(codes == code)
        chosen = rng.choice(candidates, size=math.ceil(TYPO_SHARE * candidates.shape[0]), replace=False)
        codes[chosen] = len(categories)
        categories.append(typo_of[category])
        typo_cells += chosen.shape[0]

    variants = [_noise_variants(category) for category in clean_categories]
    variant_codes = np.empty((len(clean_categories), len(variants[0])), dtype=np.int32)
    for code, category_variants in enumerate(variants):
        for variant_index, variant in enumerate(category_variants):
            variant_codes[code, variant_index] = len(categories)
            categories.append(variant)

    candidates = np.flatnonzero(codes < len(clean_categories))
    chosen = rng.choice(candidates, size=math.ceil(NOISE_SHARE * candidates.shape[0]), replace=False)
    picked_variant = rng.integers(0, variant_codes.shape[1], size=chosen.shape[0])
    codes[chosen] = variant_codes[codes[chosen], picked_variant]

    # Variants of two labels collide only when the labels differ just in case,
    # which the fit merges. Fail loudly rather than build an invalid Categorical.
    if len(set(categories)) != len(categories):
        raise ValueError(f"dirty label variants are not unique: {categories}")
    return pd.Categorical.from_codes(codes, categories=categories), typo_cells, int(chosen.shape[0])


def _noise_variants(label: str) -> tuple[str, str, str, str]:
    """Four variants of a label as a person might type it: other case, stray spaces."""
    other_case = label.lower() if label != label.lower() else label.capitalize()
    return (label.upper(), other_case, f" {label}", f"{label} ")
