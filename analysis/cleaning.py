"""Replace extreme revenue, exclude customers without purchases, and log every change.

Rules, applied to validated data:

1. A customer with zero revenue in any of the three months made no purchase
   that month, so the month-over-month features are undefined. Such a
   customer is excluded from modelling, with the reason.
2. For the remaining customers, a month's revenue is extreme when it is more
   than :data:`EXTREME_RATIO` times the median of that customer's three months.
   The median of three values ignores one outlier, so the rule is robust. The
   value is replaced by the median of the customer's other months. Only high
   values are flagged, because a sharp drop in revenue is the behaviour the
   model has to learn, not an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analysis import config
from analysis.errors import format_listed
from analysis.schema import MONEY_PERIODS, PERIOD_COLUMN, QUALITY_LOG_COLUMNS, REVENUE_COLUMN
from analysis.validation import ValidatedData

MONEY_FILE = "market_money.csv"

# In data/market_money.csv the ratio of a month to the customer's three-month
# median lies between 0.69 and 1.58 for all customers but one (17.6), so 5
# leaves a wide margin above ordinary values.
EXTREME_RATIO = 5.0

ACTION_REPLACED = "выброс заменён медианой других месяцев клиента"
ACTION_EXCLUDED = "клиент исключён из модели"


@dataclass(frozen=True)
class CleanedData:
    """Validated tables after cleaning.

    Attributes
    ----------
    tables : mapping of str to pandas.DataFrame
        File name -> rows of the modelled customers only, indexed by
        spreadsheet line number, with extreme revenue replaced.
    quality_log : pandas.DataFrame
        Every change made, label fixes first, with the columns of ``QUALITY_LOG_COLUMNS``.
    excluded : pandas.DataFrame
        Columns ``id`` and ``Причина``: customers left out of modelling, sorted by id.
    """

    tables: Mapping[str, pd.DataFrame]
    quality_log: pd.DataFrame
    excluded: pd.DataFrame


def clean_data(validated: ValidatedData) -> CleanedData:
    """Exclude customers without purchases in some month and replace extreme revenue.

    Parameters
    ----------
    validated : ValidatedData
        Output of :func:`analysis.validation.validate_data`.

    Returns
    -------
    CleanedData
        Tables of the modelled customers, the quality log (label fixes from
        validation, replacements, exclusions) and the excluded customers.
    """
    money = validated.tables[MONEY_FILE]
    revenue = money.pivot(index=config.ID_COLUMN, columns=PERIOD_COLUMN, values=REVENUE_COLUMN)
    revenue = revenue[list(MONEY_PERIODS)]

    excluded, exclusion_log = _exclude_without_purchases(money, revenue)
    kept_ids = revenue.index.difference(excluded[config.ID_COLUMN])
    money, replacement_log = _replace_extreme_revenue(money, revenue.loc[kept_ids])

    tables = dict(validated.tables)
    tables[MONEY_FILE] = money
    tables = {
        file: frame[frame[config.ID_COLUMN].isin(kept_ids)]
        for file, frame in tables.items()
    }
    logs = [log for log in (validated.label_log, replacement_log, exclusion_log) if not log.empty]
    quality_log = (
        pd.concat(logs, ignore_index=True) if logs else pd.DataFrame(columns=list(QUALITY_LOG_COLUMNS))
    )
    return CleanedData(tables=tables, quality_log=quality_log, excluded=excluded)


def _exclude_without_purchases(
    money: pd.DataFrame, revenue: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    zero = revenue.eq(0)
    zero = zero[zero.any(axis=1)]
    if zero.empty:
        excluded = pd.DataFrame({config.ID_COLUMN: pd.Series(dtype="int64"), "Причина": pd.Series(dtype="str")})
        return excluded, pd.DataFrame(columns=list(QUALITY_LOG_COLUMNS))
    # The number of excluded customers is small, so a per-row join costs little.
    months = zero.apply(lambda row: ", ".join(row.index[row]), axis=1).astype("str")
    reasons = "нет покупок (выручка 0) в периодах: " + months
    excluded = pd.DataFrame({config.ID_COLUMN: zero.index.astype("int64"), "Причина": reasons.to_numpy()})

    zero_rows = money[money[config.ID_COLUMN].isin(zero.index) & money[REVENUE_COLUMN].eq(0)]
    lines = zero_rows.groupby(config.ID_COLUMN).apply(lambda group: format_listed(group.index))
    log = pd.DataFrame(
        {
            "Файл": MONEY_FILE,
            "Столбец": REVENUE_COLUMN,
            "Строки": lines.reindex(zero.index).to_numpy(),
            "id": zero.index.astype("int64").astype("str"),
            "Было": "0",
            "Стало": "",
            "Количество": zero.sum(axis=1).to_numpy(),
            "Действие": ACTION_EXCLUDED + ": " + reasons.to_numpy(),
        },
        columns=list(QUALITY_LOG_COLUMNS),
    )
    return excluded, log


def _replace_extreme_revenue(
    money: pd.DataFrame, revenue: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    typical = revenue.median(axis=1)
    extreme = revenue.gt(EXTREME_RATIO * typical, axis=0)
    cells = extreme.stack()
    cells = cells[cells].index  # pairs (id, period) of extreme values

    replacements = []
    for period in MONEY_PERIODS:
        ids = cells[cells.get_level_values(1) == period].get_level_values(0)
        if ids.empty:
            continue
        others = revenue.loc[ids].drop(columns=period).median(axis=1)
        replacements.append(pd.DataFrame({config.ID_COLUMN: ids, PERIOD_COLUMN: period, "new": others.to_numpy()}))
    if not replacements:
        return money, pd.DataFrame(columns=list(QUALITY_LOG_COLUMNS))

    replaced = pd.concat(replacements, ignore_index=True)
    # Find the line of each replaced value in the long table, keeping line numbers as the index.
    keys = money[[config.ID_COLUMN, PERIOD_COLUMN]].reset_index()
    located = keys.merge(replaced, on=[config.ID_COLUMN, PERIOD_COLUMN]).set_index(money.index.name)

    money = money.copy()
    old = money.loc[located.index, REVENUE_COLUMN]
    money.loc[located.index, REVENUE_COLUMN] = located["new"]
    log = pd.DataFrame(
        {
            "Файл": MONEY_FILE,
            "Столбец": REVENUE_COLUMN,
            "Строки": located.index.astype("str"),
            "id": located[config.ID_COLUMN].astype("str").to_numpy(),
            "Было": old.map(lambda value: f"{value:.1f}").to_numpy(),
            "Стало": located["new"].map(lambda value: f"{value:.1f}").to_numpy(),
            "Количество": 1,
            "Действие": ACTION_REPLACED + f" ({PERIOD_COLUMN.lower()} " + located[PERIOD_COLUMN].to_numpy() + ")",
        },
        columns=list(QUALITY_LOG_COLUMNS),
    )
    return money, log
