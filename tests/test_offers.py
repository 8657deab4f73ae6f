"""Tests of offers: triggers, consent, budget, ranking and the safe export."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scipy.stats import norm

from analysis.explain import Explanation, top_drivers
from analysis.export import export_offers, neutralise_formula
from analysis.features import CATEGORICAL_FEATURES, FEATURE_LABELS, FEATURES, NUMERIC_FEATURES
from analysis.offer_rules import MESSAGING_CHANNELS, OFFER_RULES, rules_table
from analysis.offers import (
    DEFAULT_MAX_OFFERS,
    DEFAULT_N_DRIVERS,
    EXPECTED_LOSS,
    PROBA,
    assigned_offers,
    build_offers,
    count_without_offer,
    offer_columns,
)
from analysis.power import assign_control_group, plan_control_group
from analysis.segments import build_segments

N_CUSTOMERS = 400
FEATURE_BY_LABEL = {label: name for name, label in FEATURE_LABELS.items()}
EVIL_LABELS = ("=HYPERLINK(\"http://x\")", "+cmd", "-2+3", "@SUM(A1)", "<img src=x onerror=alert(1)>", "-5")


@pytest.fixture(scope="module")
def inputs():
    rng = np.random.default_rng(3)
    index = pd.Index(np.arange(1, N_CUSTOMERS + 1), name="id")
    features = pd.DataFrame(
        {column: rng.integers(0, 10, N_CUSTOMERS).astype(float) for column in NUMERIC_FEATURES}, index=index
    )
    features["Тип сервиса"] = rng.choice(["стандарт", "премиум"], N_CUSTOMERS)
    features["Разрешить сообщать"] = rng.choice(["да", "нет"], N_CUSTOMERS)
    features["Популярная_категория"] = rng.choice(list(EVIL_LABELS) + ["Товары для детей"], N_CUSTOMERS)
    features = features[list(FEATURES)]
    values = pd.DataFrame(rng.normal(0, 0.1, (N_CUSTOMERS, len(FEATURES))), index=index, columns=list(FEATURES))
    proba = pd.Series(rng.uniform(0, 1, N_CUSTOMERS), index=index)
    explanation = Explanation(values, 0.4, features, proba, {})
    profit = pd.Series(rng.gamma(4.0, 1.0, N_CUSTOMERS), index=index)
    customers = features[list(CATEGORICAL_FEATURES)].copy()
    segments = build_segments(proba, profit)
    return proba, profit, customers, explanation, segments


def _offers(inputs, **kwargs) -> pd.DataFrame:
    return build_offers(*inputs, **kwargs)


def test_build_offers_no_messaging_without_consent(inputs):
    offers = _offers(inputs)
    without = offers[offers["Согласие на сообщения"] == "нет"]
    assert len(without) > 0
    for slot in (1, 2):
        assert not without[offer_columns(slot)["channel"]].isin(MESSAGING_CHANNELS).any()


def test_build_offers_consent_follows_customers(inputs):
    offers = _offers(inputs)
    customers = inputs[2]
    expected = customers.loc[offers["id"], "Разрешить сообщать"].to_numpy()
    assert (offers["Согласие на сообщения"].to_numpy() == expected).all()


def test_build_offers_trigger_among_top_raising_drivers(inputs):
    explanation = inputs[3]
    offers = _offers(inputs)
    drivers = top_drivers(explanation.values.loc[offers["id"]], DEFAULT_N_DRIVERS)
    raising = set(zip(drivers.loc[drivers["shap_value"] > 0, "id"], drivers.loc[drivers["shap_value"] > 0, "feature"]))
    checked = 0
    for slot in (1, 2):
        names = offer_columns(slot)
        with_offer = offers[offers[names["offer"]] != ""]
        for customer, label, reason, customer_reasons in zip(
            with_offer["id"], with_offer[names["feature"]], with_offer[names["reason"]], with_offer["Причины"]
        ):
            assert (customer, FEATURE_BY_LABEL[label]) in raising
            assert reason in customer_reasons.split("; ")
            assert reason.endswith("повышает риск")
            checked += 1
    assert checked > 0


def test_build_offers_rule_side_of_median(inputs):
    explanation = inputs[3]
    offers = _offers(inputs)
    table = rules_table().drop_duplicates(["offer", "feature"]).set_index(["offer", "feature"])["side"]
    for slot in (1, 2):
        names = offer_columns(slot)
        with_offer = offers[offers[names["offer"]] != ""]
        for customer, offer, label in zip(with_offer["id"], with_offer[names["offer"]], with_offer[names["feature"]]):
            feature = FEATURE_BY_LABEL[label]
            value = explanation.feature_values.loc[customer, feature]
            median = explanation.feature_values[feature].median()
            assert value > median if table[(offer, feature)] == "high" else value < median


def test_build_offers_feature_column_has_labels(inputs):
    offers = _offers(inputs)
    for slot in (1, 2):
        exported_labels = set(offers[offer_columns(slot)["feature"]]) - {""}
        assert exported_labels
        assert exported_labels <= set(FEATURE_LABELS.values())


def test_build_offers_at_most_two_distinct(inputs):
    offers = _offers(inputs)
    assert DEFAULT_MAX_OFFERS == 2
    assert not any(column.startswith("Предложение 3") for column in offers.columns)
    both = offers[offers["Предложение 2"] != ""]
    assert (both["Предложение 1"] != both["Предложение 2"]).all()
    assert (offers["Предложение 1"] != "").all()


def test_build_offers_ranked_by_expected_loss(inputs):
    offers = _offers(inputs)
    loss = offers[EXPECTED_LOSS].to_numpy()
    assert (np.diff(loss) <= 0).all()
    assert list(offers["Место"]) == list(range(1, len(offers) + 1))


def test_build_offers_only_customers_at_risk(inputs):
    proba, segments = inputs[0], inputs[4]
    offers = _offers(inputs)
    assert (proba.loc[offers["id"]] >= segments.risk_thresholds[0]).all()


def test_count_without_offer_counts_left_out(inputs):
    proba, segments = inputs[0], inputs[4]
    offers = _offers(inputs)
    at_risk = int((proba >= segments.risk_thresholds[0]).sum())
    left_out = count_without_offer(proba, segments, offers)
    assert left_out > 0
    assert left_out == at_risk - len(offers)


def test_count_without_offer_includes_budget_cut(inputs):
    proba, segments = inputs[0], inputs[4]
    full = count_without_offer(proba, segments, _offers(inputs))
    assert count_without_offer(proba, segments, _offers(inputs, budget=10)) == full + len(_offers(inputs)) - 10


@pytest.mark.parametrize("budget", [0, 1, 17, 10_000])
def test_build_offers_budget_cuts_list(inputs, budget):
    full = _offers(inputs)
    cut = _offers(inputs, budget=budget)
    assert len(cut) == min(budget, len(full))
    assert list(cut["id"]) == list(full["id"].iloc[:budget])


def test_build_offers_rejects_negative_budget(inputs):
    with pytest.raises(ValueError, match="budget"):
        _offers(inputs, budget=-1)


def test_rules_table_every_offer_has_on_site_variant():
    table = rules_table(OFFER_RULES)
    on_site = table[table["channel"] == "сайт"]
    for offer, feature in table[["offer", "feature"]].drop_duplicates().itertuples(index=False):
        assert ((on_site["offer"] == offer) & (on_site["feature"] == feature)).any(), (offer, feature)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("-5", "-5"),
        ("+3,5", "+3,5"),
        ("Товары", "Товары"),
        (3.5, 3.5),
    ],
)
def test_neutralise_formula_cases(value, expected):
    assert neutralise_formula(value) == expected


def test_export_offers_neutralises_both_files(inputs, tmp_path):
    offers = _offers(inputs)
    assert offers["Популярная категория"].isin(["=HYPERLINK(\"http://x\")"]).any()
    paths = export_offers(offers, tmp_path)

    csv = pd.read_csv(paths.csv, sep=";", decimal=",", encoding="utf-8-sig", dtype={"Популярная категория": str})
    assert paths.csv.read_bytes().startswith(b"\xef\xbb\xbf")
    categories = set(csv["Популярная категория"])
    assert "'=HYPERLINK(\"http://x\")" in categories
    assert not any(str(c).startswith(("=", "+", "@")) for c in categories)
    assert "-5" in categories

    sheet = openpyxl.load_workbook(paths.xlsx).active
    header = [cell.value for cell in sheet[1]]
    column = header.index("Популярная категория") + 1
    cells = [sheet.cell(row, column) for row in range(2, sheet.max_row + 1)]
    assert all(cell.data_type == "s" for cell in cells)
    texts = {cell.value for cell in cells}
    assert "'=HYPERLINK(\"http://x\")" in texts
    assert not any(text.startswith(("=", "+", "@")) for text in texts)
    assert any("Канал" in name for name in header)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref is not None
    assert sheet.max_row == len(offers) + 1


def test_export_offers_csv_round_trip_values(inputs, tmp_path):
    offers = _offers(inputs, budget=30)
    csv = pd.read_csv(export_offers(offers, tmp_path).csv, sep=";", decimal=",", encoding="utf-8-sig")
    assert list(csv["id"]) == list(offers["id"])
    assert np.allclose(csv[EXPECTED_LOSS], offers[EXPECTED_LOSS], atol=5e-5)


def test_export_offers_rounds_probability_to_four_decimals(inputs, tmp_path):
    offers = _offers(inputs, budget=30)
    path = export_offers(offers, tmp_path).csv
    text = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str)
    numbers = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
    assert np.array_equal(numbers[PROBA], offers[PROBA].round(4))
    for column in (PROBA, EXPECTED_LOSS):
        decimals = text[column].str.split(",").str[1].str.len()
        assert decimals.max() <= 4, column


def test_export_offers_leaves_no_temporary_files(inputs, tmp_path):
    export_offers(_offers(inputs, budget=5), tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["offers.csv", "offers.xlsx"]


@pytest.mark.parametrize(("base", "lift"), [(0.3, 0.02), (0.3, 0.05), (0.1, 0.10), (0.6, 0.05)])
def test_plan_control_group_matches_cohen_formula(base, lift):
    # Per group n = 2 (z_{1-alpha/2} + z_{power})^2 / h^2 with Cohen's h; e.g. 392 for h = 0.2.
    h = 2 * np.arcsin(np.sqrt(base + lift)) - 2 * np.arcsin(np.sqrt(base))
    expected = 2 * (norm.ppf(0.975) + norm.ppf(0.8)) ** 2 / h**2
    plan = plan_control_group(base, lift)
    assert plan.treatment_size == int(np.ceil(expected))
    assert plan.control_size == plan.treatment_size


def test_plan_control_group_ratio_sizes_control():
    plan = plan_control_group(0.3, 0.05, control_ratio=0.5)
    assert plan.control_size == int(np.ceil(plan.treatment_size * 0.5))
    assert plan.treatment_size > plan_control_group(0.3, 0.05).treatment_size


def test_plan_control_group_smaller_lift_needs_more():
    assert plan_control_group(0.3, 0.02).total_size > plan_control_group(0.3, 0.05).total_size


def test_assign_control_group_size_and_seed():
    ids = pd.Index(range(100))
    first = assign_control_group(ids, 30, random_state=1)
    assert first.sum() == 30
    pd.testing.assert_series_equal(first, assign_control_group(ids, 30, random_state=1))


def test_assigned_offers_one_row_per_offer():
    offers = pd.DataFrame(
        {
            "id": [1, 2],
            "Предложение 1": ["Баллы", "Витрина"],
            "Канал 1": ["push", "сайт"],
            "Предложение 2": ["Витрина", ""],
            "Канал 2": ["сайт", ""],
        }
    )

    assigned = assigned_offers(offers)

    assert assigned["id"].tolist() == [1, 2, 1]
    assert assigned["Предложение"].tolist() == ["Баллы", "Витрина", "Витрина"]
    assert assigned["Канал"].tolist() == ["push", "сайт", "сайт"]
