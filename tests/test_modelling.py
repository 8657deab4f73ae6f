"""Tests of the model: candidates, nested cross-validation, calibration metrics and persistence."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression

from analysis import config
from analysis.calibration_metrics import confusion_at_threshold, expected_calibration_error, reliability_table
from analysis.candidates import CANDIDATE_NAMES
from analysis.dataset import load_dataset
from analysis.modelling import ModelResult, fit_model
from analysis.nested_cv import corrected_t_interval
from analysis.persistence import ModelFileError, load_model, save_model

# A quick configuration for tests that need several fits: three fast
# candidates of different kinds, 3 outer and 3 inner folds, one repeat.
QUICK = {
    "candidate_names": ("logistic_regression", "knn", "gradient_boosting"),
    "outer_splits": 3,
    "outer_repeats": 1,
    "inner_splits": 3,
    "verbose": 0,
}


@pytest.fixture(scope="session")
def real_dataset():
    return load_dataset(config.DEFAULT_DATA_DIR, verbose=0)


@pytest.fixture(scope="session")
def real_result(real_dataset):
    """The full procedure on the store's data, fitted once per test session (about a minute)."""
    return fit_model(real_dataset, random_state=config.RANDOM_STATE, verbose=0)


@pytest.fixture(scope="session")
def saved_dir(real_result, tmp_path_factory):
    directory = tmp_path_factory.mktemp("model_result")
    real_result.save(directory)
    return directory


def subsample(dataset, size: int, *, random_state: int = 0):
    """Return a dataset with a stratified random subset of ``size`` customers."""
    rng = np.random.default_rng(random_state)
    target = dataset.target
    chosen = []
    for label in (0, 1):
        ids = target.index[target == label].to_numpy()
        count = round(size * len(ids) / len(target))
        chosen.extend(rng.choice(ids, size=count, replace=False))
    ids = pd.Index(sorted(chosen), name=config.ID_COLUMN)
    return dataclasses.replace(dataset, features=dataset.features.loc[ids], target=target.loc[ids])


def rename_ids(dataset, mapping):
    """Return a dataset whose ids are replaced by ``mapping(old_id)``."""
    features = dataset.features.rename(index=mapping)
    target = dataset.target.rename(index=mapping)
    return dataclasses.replace(dataset, features=features, target=target)


# --- targets on the store's data ---------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "bound", "higher_is_better"),
    [
        ("roc_auc", 0.91, True),
        ("brier", 0.09, False),
        ("ece", 0.04, False),
        ("holdout_roc_auc", 0.88, True),
    ],
)
def test_fit_model_meets_target(real_result, metric, bound, higher_is_better):
    value = real_result.metrics[metric]
    if higher_is_better:
        assert value >= bound, f"{metric} = {value:.4f} < {bound}"
    else:
        assert value <= bound, f"{metric} = {value:.4f} > {bound}"


@pytest.mark.parametrize(
    ("metric", "baseline"),
    [("roc_auc", "baseline_roc_auc"), ("pr_auc", "baseline_pr_auc")],
)
def test_fit_model_beats_baseline(real_result, metric, baseline):
    assert real_result.metrics[metric] > real_result.metrics[baseline] + 0.2


def test_fit_model_baseline_is_uninformative(real_result):
    assert real_result.metrics["baseline_roc_auc"] == pytest.approx(0.5)
    assert real_result.metrics["brier"] < real_result.metrics["baseline_brier"]


def test_fit_model_interval_contains_mean(real_result):
    low, high = real_result.metrics["roc_auc_ci95"]
    assert low < real_result.metrics["roc_auc"] < high
    assert high - low > 2 * real_result.metrics["roc_auc_std"] / np.sqrt(10)


def test_fit_model_metrics_have_required_keys(real_result, real_dataset):
    metrics = real_result.metrics
    required = {
        "roc_auc", "roc_auc_ci95", "pr_auc", "brier", "ece", "holdout_roc_auc", "model",
        "n_customers", "n_excluded", "baseline_roc_auc", "baseline_pr_auc", "baseline_brier",
    }
    assert required <= set(metrics)
    assert metrics["n_customers"] == len(real_dataset.features)
    assert metrics["n_excluded"] == len(real_dataset.excluded)
    assert metrics["model"] in CANDIDATE_NAMES
    json.dumps(metrics)  # raises on values that metrics.json cannot hold


def test_fit_model_features_exclude_id_and_profit(real_result):
    forbidden = {config.ID_COLUMN, config.PROFIT_COLUMN, config.TARGET_COLUMN}
    assert not forbidden & set(real_result.metadata["features"])
    assert not forbidden & set(real_result.final_model.feature_names_in_)


