"""Arrange sampled customers as the four tables of the store's data folder."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import synthetic_layout as layout
from analysis.synthetic_fit import StoreModel
from analysis.synthetic_sample import CustomerSample


def build_tables(
    model: StoreModel,
    sample: CustomerSample,
    classes: np.ndarray,
    ids: np.ndarray,
    *,
    with_target: bool,
) -> dict[str, pd.DataFrame]:
    """Build market_file, market_money, market_time and money rows for one chunk.

    Parameters
    ----------
    model
        Fitted model that produced ``sample``.
    sample
        Sampled values and label codes, one row per customer.
    classes
        Class index of each customer (0 is `layout.CLASS_LABELS[0]`).
    ids
        Customer ids, one per row of ``sample``.
    with_target
        Whether market_file gets the target column.

    Returns
    -------
    dict of str to pandas.DataFrame
        Tables keyed by file name, columns in the real files' order. Label
        columns are `pandas.Categorical`. Each customer has one row per
        period in market_money and market_time, periods in the order of
        `layout.REVENUE_PERIODS` and `layout.MINUTES_PERIODS`.

    Notes
    -----
    NOTE: these tables always list periods in the order above, but the real
    files list a customer's periods in varying order. Code that relies on row
    order can pass on synthetic data and still fail on real files.
    """
    columns = {name: index for index, name in enumerate(model.numeric_columns)}
    values = sample.values

    market = {}
    for column in model.market_file_columns:
        if column == layout.ID_COLUMN:
            market[column] = ids
        elif column == layout.TARGET_COLUMN:
            if with_target:
                market[column] = pd.Categorical.from_codes(classes, categories=list(layout.CLASS_LABELS))
        elif column in columns:
            market[column] = _numeric_column(model, values, columns[column])
        else:
            label_index = [label.column for label in model.labels].index(column)
            label = model.labels[label_index]
            market[column] = pd.Categorical.from_codes(sample.label_codes[:, label_index], categories=list(label.categories))

    revenue_columns = [columns[f"{layout.REVENUE_COLUMN}|{period}"] for period in layout.REVENUE_PERIODS]
    minutes_columns = [columns[f"{layout.MINUTES_COLUMN}|{period}"] for period in layout.MINUTES_PERIODS]
    profit_column = columns[layout.PROFIT_COLUMN]
    return {
        layout.MARKET_FILE: pd.DataFrame(market),
        layout.MARKET_MONEY: _long_table(model, values, ids, revenue_columns, layout.REVENUE_PERIODS, layout.REVENUE_COLUMN),
        layout.MARKET_TIME: _long_table(model, values, ids, minutes_columns, layout.MINUTES_PERIODS, layout.MINUTES_COLUMN),
        layout.MONEY: pd.DataFrame({layout.ID_COLUMN: ids, layout.PROFIT_COLUMN: _numeric_column(model, values, profit_column)}),
    }


def _numeric_column(model: StoreModel, values: np.ndarray, index: int) -> np.ndarray:
    column = values[:, index]
    return column.astype(np.int64) if model.integer[index] else column


def _long_table(
    model: StoreModel,
    values: np.ndarray,
    ids: np.ndarray,
    value_columns: list[int],
    periods: tuple[str, ...],
    value_name: str,
) -> pd.DataFrame:
    """Build a long table with one row per customer and period, customers in input order."""
    n_periods = len(periods)
    period_codes = np.tile(np.arange(n_periods, dtype=np.int8), ids.shape[0])
    # Row-major ravel of the (customers, periods) block lists each customer's periods together.
    long_values = values[:, value_columns].ravel()
    if all(model.integer[index] for index in value_columns):
        long_values = long_values.astype(np.int64)
    return pd.DataFrame(
        {
            layout.ID_COLUMN: np.repeat(ids, n_periods),
            layout.PERIOD_COLUMN: pd.Categorical.from_codes(period_codes, categories=list(periods)),
            value_name: long_values,
        }
    )
