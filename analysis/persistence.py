"""Saving and loading the fitted model as a skops file with a JSON metadata file.

Nothing is pickled. ``skops.io.load`` only builds types it trusts by default
or that the caller lists; this module lists exactly the types that
:func:`analysis.candidates.build_candidates` models contain and rejects a
file that needs any other.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy
import sklearn
import skops
import skops.io as sio

from analysis.errors import AnalysisError

METADATA_FORMAT = 1

# Types outside skops' default trust list that the candidates' calibrated
# pipelines contain (checked with skops 0.16 and scikit-learn 1.9). Any other
# type in a model file means the file was not written by this package.
ALLOWED_UNTRUSTED_TYPES = frozenset(
    {
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.model_selection._split.StratifiedKFold",
        "sklearn.tree._tree.Tree",
    }
)


class ModelFileError(AnalysisError):
    """A model file or its metadata is missing, unreadable or not from this package."""


class ModelVersionWarning(UserWarning):
    """The model was saved with other library versions; its scores may differ slightly."""


@dataclass(frozen=True)
class LoadedModel:
    """A fitted model read from disk with its metadata.

    Attributes
    ----------
    model : estimator
        Fitted classifier with ``predict_proba`` on a features DataFrame.
    metadata : dict
        Contents of the JSON file next to the model; see :func:`save_model`.
    """

    model: Any
    metadata: dict[str, Any]


def metadata_path(model_path: Path) -> Path:
    """Return the path of the metadata file that belongs to ``model_path``."""
    return Path(model_path).with_suffix(".json")


def library_versions() -> dict[str, str]:
    """Return the versions of the libraries that a saved model depends on."""
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "skops": skops.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
    }


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path`` and move it onto ``path`` on success.

    If the block raises, the temporary file is removed and ``path`` keeps its
    old contents. The temporary file is created in the same folder, so the
    move stays on one file system and is atomic.
    """
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        yield Path(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_model(model: Any, path: Path, metadata: dict[str, Any]) -> None:
    """Write ``model`` with skops to ``path`` and ``metadata`` as JSON next to it.

    The metadata must contain ``features`` (list of column names). Library
    versions and the format number are added here.
    """
    if "features" not in metadata:
        raise ValueError("metadata must contain 'features'.")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    full_metadata = {"format": METADATA_FORMAT, **metadata, "versions": library_versions()}
    with atomic_output(path) as temporary:
        sio.dump(model, temporary)
        _make_reproducible(temporary)
    with atomic_output(metadata_path(path)) as temporary:
        temporary.write_text(json.dumps(full_metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _make_reproducible(path: Path) -> None:
    """Rewrite a skops file so that equal models give byte-identical files.

    skops 0.16 names array files and ``__id__`` fields after ``id()`` of
    the objects, and the zip entries carry the current time. The ids are
    replaced by their order of first appearance in ``schema.json``, which
    keeps every shared reference, and the entry times are fixed.
    """
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    schema = json.loads(entries.pop("schema.json"))
    renumbered: dict[str, str] = {}

    def new_id(old: object) -> str:
        return renumbered.setdefault(str(old), str(len(renumbered) + 1))

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            node = {key: walk(value) for key, value in node.items()}
            if isinstance(node.get("__id__"), int):
                node["__id__"] = int(new_id(node["__id__"]))
            if isinstance(node.get("file"), str) and node["file"] in entries:
                stem, suffix = node["file"].rsplit(".", 1)
                node["file"] = f"{new_id(stem)}.{suffix}"
            return node
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    schema = walk(schema)
    renamed = {}
    for name, data in entries.items():
        stem, suffix = name.rsplit(".", 1)
        if stem not in renumbered:
            raise ValueError(f"skops file entry {name} is not referenced from schema.json.")
        renamed[f"{renumbered[stem]}.{suffix}"] = data
    renamed["schema.json"] = json.dumps(schema, indent=2).encode("utf-8")

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(renamed):
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), renamed[name])


def load_model(path: Path) -> LoadedModel:
    """Read a model written by :func:`save_model`, trusting only allow-listed types.

    Raises
    ------
    ModelFileError
        If the model or metadata file is missing or unreadable, or the model
        file needs a type outside :data:`ALLOWED_UNTRUSTED_TYPES`.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"файл модели {path} не найден. Укажите файл model.skops из папки результатов `run`.")
    meta_file = metadata_path(path)
    if not meta_file.is_file():
        raise ModelFileError(
            f"рядом с моделью {path} нет файла метаданных {meta_file.name}. "
            "Копируйте модель вместе с ним или запустите `python -m analysis run` заново."
        )

    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as error:  # skops raises zipfile, json and type errors on damaged files
        raise ModelFileError(
            f"файл модели {path} повреждён или не является файлом skops (подробности: {error}). "
            "Возьмите model.skops из папки результатов `run` или запустите `run` заново."
        ) from error
    unexpected = sorted(set(untrusted) - ALLOWED_UNTRUSTED_TYPES)
    if unexpected:
        raise ModelFileError(
            f"файл модели {path} содержит недоверенные типы: {', '.join(unexpected)}. "
            "Загружайте только модели, сохранённые этим пакетом."
        )
    try:
        model = sio.load(path, trusted=list(untrusted))
    except Exception as error:  # same damaged-file errors as above, raised while building objects
        raise ModelFileError(f"не удалось загрузить модель {path}: {error}") from error
    if not hasattr(model, "predict_proba"):
        raise ModelFileError(f"объект в файле {path} не умеет выдавать вероятности (нет predict_proba).")

    try:
        metadata = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"файл метаданных {meta_file} не читается как JSON: {error}") from error
    if not isinstance(metadata, dict) or not isinstance(metadata.get("features"), list):
        raise ModelFileError(f"в файле метаданных {meta_file} нет списка признаков «features».")

    saved = metadata.get("versions", {}).get("scikit-learn")
    if saved != sklearn.__version__:
        warnings.warn(
            f"модель сохранена с scikit-learn {saved}, установлена версия {sklearn.__version__}; "
            "вероятности могут немного отличаться. Переобучите модель командой `python -m analysis run`.",
            ModelVersionWarning,
            stacklevel=2,
        )
    return LoadedModel(model=model, metadata=metadata)