def test_fit_model_rejects_profit_feature(real_dataset):
    features = real_dataset.features.assign(**{config.PROFIT_COLUMN: 1.0})
    leaky = dataclasses.replace(real_dataset, features=features)
    with pytest.raises(ValueError, match=config.PROFIT_COLUMN):
        fit_model(leaky, **QUICK)


# --- out-of-fold scores --------------------------------------------------------------------


def test_oof_proba_covers_every_customer(real_result, real_dataset):
    oof = real_result.oof_proba
    assert oof.index.equals(real_dataset.features.index)
    assert oof.notna().all()
    assert oof.between(0, 1).all()


def test_outer_predictions_test_each_customer_once_per_repeat(real_result):
    counts = real_result.predictions.groupby(["repeat", "id"]).size()
    assert (counts == 1).all()
    assert real_result.predictions["repeat"].nunique() == real_result.metrics["outer_repeats"]


def test_oof_proba_is_uninformative_on_noise_target(real_dataset):
    # With labels independent of the features, honest out-of-fold scores rank
    # at chance, whereas in-sample k-NN scores would rank almost perfectly.
    small = subsample(real_dataset, 300)
    noise = pd.Series(np.random.default_rng(1).permutation(small.target.to_numpy()), index=small.target.index)
    result = fit_model(dataclasses.replace(small, target=noise), **QUICK)
    assert abs(result.metrics["roc_auc"] - 0.5) < 0.1


# --- candidates and their spread -----------------------------------------------------------


def test_candidate_table_lists_every_candidate(real_result):
    table = real_result.candidates
    assert list(table["candidate"]) == list(CANDIDATE_NAMES)
    assert (table["roc_auc_std"] > 0).all()
    assert table["times_chosen"].sum() == real_result.metrics["outer_splits"] * real_result.metrics["outer_repeats"]
    assert table.loc[table["final_choice"], "candidate"].tolist() == [real_result.model_name]


def test_fold_table_marks_one_choice_per_fold(real_result):
    chosen_per_fold = real_result.folds.groupby(["repeat", "fold"])["chosen"].sum()
    assert (chosen_per_fold == 1).all()


def test_model_result_reason_names_model(real_result):
    assert real_result.model_label in real_result.reason


# --- determinism and ids -------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_dataset(real_dataset):
    return subsample(real_dataset, 400)


@pytest.fixture(scope="module")
def small_result(small_dataset):
    return fit_model(small_dataset, random_state=7, n_jobs=2, **QUICK)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_fit_model_deterministic(small_dataset, small_result, n_jobs):
    again = fit_model(small_dataset, random_state=7, n_jobs=n_jobs, **QUICK)
    assert again.metrics == small_result.metrics
    pd.testing.assert_series_equal(again.oof_proba, small_result.oof_proba)
    pd.testing.assert_frame_equal(again.folds, small_result.folds)


def test_fit_model_seed_changes_splits(small_dataset, small_result):
    other = fit_model(small_dataset, random_state=8, **QUICK)
    assert not np.allclose(other.oof_proba.to_numpy(), small_result.oof_proba.to_numpy())


def test_fit_model_ignores_id_values(small_dataset, small_result):
    # Reversing the order of ids would change any result that used them.
    renamed = fit_model(rename_ids(small_dataset, lambda old: 10**6 - old), random_state=7, **QUICK)
    np.testing.assert_array_equal(renamed.oof_proba.to_numpy(), small_result.oof_proba.to_numpy())
    # Pooled metrics sum in id order, so they may differ in the last bits.
    for key, value in small_result.metrics.items():
        assert renamed.metrics[key] == (pytest.approx(value) if isinstance(value, float) else value), key


def test_model_result_save_byte_identical(small_dataset, small_result, tmp_path):
    again = fit_model(small_dataset, random_state=7, **QUICK)
    small_result.save(tmp_path / "first")
    again.save(tmp_path / "second")
    names = sorted(path.name for path in (tmp_path / "first").iterdir())
    assert names == sorted(path.name for path in (tmp_path / "second").iterdir())
    for name in names:
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes(), name


# --- saving and loading --------------------------------------------------------------------


def test_model_result_save_writes_only_json_csv_skops(saved_dir):
    suffixes = {path.suffix for path in saved_dir.iterdir()}
    assert suffixes <= {".json", ".csv", ".skops"}
    for name in ("metrics.json", "scores.csv", "model.skops", "model.json", "reliability.csv", "candidates.csv"):
        assert (saved_dir / name).is_file(), name


def test_scores_csv_has_id_and_probability(saved_dir, real_result):
    scores = pd.read_csv(saved_dir / "scores.csv")
    assert list(scores.columns) == ["id", "Вероятность_снижения"]
    np.testing.assert_allclose(scores["Вероятность_снижения"], real_result.oof_proba.to_numpy())


