"""Tests of SHAP values, the fast SVM copy and the Russian reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC

from analysis import config
from analysis.dataset import load_dataset
from analysis.explain import Explanation, explain_model, top_drivers
from analysis.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES
from analysis.reasons import describe_reasons, format_number_ru
from analysis.svm_speedup import with_fast_rbf_svm

# SHAP values plus the base value must equal the model's probability this closely.
ADDITIVITY_TOLERANCE = 1e-6
N_EXPLAINED = 40


def _calibrated(estimator) -> CalibratedClassifierCV:
    preprocess = ColumnTransformer(
        [
            ("categories", OneHotEncoder(handle_unknown="ignore"), list(CATEGORICAL_FEATURES)),
            ("numbers", StandardScaler(), list(NUMERIC_FEATURES)),
        ]
    )
    return CalibratedClassifierCV(Pipeline([("preprocess", preprocess), ("model", estimator)]), cv=3)


MODELS = {
    "svm": lambda: _calibrated(SVC(kernel="rbf", random_state=0)),
    "logistic": lambda: _calibrated(LogisticRegression(max_iter=1000)),
    "boosting": lambda: _calibrated(HistGradientBoostingClassifier(max_iter=30, random_state=0)),
}


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(config.DEFAULT_DATA_DIR)


@pytest.fixture(scope="module")
def fitted(dataset):
    return {name: make().fit(dataset.features, dataset.target) for name, make in MODELS.items()}


@pytest.fixture(scope="module")
def svm_explanation(dataset, fitted):
    return explain_model(fitted["svm"], dataset.features.iloc[:N_EXPLAINED], random_state=7)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_explain_model_values_add_up_to_probability(dataset, fitted, name):
    features = dataset.features.iloc[:N_EXPLAINED]
    explanation = explain_model(fitted[name], features, background_size=5, n_permutations=1)
    probability = fitted[name].predict_proba(features)[:, 1]
    total = explanation.values.sum(axis=1).to_numpy() + explanation.base_value
    assert np.max(np.abs(total - probability)) < ADDITIVITY_TOLERANCE
    assert list(explanation.values.columns) == list(features.columns)
    assert explanation.values.index.equals(features.index)


def test_explain_model_same_seed_same_values(dataset, fitted, svm_explanation):
    again = explain_model(fitted["svm"], dataset.features.iloc[:N_EXPLAINED], random_state=7)
    pd.testing.assert_frame_equal(again.values, svm_explanation.values)


def test_explain_model_uses_fast_svm(svm_explanation):
    assert svm_explanation.settings["fast_svm"] is True


def test_explain_model_constant_feature_gets_zero(dataset, fitted):
    features = dataset.features.iloc[:N_EXPLAINED].copy()
    features["Тип сервиса"] = "премиум"
    explanation = explain_model(fitted["logistic"], features, background_size=5, n_permutations=1)
    assert np.allclose(explanation.values["Тип сервиса"], 0.0, atol=1e-12)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_with_fast_rbf_svm_same_probabilities(dataset, fitted, name):
    fast, replaced = with_fast_rbf_svm(fitted[name])
    expected = fitted[name].predict_proba(dataset.features)
    assert np.max(np.abs(fast.predict_proba(dataset.features) - expected)) < 1e-9
    assert replaced == (3 if name == "svm" else 0)


def test_explanation_save_load_round_trip(svm_explanation, tmp_path):
    svm_explanation.save(tmp_path)
    loaded = Explanation.load(tmp_path)
    pd.testing.assert_frame_equal(loaded.values, svm_explanation.values)
    pd.testing.assert_frame_equal(loaded.feature_values, svm_explanation.feature_values)
    pd.testing.assert_series_equal(loaded.output, svm_explanation.output, check_names=False)
    assert loaded.base_value == svm_explanation.base_value
    assert loaded.settings == svm_explanation.settings
    assert not list(tmp_path.glob("*.pkl"))


def test_top_reasons_sorted_by_absolute_value(svm_explanation):
    reasons = svm_explanation.top_reasons(3)
    assert len(reasons) == 3 * N_EXPLAINED
    for customer, rows in reasons.groupby("id"):
        strongest = svm_explanation.values.loc[customer].abs().sort_values(ascending=False)
        assert list(rows["rank"]) == [1, 2, 3]
        assert np.allclose(rows["shap_value"].abs().to_numpy(), strongest.iloc[:3].to_numpy())


def test_top_reasons_direction_matches_sign(svm_explanation):
    reasons = svm_explanation.top_reasons(3)
    raises = reasons["shap_value"] > 0
    assert reasons.loc[raises, "reason"].str.endswith("повышает риск").all()
    assert reasons.loc[~raises, "reason"].str.endswith("снижает риск").all()


@pytest.mark.parametrize(
    ("feature", "value", "shap", "expected"),
    [
        ("Акционные_покупки", 0.93, 0.2, "высокая доля покупок по акции, 0,93, повышает риск"),
        ("Акционные_покупки", 0.10, -0.1, "низкая доля покупок по акции, 0,1, снижает риск"),
        ("Неоплаченные_продукты_штук_квартал", 9, 0.1,
         "много неоплаченных товаров в корзине за квартал, 9\u00a0шт., повышает риск"),
        ("Выручка_изменение", -1520.5, 0.05, "выручка снизилась к прошлому месяцу, \u22121\u00a0520,5, повышает риск"),
        ("Популярная_категория", "<b>Кухня</b>", -0.01, "популярная категория «<b>Кухня</b>», снижает риск"),
    ],
)
def test_describe_reasons_phrases(feature, value, shap, expected):
    reference = pd.DataFrame(
        {
            "Акционные_покупки": [0.1, 0.2, 0.3, 0.5, 0.9, 0.95],
            "Неоплаченные_продукты_штук_квартал": [0, 1, 2, 3, 4, 9],
            "Выручка_изменение": [-10.0, 0.0, 5.0, 10.0, 20.0, 30.0],
            "Популярная_категория": ["a", "b", "c", "a", "b", "c"],
        }
    )
    phrases = describe_reasons(pd.Series([feature]), pd.Series([value], dtype=object), pd.Series([shap]), reference)
    assert phrases[0] == expected


@pytest.mark.parametrize(
    ("number", "text"),
    [(5.0, "5"), (0.934, "0,93"), (4472.0, "4\u00a0472"), (-0.5, "\u22120,5"), (float("nan"), "нет данных")],
)
def test_format_number_ru_examples(number, text):
    assert format_number_ru(np.array([number])).iloc[0] == text


def test_top_drivers_ties_keep_column_order():
    values = pd.DataFrame([[0.1, -0.1, 0.05]], index=pd.Index([7], name="id"), columns=["a", "b", "c"])
    drivers = top_drivers(values, 2)
    assert list(drivers["feature"]) == ["a", "b"]
