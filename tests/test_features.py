"""Feature table: names, one row per customer, derived changes, no id or profit."""

from __future__ import annotations

import pytest

from analysis import config
from analysis.dataset import load_dataset
from analysis.features import CATEGORICAL_FEATURES, FEATURE_LABELS, FEATURES, NUMERIC_FEATURES

EXPECTED_NUMERIC = (
    "Маркет_актив_6_мес",
    "Маркет_актив_тек_мес",
    "Длительность",
    "Акционные_покупки",
    "Средний_просмотр_категорий_за_визит",
    "Неоплаченные_продукты_штук_квартал",
    "Ошибка_сервиса",
    "Страниц_за_визит",
    "Выручка_препредыдущий_месяц",
    "Выручка_предыдущий_месяц",
    "Выручка_текущий_месяц",
    "минут_предыдущий_месяц",
    "минут_текущий_месяц",
    "Выручка_изменение",
    "минут_изменение",
)


def test_feature_names_exact():
    assert CATEGORICAL_FEATURES == ("Тип сервиса", "Разрешить сообщать", "Популярная_категория")
    assert NUMERIC_FEATURES == EXPECTED_NUMERIC
    assert FEATURES == CATEGORICAL_FEATURES + NUMERIC_FEATURES


def test_feature_labels_cover_every_feature():
    assert set(FEATURE_LABELS) == set(FEATURES)
    assert FEATURE_LABELS["Акционные_покупки"] == "доля покупок по акции"


@pytest.mark.parametrize("forbidden", [config.ID_COLUMN, config.PROFIT_COLUMN, config.TARGET_COLUMN])
def test_build_features_excludes_non_feature(raw_data_dir, forbidden):
    features = load_dataset(raw_data_dir).features

    assert forbidden not in features.columns
    assert features.index.name == config.ID_COLUMN


@pytest.mark.parametrize(
    ("customer", "column", "expected"),
    [
        # raw_tables: revenue 4000 + 100k + 10m, minutes 10 + k + m for customer k, month m.
        (1001, "Выручка_препредыдущий_месяц", 4000.0),
        (1002, "Выручка_текущий_месяц", 4120.0),
        (1003, "Выручка_изменение", 10.0),
        (1004, "минут_предыдущий_месяц", 13.0),
        (1004, "минут_изменение", 1.0),
        (1002, "Акционные_покупки", 0.75),
        (1005, "Тип сервиса", "премиум"),
    ],
)
def test_build_features_value(raw_data_dir, customer, column, expected):
    features = load_dataset(raw_data_dir).features

    assert features.loc[customer, column] == expected


def test_build_features_one_row_per_customer(raw_tables, raw_write, tmp_path):
    # Rows in shuffled order must still give one row per customer, sorted by id.
    for file, frame in raw_tables.items():
        raw_tables[file] = frame.sample(frac=1, random_state=config.RANDOM_STATE)
    dataset = load_dataset(raw_write(tmp_path / "data", raw_tables))

    assert dataset.features.index.tolist() == [1001, 1002, 1003, 1004, 1005, 1006]
    assert dataset.features.index.is_unique
    assert dataset.features[list(NUMERIC_FEATURES)].dtypes.eq("float64").all()
    assert dataset.target.index.equals(dataset.features.index)
    assert dataset.profit.index.equals(dataset.features.index)
    assert dataset.customers.index.equals(dataset.features.index)
    assert dataset.target.tolist() == [1, 0, 1, 0, 1, 0]
