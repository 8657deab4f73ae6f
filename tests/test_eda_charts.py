"""Charts of the exploratory chapter and the quality log as the data chapter shows it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.data_summary import format_log_value, quality_log_for_page
from analysis.eda_charts import category_share_chart, distributions_chart
from analysis.features import FEATURE_LABELS


@pytest.fixture
def customers() -> tuple[pd.DataFrame, pd.Series]:
    """Build 200 customers: an integer count, a share and a category, the target tied to the count."""
    rng = np.random.default_rng(0)
    index = pd.Index(range(1000, 1200), name="id")
    pages = rng.integers(1, 21, size=len(index)).astype(float)
    features = pd.DataFrame(
        {
            "Страниц_за_визит": pages,
            "Акционные_покупки": rng.uniform(0.1, 1.0, size=len(index)),
            "Тип сервиса": rng.choice(["стандарт", "премиум"], size=len(index)),
        },
        index=index,
    )
    target = pd.Series((pages < 8).astype(int), index=index, name="target")
    return features, target


def test_distributions_bars_rise_from_zero(customers):
    features, target = customers
    spec = distributions_chart(features, target, ["Страниц_за_визит", "Акционные_покупки"]).to_dict()
    encoding = spec["spec"]["encoding"]

    # A bar with only x, x2 and y is drawn as a one-pixel range at the y value.
    # The binned x makes vega-lite draw each bar from y = 0 to its height.
    assert spec["spec"]["mark"]["type"] == "bar"
    assert encoding["x"]["bin"] == "binned"
    assert encoding["x2"]["field"] == "до"
    assert encoding["y"]["field"] == "Доля"
    assert "y2" not in encoding


def test_distributions_shares_sum_to_one_per_class(customers):
    features, target = customers
    spec = distributions_chart(features, target, ["Страниц_за_визит", "Акционные_покупки"]).to_dict()
    rows = pd.DataFrame(spec["datasets"][spec["data"]["name"]])

    sums = rows.groupby(["Признак", "Активность"])["Доля"].sum()
    assert np.allclose(sums, 1.0)
    counts = rows.groupby(["Признак", "Активность"])["Клиентов"].sum()
    assert set(counts) == {int(target.sum()), int((target == 0).sum())}


def test_distributions_integer_feature_gets_bar_per_level(customers):
    features, target = customers
    spec = distributions_chart(features, target, ["Страниц_за_визит"]).to_dict()
    rows = pd.DataFrame(spec["datasets"][spec["data"]["name"]])

    declined = rows[rows["Активность"] == "Снизилась"]
    assert len(declined) == 20
    assert np.allclose(declined["до"] - declined["от"], 1.0)
    assert declined["от"].min() == 0.5


def test_distributions_panels_use_russian_labels(customers):
    features, target = customers
    spec = distributions_chart(features, target, ["Страниц_за_визит"]).to_dict()
    rows = pd.DataFrame(spec["datasets"][spec["data"]["name"]])

    assert set(rows["Признак"]) == {FEATURE_LABELS["Страниц_за_визит"]}


def test_category_share_axis_has_few_percent_ticks(customers):
    features, target = customers
    spec = category_share_chart(features, target, "Тип сервиса").to_dict()
    bars = spec["layer"][0]

    axis = bars["encoding"]["x"]["axis"]
    assert axis["format"] == "%"
    assert axis["tickCount"] <= 5
    assert FEATURE_LABELS["Тип сервиса"] in spec["title"]["text"]


def test_category_share_marks_overall_share(customers):
    features, target = customers
    spec = category_share_chart(features, target, "Тип сервиса").to_dict()
    rule = spec["layer"][1]

    assert rule["mark"]["type"] == "rule"
    overall = spec["datasets"][rule["data"]["name"]]
    assert overall == [{"Доля": pytest.approx(target.mean())}]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("106862.2", "106\u00a0862,2"),
        ("5564.0", "5\u00a0564,0"),
        ("0", "0"),
        ("-12.5", "\u221212,5"),
        ("стандартт", "стандартт"),
        ("предыдцщий_месяц", "предыдцщий_месяц"),
        ("", ""),
        (None, ""),
    ],
)
def test_format_log_value_numbers_only(value, expected):
    assert format_log_value(value) == expected


def test_quality_log_for_page_labels_and_numbers():
    log = pd.DataFrame(
        {
            "Файл": ["market_file.csv", "market_money.csv"],
            "Столбец": ["Популярная_категория", "Выручка"],
            "Строки": ["8, 10", "100"],
            "id": ["215349", "215380"],
            "Было": ["Косметика и аксесуары", "106862.2"],
            "Стало": ["Косметика и аксессуары", "5564.0"],
            "Количество": [223, 1],
            "Действие": ["исправлена опечатка в значении", "выброс заменён медианой"],
        }
    )

    table = quality_log_for_page(log)

    assert list(table.columns) == ["Файл", "Столбец", "Строки", "Было", "Стало", "Количество", "Действие"]
    assert table["Столбец"].tolist() == [FEATURE_LABELS["Популярная_категория"], "Выручка"]
    assert table["Было"].tolist() == ["Косметика и аксесуары", "106\u00a0862,2"]
    assert table["Стало"].tolist() == ["Косметика и аксессуары", "5\u00a0564,0"]
    assert table["Количество"].dtype == "int64"
