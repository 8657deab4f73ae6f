"""Label normalisation, extreme revenue, exclusions and the quality log."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from analysis import config
from analysis.aliases import ACTION_ALIAS, normalise_labels
from analysis.cleaning import ACTION_EXCLUDED, ACTION_REPLACED, EXTREME_RATIO, clean_data
from analysis.dataset import load_dataset
from analysis.errors import ExtraColumnWarning, UnknownLabelWarning
from analysis.features import FEATURES
from analysis.schema import FILE_SPECS, QUALITY_LOG_COLUMNS
from analysis.validation import validate_data

MARKET_SPECS = FILE_SPECS["market_file.csv"]


@pytest.mark.parametrize(
    ("column", "raw", "expected"),
    [
        ("Тип сервиса", "стандарт", "стандарт"),
        ("Тип сервиса", " Премиум ", "премиум"),
        ("Тип сервиса", "СТАНДАРТТ", "стандарт"),
        ("Тип сервиса", "стандартт", "стандарт"),
        ("Разрешить сообщать", "Да", "да"),
        ("Популярная_категория", "Косметика и аксесуары", "Косметика и аксессуары"),
        ("Популярная_категория", "  товары  для   детей ", "Товары для детей"),
        ("Популярная_категория", "Книги", "Книги"),
        ("Популярная_категория", " Книги ", "Книги"),
        (config.TARGET_COLUMN, "снизилась ", "Снизилась"),
    ],
)
def test_normalise_labels_maps_variant(column, raw, expected):
    frame = pd.DataFrame({column: [raw]}, index=pd.RangeIndex(2, 3))
    specs = tuple(spec for spec in MARKET_SPECS if spec.name == column)

    result = normalise_labels(frame, "market_file.csv", specs)

    assert result.frame[column].tolist() == [expected]
    assert len(result.log) == (0 if raw == expected else 1)


def test_normalise_labels_merges_case_variants_of_new_label():
    frame = pd.DataFrame({"Популярная_категория": ["Книги", "книги", "КНИГИ "]}, index=pd.RangeIndex(2, 5))
    specs = tuple(spec for spec in MARKET_SPECS if spec.name == "Популярная_категория")

    result = normalise_labels(frame, "market_file.csv", specs)

    assert result.frame["Популярная_категория"].tolist() == ["Книги"] * 3
    assert result.unknown_rows[("Популярная_категория", "Книги")].tolist() == [2, 3, 4]


def test_normalise_labels_logs_rows_and_count():
    frame = pd.DataFrame({"Тип сервиса": ["стандарт", "стандартт", "премиум", "стандартт"]}, index=pd.RangeIndex(2, 6))
    ids = pd.Series([11, 12, 13, 14], index=frame.index)
    specs = tuple(spec for spec in MARKET_SPECS if spec.name == "Тип сервиса")

    result = normalise_labels(frame, "market_file.csv", specs, ids)

    assert list(result.log.columns) == list(QUALITY_LOG_COLUMNS)
    entry = result.log.iloc[0]
    assert entry["Строки"] == "3, 5"
    assert entry["id"] == "12, 14"
    assert entry["Количество"] == 2
    assert entry["Было"] == "стандартт"
    assert entry["Стало"] == "стандарт"
    assert entry["Действие"] == ACTION_ALIAS


def _set_revenue(tables, customer, period, value):
    money = tables["market_money.csv"]
    money.loc[(money["id"] == customer) & (money["Период"] == period), "Выручка"] = value


@pytest.mark.parametrize(
    ("value", "replaced"),
    [
        (4110.0 * EXTREME_RATIO * 1.01, True),
        (106862.2, True),
        (4110.0 * EXTREME_RATIO * 0.99, False),
        (50.0, False),  # a sharp drop is a signal for the model, not an error
    ],
)
def test_clean_data_replaces_only_extreme_high_revenue(raw_tables, raw_write, tmp_path, value, replaced):
    _set_revenue(raw_tables, 1002, "текущий_месяц", value)
    validated = validate_data(raw_write(tmp_path / "data", raw_tables))

    cleaned = clean_data(validated)

    money = cleaned.tables["market_money.csv"]
    current = money.loc[(money["id"] == 1002) & (money["Период"] == "текущий_месяц"), "Выручка"].item()
    replacements = cleaned.quality_log[cleaned.quality_log["Действие"].str.startswith(ACTION_REPLACED)]
    if replaced:
        # Customer 1002 has 4100.0 and 4110.0 in the other two months.
        assert current == pytest.approx(4105.0)
        assert replacements["id"].tolist() == ["1002"]
        assert replacements["Строки"].tolist() == ["7"]
        assert replacements["Стало"].tolist() == ["4105.0"]
    else:
        assert current == value
        assert replacements.empty


@pytest.mark.parametrize(
    ("zero_periods", "reason"),
    [
        (("текущий_месяц",), "текущий_месяц"),
        (("препредыдущий_месяц", "предыдущий_месяц"), "препредыдущий_месяц, предыдущий_месяц"),
    ],
)
def test_clean_data_excludes_customer_without_purchases(raw_tables, raw_write, tmp_path, zero_periods, reason):
    for period in zero_periods:
        _set_revenue(raw_tables, 1003, period, 0.0)
    validated = validate_data(raw_write(tmp_path / "data", raw_tables))

    cleaned = clean_data(validated)

    assert cleaned.excluded["id"].tolist() == [1003]
    assert cleaned.excluded["Причина"].item().endswith(reason)
    for file, frame in cleaned.tables.items():
        assert 1003 not in set(frame["id"]), file
    exclusions = cleaned.quality_log[cleaned.quality_log["Действие"].str.startswith(ACTION_EXCLUDED)]
    assert exclusions["id"].tolist() == ["1003"]
    assert exclusions["Количество"].tolist() == [len(zero_periods)]


def test_load_dataset_keeps_new_category_with_warning(raw_tables, raw_write, tmp_path):
    raw_tables["market_file.csv"].loc[2, "Популярная_категория"] = "Книги"
    directory = raw_write(tmp_path / "data", raw_tables)

    with pytest.warns(UnknownLabelWarning, match="Книги"):
        dataset = load_dataset(directory)

    assert dataset.features.loc[1003, "Популярная_категория"] == "Книги"
    assert list(dataset.features.columns) == list(FEATURES)
    assert any("Книги" in message for message in dataset.warnings)


def test_load_dataset_ignores_extra_column_with_warning(raw_tables, raw_write, tmp_path):
    raw_tables["money.csv"]["Комментарий"] = "проверено"
    directory = raw_write(tmp_path / "data", raw_tables)

    with pytest.warns(ExtraColumnWarning, match="Комментарий"):
        dataset = load_dataset(directory)

    assert "Комментарий" not in dataset.customers.columns
    assert len(dataset.features) == 6


def test_load_dataset_clean_folder_without_warnings(raw_data_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dataset = load_dataset(raw_data_dir)

    assert dataset.warnings == ()
    assert dataset.quality_log.empty
    assert dataset.excluded.empty
    assert list(dataset.excluded.columns) == ["id", "Причина"]