def test_model_result_load_reproduces_scores(saved_dir, real_result, real_dataset):
    loaded = ModelResult.load(saved_dir)
    expected = real_result.final_model.predict_proba(real_dataset.features)[:, 1]
    actual = loaded.final_model.predict_proba(real_dataset.features)[:, 1]
    np.testing.assert_array_equal(actual, expected)
    pd.testing.assert_series_equal(loaded.oof_proba, real_result.oof_proba, check_names=False)
    assert loaded.metrics == json.loads(json.dumps(real_result.metrics))
    pd.testing.assert_frame_equal(loaded.confusion_matrix(), real_result.confusion_matrix())
    pd.testing.assert_frame_equal(loaded.candidates, real_result.candidates)


def test_saved_model_ignores_renamed_ids(saved_dir, real_dataset):
    model = load_model(saved_dir / "model.skops").model
    features = real_dataset.features
    renamed = features.set_axis(features.index.to_numpy()[::-1] + 10**6, axis=0)
    np.testing.assert_array_equal(model.predict_proba(renamed)[:, 1], model.predict_proba(features)[:, 1])


def test_saved_metadata_records_data_and_versions(saved_dir, real_dataset):
    metadata = json.loads((saved_dir / "model.json").read_text(encoding="utf-8"))
    assert metadata["data_hash"] == real_dataset.data_hash
    assert metadata["features"] == list(real_dataset.features.columns)
    assert {"scikit-learn", "skops", "numpy", "pandas"} <= set(metadata["versions"])
    assert metadata["metrics"]["roc_auc"] > 0.5


class _UnlistedTransformer:
    """A class that the model allow-list does not name."""

    def predict_proba(self, X):
        return X


@pytest.mark.parametrize("damage", ["missing_model", "missing_metadata", "not_a_zip", "unlisted_type"])
def test_load_model_rejects_bad_file(tmp_path, damage):
    path = tmp_path / "model.skops"
    save_model(LogisticRegression().fit([[0.0], [1.0]], [0, 1]), path, {"features": ["x"]})
    if damage == "missing_model":
        path.unlink()
    elif damage == "missing_metadata":
        path.with_suffix(".json").unlink()
    elif damage == "not_a_zip":
        path.write_bytes(b"not a skops file")
    elif damage == "unlisted_type":
        sio.dump(_UnlistedTransformer(), path)
    with pytest.raises(ModelFileError):
        load_model(path)


# --- calibration metrics -------------------------------------------------------------------


@pytest.mark.parametrize(("offset", "expected"), [(0.0, 0.0), (0.1, 0.1), (-0.2, 0.2)])
def test_expected_calibration_error_measures_offset(offset, expected):
    # 20 customers at each of p = 0.35, 0.55, 0.75 whose observed rate is exactly p.
    rates = np.repeat([0.35, 0.55, 0.75], 20)
    y = np.concatenate([np.r_[np.ones(round(r * 20)), np.zeros(20 - round(r * 20))] for r in (0.35, 0.55, 0.75)])
    assert expected_calibration_error(y, rates + offset) == pytest.approx(expected, abs=1e-12)


def test_reliability_table_counts_every_prediction():
    rng = np.random.default_rng(0)
    proba = rng.uniform(size=500)
    y = (rng.uniform(size=500) < proba).astype(int)
    table = reliability_table(y, np.r_[proba[:-1], 1.0])
    assert table["count"].sum() == 500
    assert (table["mean_predicted"].between(table["bin_low"], table["bin_high"])).all()


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (0.5, [[1, 1], [1, 2]]),
        (0.0, [[0, 2], [0, 3]]),
        (0.95, [[2, 0], [3, 0]]),
    ],
)
def test_confusion_at_threshold_counts(threshold, expected):
    y = [0, 0, 1, 1, 1]
    proba = [0.2, 0.6, 0.4, 0.5, 0.9]
    matrix = confusion_at_threshold(y, proba, threshold)
    np.testing.assert_array_equal(matrix.to_numpy(), expected)


def test_corrected_t_interval_wider_than_naive():
    scores = [0.90, 0.92, 0.91, 0.93, 0.89, 0.92, 0.90, 0.91, 0.94, 0.90]
    low, high = corrected_t_interval(scores, test_fraction=0.2)
    naive_half_width = 2.262 * np.std(scores, ddof=1) / np.sqrt(len(scores))
    assert high - low > 2 * naive_half_width * 1.5
    assert (low + high) / 2 == pytest.approx(np.mean(scores))


@pytest.mark.parametrize(("scores", "fraction"), [([0.9], 0.2), ([0.9, 0.8], 0.0), ([0.9, 0.8], 1.0)])
def test_corrected_t_interval_rejects_invalid_input(scores, fraction):
    with pytest.raises(ValueError):
        corrected_t_interval(scores, test_fraction=fraction)
