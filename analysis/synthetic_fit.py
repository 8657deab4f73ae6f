"""Fit a per-class Gaussian copula and conditional label tables to a real data folder.

The fitted `StoreModel` describes one customer as a row of numeric values (the
numeric columns of market_file.csv, revenue for each of the three periods,
minutes for each of the two periods and profit) plus three labels. For each
class of the target, a Gaussian copula joins empirical marginals of the
numeric values, and each label is drawn from its frequencies within the class
and within a quartile of the copula dimension it depends on most.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtri
from scipy.stats import rankdata

from analysis import synthetic_layout as layout
from analysis.errors import AnalysisError
from analysis.reading import read_table

# Columns with at most this many distinct values are sampled from the step
# empirical quantile function, which only returns observed values. Other
# columns interpolate between order statistics and are rounded to the data's
# decimals.
MAX_DISCRETE_VALUES = 50

# A customer whose revenue in some month exceeds Q3 + 10 * IQR is left out of
# the fit. The real outlier (106 862) is about 130 IQR above Q3, while the
# largest ordinary value is under 4 IQR above it.
EXTREME_REVENUE_IQRS = 10.0

# Quartiles of the driving copula dimension that label frequencies are
# conditioned on.
LABEL_BINS = 4

# Pseudo-count that shrinks each (class, quartile) label distribution toward
# the label's distribution in the whole class, so a category rare in one cell
# keeps a non-zero probability.
LABEL_PRIOR_WEIGHT = 10.0

# Smallest eigenvalue allowed in a fitted correlation matrix, so the Cholesky
# factorisation exists even when the reference has collinear columns.
MIN_EIGENVALUE = 1e-6


@dataclass(frozen=True)
class LabelModel:
    """Distribution of one label column given the class and a copula quartile.

    ``cumulative`` has shape (classes, `LABEL_BINS`, categories) and contains
    cumulative probabilities. ``driver`` is the index of the numeric column
    whose copula quartile selects the row of the table.
    """

    column: str
    categories: tuple[str, ...]
    driver: int
    cumulative: np.ndarray


@dataclass(frozen=True)
class StoreModel:
    """Everything needed to sample synthetic customers of one store.

    Attributes
    ----------
    market_file_columns
        Columns of market_file.csv in the file's order, id and target included.
    numeric_columns
        Names of the numeric dimensions: the numeric market_file columns, then
        ``Выручка|<period>`` for `layout.REVENUE_PERIODS`, ``минут|<period>``
        for `layout.MINUTES_PERIODS` and ``Прибыль``.
    decimals, integer, discrete
        Per numeric dimension: decimals to round to, whether the column is
        written as an integer, and whether it uses the step quantile function.
    class_shares
        Share of each class of `layout.CLASS_LABELS` among the reference
        customers the fit uses.
    cholesky
        Per class, the lower Cholesky factor of the copula correlation matrix,
        shape (dimensions, dimensions).
    sorted_values
        Per class and dimension, the sorted reference values (the empirical
        quantile function).
    labels
        One `LabelModel` per column of `layout.CATEGORY_COLUMNS`.
    """

    market_file_columns: tuple[str, ...]
    numeric_columns: tuple[str, ...]
    decimals: tuple[int, ...]
    integer: tuple[bool, ...]
    discrete: tuple[bool, ...]
    class_shares: tuple[float, ...]
    cholesky: tuple[np.ndarray, ...]
    sorted_values: tuple[tuple[np.ndarray, ...], ...]
    labels: tuple[LabelModel, ...]


def fit_store_model(reference_dir: Path) -> StoreModel:
    """Fit the synthetic-data model to the four files of a real data folder.

    Parameters
    ----------
    reference_dir
        Folder with market_file.csv, market_money.csv, market_time.csv and
        money.csv in the real formats. Label typos, stray whitespace and case
        variants are normalised before the fit.

    Returns
    -------
    StoreModel
        The fitted model. Customers with a zero-revenue month, with an extreme
        revenue (see `EXTREME_REVENUE_IQRS`) or missing from any file are left
        out of the fit.

    Raises
    ------
    AnalysisError
        If a file is missing or unreadable (`DataValidationError`), or
        market_file.csv has no target column or a class with fewer than
        `LABEL_BINS` * 2 customers.
    """
    market, wide = _read_reference(Path(reference_dir))
    numeric_columns = tuple(wide.columns)
    target = market[layout.TARGET_COLUMN]
    values = wide.to_numpy(dtype=np.float64)

    cholesky = []
    sorted_values = []
    class_scores = []
    for label in layout.CLASS_LABELS:
        in_class = (target == label).to_numpy()
        if in_class.sum() < LABEL_BINS * 2:
            raise AnalysisError(
                f"В эталонных данных слишком мало клиентов класса «{label}»: "
                f"{int(in_class.sum())}; нужно не меньше {LABEL_BINS * 2}."
            )
        class_values = values[in_class]
        scores, ranks = _normal_scores(class_values)
        cholesky.append(np.linalg.cholesky(_correlation(scores)))
        sorted_values.append(tuple(np.sort(class_values, axis=0).T.copy()))
        class_scores.append(ranks)

    labels = tuple(
        _fit_label(market[column], target, values, class_scores) for column in layout.CATEGORY_COLUMNS
    )
    shares = target.value_counts(normalize=True)
    return StoreModel(
        market_file_columns=tuple(market.columns),
        numeric_columns=numeric_columns,
        decimals=tuple(_decimals(values[:, j]) for j in range(values.shape[1])),
        integer=tuple(pd.api.types.is_integer_dtype(wide[c]) for c in numeric_columns),
        discrete=tuple(wide[c].nunique() <= MAX_DISCRETE_VALUES for c in numeric_columns),
        class_shares=tuple(float(shares.get(label, 0.0)) for label in layout.CLASS_LABELS),
        cholesky=tuple(cholesky),
        sorted_values=tuple(sorted_values),
        labels=labels,
    )


def _read_reference(reference_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read, normalise and join the reference files.

    Returns market_file rows and a numeric wide table, both indexed by
    position and aligned on the same customers.
    """
    frames = {}
    for name in layout.FILE_FORMATS:
        path = reference_dir / name
        if not path.is_file():
            raise AnalysisError(f"Не найден эталонный файл {path}; укажите папку с четырьмя файлами магазина.")
        # The project's reader detects encoding, separator and decimal mark, so
        # any folder that load_dataset accepts can serve as the reference.
        frames[name] = read_table(path).frame.reset_index(drop=True)

    market = frames[layout.MARKET_FILE]
    if layout.TARGET_COLUMN not in market.columns:
        raise AnalysisError(
            f"В {reference_dir / layout.MARKET_FILE} нет столбца «{layout.TARGET_COLUMN}», "
            "а без него распределения по классам не подобрать."
        )
    for column in (layout.TARGET_COLUMN, *layout.CATEGORY_COLUMNS):
        market[column] = _normalise_labels(market[column], column)

    revenue = _pivot_periods(frames[layout.MARKET_MONEY], layout.REVENUE_COLUMN, layout.REVENUE_PERIODS)
    minutes = _pivot_periods(frames[layout.MARKET_TIME], layout.MINUTES_COLUMN, layout.MINUTES_PERIODS)
    profit = frames[layout.MONEY].set_index(layout.ID_COLUMN)[[layout.PROFIT_COLUMN]]
    numeric_market = market.set_index(layout.ID_COLUMN).select_dtypes("number")
    wide = numeric_market.join([revenue, minutes, profit], how="inner").dropna()

    revenue_values = revenue.to_numpy()
    q1, q3 = np.percentile(revenue_values, [25, 75])
    limit = q3 + EXTREME_REVENUE_IQRS * (q3 - q1)
    revenue_part = wide[revenue.columns]
    usable = (revenue_part > 0).all(axis=1) & (revenue_part <= limit).all(axis=1)
    wide = wide[usable]

    market = market.set_index(layout.ID_COLUMN).loc[wide.index].reset_index()
    return market, wide.reset_index(drop=True)


