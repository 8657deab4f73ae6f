"""Model features: one row per customer, with the feature name constants.

Features are the behaviour columns of ``market_file.csv``, revenue of each of
the three months, minutes on the site in each of the two months, and the
month-over-month changes. The customer ``id`` is the index, never a feature,
and profit (``money.csv``) is kept out because it serves only segmentation.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis import config
from analysis.feature_labels import FEATURE_LABELS  # noqa: F401  (re-exported for charts and reasons)
from analysis.schema import MINUTES_COLUMN, MONEY_PERIODS, PERIOD_COLUMN, REVENUE_COLUMN, TIME_PERIODS

CATEGORICAL_FEATURES: tuple[str, ...] = ("Тип сервиса", "Разрешить сообщать", "Популярная_категория")

BEHAVIOUR_FEATURES: tuple[str, ...] = (
    "Маркет_актив_6_мес",
    "Маркет_актив_тек_мес",
    "Длительность",
    "Акционные_покупки",
    "Средний_просмотр_категорий_за_визит",
    "Неоплаченные_продукты_штук_квартал",
    "Ошибка_сервиса",
    "Страниц_за_визит",
)
REVENUE_FEATURES: tuple[str, ...] = tuple(f"{REVENUE_COLUMN}_{period}" for period in MONEY_PERIODS)
MINUTES_FEATURES: tuple[str, ...] = tuple(f"{MINUTES_COLUMN}_{period}" for period in TIME_PERIODS)
REVENUE_CHANGE = "Выручка_изменение"
MINUTES_CHANGE = "минут_изменение"

NUMERIC_FEATURES: tuple[str, ...] = (
    BEHAVIOUR_FEATURES + REVENUE_FEATURES + MINUTES_FEATURES + (REVENUE_CHANGE, MINUTES_CHANGE)
)
FEATURES: tuple[str, ...] = CATEGORICAL_FEATURES + NUMERIC_FEATURES



def build_features(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Build one row of model features per customer.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Cleaned tables (see :func:`analysis.cleaning.clean_data`) with exactly
        the declared periods for every customer.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``id`` (sorted), columns in the order of :data:`FEATURES`.
        Categorical columns are strings; numeric ones are ``float64``, revenue
        in roubles, minutes on the site, changes as the current month minus
        the previous one.
    """
    market = tables["market_file.csv"].set_index(config.ID_COLUMN)
    revenue = _per_period(tables["market_money.csv"], REVENUE_COLUMN, MONEY_PERIODS)
    minutes = _per_period(tables["market_time.csv"], MINUTES_COLUMN, TIME_PERIODS)

    features = market[list(CATEGORICAL_FEATURES + BEHAVIOUR_FEATURES)].join(revenue).join(minutes)
    features[REVENUE_CHANGE] = features["Выручка_текущий_месяц"] - features["Выручка_предыдущий_месяц"]
    features[MINUTES_CHANGE] = features["минут_текущий_месяц"] - features["минут_предыдущий_месяц"]
    features = features.astype({column: "float64" for column in NUMERIC_FEATURES})
    return features[list(FEATURES)].sort_index()


def _per_period(frame: pd.DataFrame, value: str, periods: tuple[str, ...]) -> pd.DataFrame:
    wide = frame.pivot(index=config.ID_COLUMN, columns=PERIOD_COLUMN, values=value)
    wide = wide[list(periods)]
    wide.columns = [f"{value}_{period}" for period in periods]
    return wide
