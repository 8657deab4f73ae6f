"""The scoring-path benchmark on 2 000 synthetic customers, the SHAP stage and the targets check of `make bench`.

These tests check the structure of the results, not timings.
"""

import json
import sys
from pathlib import Path

import pytest

from analysis import config
from analysis.dataset import load_dataset
from analysis.modelling import MODEL_FILE, fit_model

# benchmarks/ is a folder of scripts that import each other by module name.
sys.path.insert(0, str(config.PROJECT_ROOT / "benchmarks"))

import bench_scoring  # noqa: E402
import bench_stages  # noqa: E402
import harness  # noqa: E402
import run_all  # noqa: E402

PARTS = {"load_model", "read_validate", "features", "score", "segments", "offers"}
BUDGET = 100


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A logistic regression fitted on the real data with small folds, saved as `run` saves it."""
    dataset = load_dataset(config.DEFAULT_DATA_DIR)
    result = fit_model(
        dataset, candidate_names=("logistic_regression",),
        outer_splits=2, outer_repeats=1, inner_splits=2, n_jobs=1, verbose=0,
    )
    directory = tmp_path_factory.mktemp("model")
    result.save(directory)
    return directory / MODEL_FILE


def test_scoring_benchmark_json(model_path: Path, tmp_path: Path) -> None:
    entries = bench_scoring.measure_scale([2_000], model_path, tmp_path / "work", budget=BUDGET)
    out = tmp_path / "latest.json"
    harness.write_json_atomic(out, {"budget": BUDGET, "scale": entries})
    data = json.loads(out.read_text(encoding="utf-8"))

    assert data["budget"] == BUDGET
    assert len(data["scale"]) == 1
    entry = data["scale"][0]
    assert "error" not in entry, entry.get("error")
    assert entry["n"] == 2_000
    assert entry["seconds"] > 0
    assert entry["peak_mb"] > 0
    assert set(entry["parts"]) == PARTS
    for name, part in entry["parts"].items():
        assert part["seconds"] > 0, name
        assert part["peak_mb"] > 0, name
    assert entry["peak_mb"] >= max(part["peak_mb"] for part in entry["parts"].values())
    assert 0 < entry["offers"] <= BUDGET
    assert entry["explained"] >= entry["offers"]


def test_chunked_scores_match_score_customers(model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis import scoring
    from analysis.persistence import load_model

    data_dir = bench_scoring.ensure_synthetic(2_000, tmp_path, timeout=300)
    # 700 rows per chunk give three chunks, the last one shorter.
    monkeypatch.setattr(scoring, "SCORING_CHUNK_ROWS", 700)
    expected = scoring.score_customers(model_path, data_dir).set_index(config.ID_COLUMN).iloc[:, 0]
    loaded = load_model(model_path)
    features = scoring._model_features(load_dataset(data_dir, require_target=False).features, loaded.metadata)

    proba = bench_scoring.score_in_chunks(loaded.model, features)

    assert len(expected) == 2_000
    assert proba.index.equals(expected.index)
    assert proba.to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-12)


def test_shap_stage_explains_out_of_fold(model_path: Path, tmp_path: Path) -> None:
    from analysis.explain import Explanation

    meter = harness.Meter()
    result = bench_stages.shap_values(
        meter, str(config.DEFAULT_DATA_DIR), str(model_path), str(tmp_path / "explanation")
    )
    explanation = Explanation.load(tmp_path / "explanation")

    assert set(meter.sections) == {"shap"}
    assert result["settings"]["out_of_fold"] is True
    assert result["settings"]["n_splits"] == 5
    assert result["customers"] == len(load_dataset(config.DEFAULT_DATA_DIR).features)
    # One base value per customer, because each fold's model has its own.
    assert len(explanation.base_value) == result["customers"]


def test_synthetic_data_reused(tmp_path: Path) -> None:
    first = bench_scoring.ensure_synthetic(2_000, tmp_path, timeout=300)
    marker = first / bench_scoring.COMPLETE_MARKER
    written = marker.stat().st_mtime_ns

    second = bench_scoring.ensure_synthetic(2_000, tmp_path, timeout=300)

    assert second == first
    assert marker.stat().st_mtime_ns == written


def test_failed_step_reported(tmp_path: Path) -> None:
    entries = bench_scoring.measure_scale([2_000], tmp_path / "missing.skops", tmp_path / "work", budget=BUDGET)

    assert entries[0]["seconds"] is None
    assert entries[0]["peak_mb"] is None
    assert "failed" in entries[0]["error"]


def test_targets_met_and_missed() -> None:
    results = {
        "cold_build_s": 100.0,
        "warm_build_s": 30.0,
        "scale": [
            {"n": 100_000, "seconds": 5.0, "peak_mb": 500.0},
            {"n": 1_000_000, "seconds": 70.0, "peak_mb": 3000.0},
        ],
    }

    targets = run_all.evaluate_targets(results)

    assert targets["cold_build"]["met"] is True
    assert targets["warm_build"]["met"] is False
    assert targets["scale_time"]["met"] is False
    assert targets["scale_memory"]["met"] is True
    assert targets["scale_growth"]["time_ratio_1m_to_100k"] == pytest.approx(14.0)
    assert targets["scale_growth"]["met"] is False


def test_targets_without_numbers() -> None:
    targets = run_all.evaluate_targets({"cold_build_s": None, "warm_build_s": None, "scale": []})

    assert all(target["met"] is None for target in targets.values())