def _normalise_labels(labels: pd.Series, column: str) -> pd.Series:
    """Collapse whitespace, fix declared typos and merge case variants into the most common spelling."""
    aliases = {wrong.casefold(): right for wrong, right in layout.LABEL_TYPOS.get(column, {}).items()}
    fixed = {}
    for raw in labels.dropna().unique():
        collapsed = " ".join(str(raw).split())
        fixed[raw] = aliases.get(collapsed.casefold(), collapsed)

    spelled = labels.map(fixed).astype(object)
    folded = spelled.str.casefold()
    most_common = spelled.groupby(folded).agg(lambda group: group.value_counts().index[0])
    return folded.map(most_common).astype(object)


def _pivot_periods(long: pd.DataFrame, value_column: str, periods: tuple[str, ...]) -> pd.DataFrame:
    long = long.assign(**{layout.PERIOD_COLUMN: _normalise_labels(long[layout.PERIOD_COLUMN], layout.PERIOD_COLUMN)})
    wide = long.pivot_table(index=layout.ID_COLUMN, columns=layout.PERIOD_COLUMN, values=value_column, aggfunc="first")
    missing = [period for period in periods if period not in wide.columns]
    if missing:
        raise AnalysisError(f"В эталонных данных нет периодов {missing} для столбца «{value_column}».")
    wide = wide[list(periods)]
    wide.columns = [f"{value_column}|{period}" for period in periods]
    if pd.api.types.is_integer_dtype(long[value_column]):
        wide = wide.dropna().astype(long[value_column].dtype)
    return wide


