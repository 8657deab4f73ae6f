"""Tests of scoring new customers with a saved model, through the API and the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis import config
from analysis.dataset import load_dataset
from analysis.modelling import fit_model
from analysis.persistence import ModelFileError, load_model
from analysis.scoring import FeatureMismatchError, score_customers, write_scores

PROBABILITY = "Вероятность_снижения"
UNSEEN_CATEGORY = "Книги и канцелярия"


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    """A quickly fitted model on the store's data, saved like `run` saves it."""
    dataset = load_dataset(config.DEFAULT_DATA_DIR)
    result = fit_model(
        dataset,
        candidate_names=("logistic_regression", "knn"),
        outer_splits=2,
        outer_repeats=1,
        inner_splits=3,
        verbose=0,
    )
    directory = tmp_path_factory.mktemp("saved")
    result.save(directory)
    return directory / "model.skops"


def copy_data(destination, *, drop_target=False, unseen_category_ids=(), id_offset=0):
    """Copy the store's four files into ``destination`` with the requested changes."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in config.DATA_FILES:
        shutil.copy(config.DEFAULT_DATA_DIR / name, destination / name)

    market = pd.read_csv(destination / "market_file.csv", dtype=str)
    if drop_target:
        market = market.drop(columns=[config.TARGET_COLUMN])
    market.loc[market["id"].astype(int).isin(unseen_category_ids), "Популярная_категория"] = UNSEEN_CATEGORY
    market["id"] = (market["id"].astype(int) + id_offset).astype(str)
    market.to_csv(destination / "market_file.csv", index=False)

    for name, sep in (("market_money.csv", ","), ("market_time.csv", ","), ("money.csv", ";")):
        table = pd.read_csv(destination / name, sep=sep, dtype=str)
        table["id"] = (table["id"].astype(int) + id_offset).astype(str)
        table.to_csv(destination / name, sep=sep, index=False)
    return destination


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "analysis", "score", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        timeout=300,
    )


def test_score_customers_matches_saved_model(model_path):
    scores = score_customers(model_path, config.DEFAULT_DATA_DIR)
    dataset = load_dataset(config.DEFAULT_DATA_DIR)
    expected = load_model(model_path).model.predict_proba(dataset.features)[:, 1]
    assert list(scores.columns) == ["id", PROBABILITY]
    np.testing.assert_array_equal(scores["id"], dataset.features.index)
    np.testing.assert_array_equal(scores[PROBABILITY], expected)


def test_score_customers_ignores_renamed_ids(model_path, tmp_path):
    original = score_customers(model_path, config.DEFAULT_DATA_DIR)
    renamed = score_customers(model_path, copy_data(tmp_path / "renamed", id_offset=500_000))
    np.testing.assert_array_equal(renamed["id"], original["id"] + 500_000)
    np.testing.assert_array_equal(renamed[PROBABILITY], original[PROBABILITY])


def test_score_cli_new_customers_with_unseen_category(model_path, tmp_path):
    changed_ids = [215400, 215401, 215402]
    data_dir = copy_data(tmp_path / "new", drop_target=True, unseen_category_ids=changed_ids)
    out = tmp_path / "scores_new.csv"

    completed = run_cli("--model", model_path, "--data", data_dir, "--out", out)

    assert completed.returncode == 0, completed.stderr
    assert UNSEEN_CATEGORY in completed.stderr
    scores = pd.read_csv(out)
    assert list(scores.columns) == ["id", PROBABILITY]
    assert set(changed_ids) <= set(scores["id"])
    assert scores[PROBABILITY].between(0, 1).all()
    assert len(scores) == len(load_dataset(config.DEFAULT_DATA_DIR).features)


def test_score_cli_missing_model_exits_with_message(tmp_path):
    out = tmp_path / "scores.csv"
    completed = run_cli("--model", tmp_path / "absent.skops", "--data", config.DEFAULT_DATA_DIR, "--out", out)
    assert completed.returncode == 2
    assert "не найден" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not out.exists()


@pytest.mark.parametrize("change", ["extra_feature", "missing_feature"])
def test_score_customers_rejects_feature_mismatch(model_path, tmp_path, change):
    copied = tmp_path / "model.skops"
    shutil.copy(model_path, copied)
    metadata = json.loads(model_path.with_suffix(".json").read_text(encoding="utf-8"))
    if change == "extra_feature":
        metadata["features"].append("Возраст")
    else:
        metadata["features"].remove("Длительность")
    copied.with_suffix(".json").write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(FeatureMismatchError, match="Возраст" if change == "extra_feature" else "Длительность"):
        score_customers(copied, config.DEFAULT_DATA_DIR)


def test_write_scores_keeps_old_file_on_failure(tmp_path):
    out = tmp_path / "scores.csv"
    out.write_text("old contents\n", encoding="utf-8")
    broken = tmp_path / "model.skops"
    broken.write_bytes(b"not a model")
    broken.with_suffix(".json").write_text('{"features": []}', encoding="utf-8")
    with pytest.raises(ModelFileError):
        write_scores(broken, config.DEFAULT_DATA_DIR, out)
    assert out.read_text(encoding="utf-8") == "old contents\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model.json", "model.skops", "scores.csv"]


def test_write_scores_replaces_file(model_path, tmp_path):
    out = tmp_path / "scores.csv"
    out.write_text("old contents\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the model was saved with the installed versions
        write_scores(model_path, config.DEFAULT_DATA_DIR, out)
    scores = pd.read_csv(out)
    assert list(scores.columns) == ["id", PROBABILITY]
    assert not any(path.name.endswith(".tmp") for path in tmp_path.iterdir())
