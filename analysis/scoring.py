"""Scoring of new customers with a saved model: ``python -m analysis score``."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype

from analysis import config
from analysis.dataset import load_dataset
from analysis.errors import AnalysisError, format_listed
from analysis.model_summary import PROBABILITY_COLUMN
from analysis.persistence import atomic_output, load_model

# Customers per predict_proba call: a k-NN model builds a rows × training-customers
# distance matrix, so one call on a million customers would need gigabytes.
SCORING_CHUNK_ROWS = 100_000


class FeatureMismatchError(AnalysisError):
    """The data's features differ from those the model was trained on."""


def score_customers(model_path: str | Path, data_dir: str | Path, *, verbose: int = 0) -> pd.DataFrame:
    """Compute the probability of decline of every customer in a data folder.

    Parameters
    ----------
    model_path : path
        ``model.skops`` written by ``ModelResult.save``, with ``model.json`` next to it.
    data_dir : path
        Folder with the store's four files; the target column may be absent.
        Customers that :func:`analysis.dataset.load_dataset` excludes are not scored.
    verbose : int
        Above 0, progress messages in Russian go to stderr.

    Returns
    -------
    DataFrame
        Columns ``id`` and ``Вероятность_снижения`` (probability in [0, 1]),
        one row per scored customer, in ``id`` order.

    Raises
    ------
    ModelFileError
        If the model or its metadata is missing or invalid.
    FeatureMismatchError
        If the data's features differ from the model's.
    DataValidationError
        If the data files are invalid.

    Notes
    -----
    Categories the model has not seen are encoded as all zeros, so such
    customers get a score from their other features; a message lists them.
    """
    loaded = load_model(Path(model_path))
    _say(verbose, f"Модель загружена: {loaded.metadata.get('model_label', loaded.metadata.get('model'))}.")
    dataset = load_dataset(data_dir, require_target=False, verbose=verbose)
    features = _model_features(dataset.features, loaded.metadata)
    _report_unseen_categories(features, loaded.metadata, verbose)
    if dataset.data_hash == loaded.metadata.get("data_hash"):
        _say(
            verbose,
            "Это те же данные, на которых обучалась модель, поэтому её вероятности для этих клиентов "
            "увереннее, чем будут для новых. Для них используйте вероятности вне выборки из scores.csv команды `run`.",
        )

    with warnings.catch_warnings():
        # Unseen categories are reported above in Russian; the encoder's
        # English warning about them would only repeat it.
        warnings.filterwarnings("ignore", message="Found unknown categories", category=UserWarning)
        proba = np.empty(len(features))
        for start in range(0, len(features), SCORING_CHUNK_ROWS):
            stop = start + SCORING_CHUNK_ROWS
            proba[start:stop] = loaded.model.predict_proba(features.iloc[start:stop])[:, 1]
            if len(features) > SCORING_CHUNK_ROWS:
                _say(verbose, f"Оценено клиентов: {min(stop, len(features))} из {len(features)}.")
    _say(verbose, f"Оценено клиентов: {len(features)}.")
    return pd.DataFrame({config.ID_COLUMN: features.index.to_numpy(), PROBABILITY_COLUMN: proba})


def write_scores(
    model_path: str | Path, data_dir: str | Path, out_path: str | Path, *, verbose: int = 0
) -> Path:
    """Score a data folder and write the CSV atomically; return ``out_path``.

    The CSV is written to a temporary file next to ``out_path`` and then
    moved onto it, so a failure leaves any existing file unchanged.
    """
    out_path = Path(out_path)
    if out_path.is_dir():
        raise AnalysisError(f"путь для результата {out_path} — папка. Укажите имя CSV-файла, например scores_new.csv.")
    scores = score_customers(model_path, data_dir, verbose=verbose)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(out_path) as temporary:
        scores.to_csv(temporary, index=False, encoding="utf-8")
    _say(verbose, f"Вероятности записаны в {out_path}.")
    return out_path


def _model_features(features: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
    """Return the data's features in the model's column order, or raise FeatureMismatchError."""
    expected = list(metadata["features"])
    missing = [name for name in expected if name not in features.columns]
    extra = [name for name in features.columns if name not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"нет признаков модели: {format_listed(missing)}")
        if extra:
            parts.append(f"лишние признаки: {format_listed(extra)}")
        raise FeatureMismatchError(
            "признаки данных не совпадают с признаками модели ("
            + "; ".join(parts)
            + "). Обучите модель заново на данных текущей версии: python -m analysis run."
        )

    not_numeric = [name for name in metadata.get("numeric_features", []) if not is_numeric_dtype(features[name])]
    if not_numeric:
        raise FeatureMismatchError(
            f"признаки {format_listed(not_numeric)} должны быть числовыми. Проверьте файлы данных: "
            "python -m analysis validate --data ПАПКА."
        )
    incomplete = features.index[features[expected].isna().any(axis=1)]
    if len(incomplete):
        raise FeatureMismatchError(
            f"у клиентов с id {format_listed(list(incomplete))} пропущены значения признаков. "
            "Заполните их в файлах данных."
        )
    return features[expected]


def _report_unseen_categories(features: pd.DataFrame, metadata: dict[str, Any], verbose: int) -> None:
    for column, known in metadata.get("categories", {}).items():
        unseen = sorted(set(features[column].dropna()) - set(known))
        if unseen:
            count = int(features[column].isin(unseen).sum())
            _say(
                verbose,
                f"В признаке «{column}» есть значения, которых не было при обучении: {format_listed(unseen)} "
                f"(клиентов: {count}). Для них модель учитывает только остальные признаки.",
            )


def _say(verbose: int, message: str) -> None:
    if verbose > 0:
        print(message, file=sys.stderr, flush=True)
