"""Tests of profit segments crossed with risk bands."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.segments import COLUMNS, Segments, build_segments


def _sample(n: int = 500, seed: int = 0) -> tuple[pd.Series, pd.Series]:
    rng = np.random.default_rng(seed)
    index = pd.Index(np.arange(10_000, 10_000 + n), name="id")
    return pd.Series(rng.uniform(0, 1, n), index=index), pd.Series(rng.gamma(4.0, 1.0, n), index=index)


@pytest.mark.parametrize(
    ("profit_thresholds", "risk_thresholds"),
    [(None, (0.3, 0.7)), ((2.0, 5.0), (0.5, 0.9)), ((0.0, 100.0), (0.01, 0.02))],
)
def test_build_segments_sizes_add_up(profit_thresholds, risk_thresholds):
    proba, profit = _sample()
    segments = build_segments(proba, profit, profit_thresholds=profit_thresholds, risk_thresholds=risk_thresholds)
    assert segments.matrix[COLUMNS["customers"]].sum() == len(proba)
    assert len(segments.matrix) == 9
    assert segments.assignment.index.equals(proba.index)
    assert np.isclose(segments.matrix[COLUMNS["profit"]].sum(), profit.sum())
    assert np.isclose(segments.matrix[COLUMNS["expected_loss"]].sum(), (proba * profit).sum())


def test_build_segments_default_profit_terciles():
    proba, profit = _sample(900)
    segments = build_segments(proba, profit)
    sizes = segments.assignment["profit_segment"].value_counts()
    assert sizes.min() >= 299
    assert sizes.max() <= 301


@pytest.mark.parametrize(
    ("probability", "band"),
    [(0.0, "низкий"), (0.299, "низкий"), (0.3, "средний"), (0.69, "средний"), (0.7, "высокий"), (1.0, "высокий")],
)
def test_build_segments_risk_band_edges(probability, band):
    index = pd.Index([1, 2, 3], name="id")
    proba = pd.Series([probability, 0.5, 0.5], index=index)
    profit = pd.Series([1.0, 2.0, 3.0], index=index)
    segments = build_segments(proba, profit, risk_thresholds=(0.3, 0.7))
    assert segments.assignment.loc[1, "risk_band"] == band


def test_build_segments_business_name_of_top_cell():
    index = pd.Index([1, 2, 3], name="id")
    segments = build_segments(
        pd.Series([0.9, 0.1, 0.5], index=index), pd.Series([9.0, 1.0, 5.0], index=index), profit_thresholds=(2.0, 6.0)
    )
    assert segments.assignment.loc[1, "segment"] == "Ценные под угрозой"
    assert segments.assignment.loc[2, "segment"] == "Малоприбыльные стабильные"


def test_build_segments_matrix_cell_values():
    index = pd.Index([1, 2, 3, 4], name="id")
    proba = pd.Series([0.8, 0.9, 0.1, 0.2], index=index)
    profit = pd.Series([10.0, 20.0, 1.0, 1.0], index=index)
    segments = build_segments(proba, profit, profit_thresholds=(2.0, 5.0))
    cell = segments.matrix.set_index(COLUMNS["segment"]).loc["Ценные под угрозой"]
    assert cell[COLUMNS["customers"]] == 2
    assert np.isclose(cell[COLUMNS["mean_proba"]], 0.85)
    assert np.isclose(cell[COLUMNS["profit"]], 30.0)
    assert np.isclose(cell[COLUMNS["expected_loss"]], 0.8 * 10 + 0.9 * 20)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"risk_thresholds": (0.7, 0.3)}, "increase"),
        ({"risk_thresholds": (0.5,)}, "expected 2 thresholds"),
        ({"profit_thresholds": (1.0, 2.0, 3.0)}, "expected 2 thresholds"),
    ],
)
def test_build_segments_rejects_bad_thresholds(kwargs, message):
    proba, profit = _sample(20)
    with pytest.raises(ValueError, match=message):
        build_segments(proba, profit, **kwargs)


def test_build_segments_rejects_missing_profit():
    proba, profit = _sample(20)
    with pytest.raises(ValueError, match="profit is missing"):
        build_segments(proba, profit.iloc[1:])


def test_segments_save_load_round_trip(tmp_path):
    proba, profit = _sample(50)
    segments = build_segments(proba, profit, risk_thresholds=(0.2, 0.6))
    segments.save(tmp_path)
    loaded = Segments.load(tmp_path)
    pd.testing.assert_frame_equal(loaded.assignment, segments.assignment, check_index_type=False)
    pd.testing.assert_frame_equal(loaded.matrix, segments.matrix)
    assert loaded.risk_thresholds == (0.2, 0.6)