def _normal_scores(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the normal scores and the rank-based uniforms of each column.

    Ties get their average rank, so a block of equal values maps to one
    uniform in (0, 1).
    """
    uniforms = rankdata(values, axis=0) / (values.shape[0] + 1)
    return ndtri(uniforms), uniforms


def _correlation(scores: np.ndarray) -> np.ndarray:
    """Correlation of normal scores, repaired to be positive definite."""
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = np.corrcoef(scores, rowvar=False)
    # A column constant within the class has no defined correlation, so treat it as independent.
    correlation = np.nan_to_num(correlation, nan=0.0)
    np.fill_diagonal(correlation, 1.0)

    eigenvalues, eigenvectors = np.linalg.eigh(correlation)
    repaired = eigenvectors @ np.diag(np.maximum(eigenvalues, MIN_EIGENVALUE)) @ eigenvectors.T
    scale = np.sqrt(np.diag(repaired))
    return repaired / np.outer(scale, scale)


def _decimals(values: np.ndarray, max_decimals: int = 6) -> int:
    """Smallest number of decimals that represents every value exactly."""
    for decimals in range(max_decimals + 1):
        if np.allclose(values, np.round(values, decimals), rtol=0.0, atol=1e-9):
            return decimals
    return max_decimals


def _fit_label(
    labels: pd.Series,
    target: pd.Series,
    values: np.ndarray,
    class_uniforms: list[np.ndarray],
) -> LabelModel:
    categories = tuple(sorted(labels.unique()))
    codes = pd.Categorical(labels, categories=categories).codes
    driver = _strongest_driver(codes, len(categories), values)

    tables = []
    for class_index, label in enumerate(layout.CLASS_LABELS):
        in_class = (target == label).to_numpy()
        class_codes = codes[in_class]
        bins = np.minimum((class_uniforms[class_index][:, driver] * LABEL_BINS).astype(int), LABEL_BINS - 1)
        counts = np.zeros((LABEL_BINS, len(categories)))
        np.add.at(counts, (bins, class_codes), 1.0)

        class_distribution = counts.sum(axis=0) / counts.sum()
        smoothed = counts + LABEL_PRIOR_WEIGHT * class_distribution
        probabilities = smoothed / smoothed.sum(axis=1, keepdims=True)
        tables.append(np.cumsum(probabilities, axis=1))

    cumulative = np.stack(tables)
    # Rounding can leave the last cumulative value just below 1, which would let a
    # uniform draw fall past the last category.
    cumulative[..., -1] = 1.0
    return LabelModel(column=str(labels.name), categories=categories, driver=driver, cumulative=cumulative)


def _strongest_driver(codes: np.ndarray, n_categories: int, values: np.ndarray) -> int:
    """Index of the numeric column with the largest correlation ratio (eta squared) to the label."""
    counts = np.bincount(codes, minlength=n_categories).astype(float)
    group_sums = np.zeros((n_categories, values.shape[1]))
    np.add.at(group_sums, codes, values)
    group_means = group_sums / np.maximum(counts, 1.0)[:, None]
    overall = values.mean(axis=0)
    between = (counts[:, None] * (group_means - overall) ** 2).sum(axis=0)
    total = ((values - overall) ** 2).sum(axis=0)
    eta_squared = np.divide(between, total, out=np.zeros_like(between), where=total > 0)
    return int(np.argmax(eta_squared))
