"""Run every stage of the analysis through the file cache and write the `run` outputs."""

from __future__ import annotations

import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn

from analysis import config
from analysis.cache import cached_stage, source_fingerprint, stage_key
from analysis.dataset import Dataset, load_dataset
from analysis.eda import Exploration, explore
from analysis.explain import Explanation
from analysis.explain_oof import explain_out_of_fold
from analysis.export import export_offers
from analysis.modelling import ModelResult, fit_model
from analysis.offers import build_offers
from analysis.segments import Segments, build_segments

# The source files each cached stage depends on; editing one of them
# recomputes that stage and the stages after it, and nothing else.
DATA_SOURCES = (
    "config.py", "errors.py", "reading.py", "schema.py", "validation.py",
    "aliases.py", "cleaning.py", "features.py", "dataset.py",
)
MODEL_SOURCES = (
    "modelling.py", "candidates.py", "selection.py", "nested_cv.py", "model_summary.py",
    "calibration_metrics.py", "persistence.py",
)
EXPLAIN_SOURCES = (
    "explain.py", "explain_oof.py", "permutation_shap.py", "shap_background.py", "svm_speedup.py",
)


@dataclass(frozen=True)
class Results:
    """Everything the report shows, for one data folder."""

    dataset: Dataset
    exploration: Exploration
    model: ModelResult
    explanation: Explanation
    segments: Segments
    offers: pd.DataFrame


def _write_outputs(results: Results, out_dir: Path) -> None:
    """Write the run outputs next to ``out_dir`` first, then move them in, file by file.

    A failure while writing leaves the previous outputs as they were.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".run-") as tmp:
        staging = Path(tmp)
        results.model.save(staging)
        export_offers(results.offers, staging)
        for path in staging.iterdir():
            target = out_dir / path.name
            if path.is_dir():
                if target.exists():
                    shutil.rmtree(target)
                shutil.copytree(path, target)
            else:
                path.replace(target)


def run_pipeline(
    data_dir: Path = config.DEFAULT_DATA_DIR,
    out_dir: Path | None = None,
    *,
    budget: int | None = None,
    cache_dir: Path = config.DEFAULT_CACHE_DIR,
    random_state: int = config.RANDOM_STATE,
    verbose: int = 1,
) -> Results:
    """Load the data, fit or reuse the model and SHAP values, and build segments and offers.

    Parameters
    ----------
    data_dir
        Folder with the four files of the store.
    out_dir
        Where to write `metrics.json`, `scores.csv`, the model and the offers;
        nothing is written when None.
    budget
        How many customers the store can treat; None keeps every customer at risk.
    cache_dir
        Folder of the stage cache.
    random_state
        Seed of every random step.
    verbose
        0 prints nothing; 1 prints the stages and the candidates' progress.
    """
    dataset = load_dataset(data_dir, verbose=verbose)

    exploration = cached_stage(
        "eda",
        "Исследовательский анализ",
        stage_key(dataset.data_hash, source_fingerprint(DATA_SOURCES + ("eda.py",))),
        lambda: explore(dataset),
        Exploration,
        cache_dir=cache_dir,
        verbose=verbose,
    )

    # Library versions are part of the key: a new scikit-learn may fit differently.
    model_key = stage_key(
        dataset.data_hash,
        source_fingerprint(DATA_SOURCES + MODEL_SOURCES),
        random_state,
        sklearn.__version__,
        np.__version__,
        pd.__version__,
    )
    model = cached_stage(
        "model",
        "Подбор модели",
        model_key,
        lambda: fit_model(dataset, random_state=random_state, verbose=verbose),
        ModelResult,
        cache_dir=cache_dir,
        verbose=verbose,
    )

    shap_key = stage_key(model_key, source_fingerprint(EXPLAIN_SOURCES))
    explanation = cached_stage(
        "shap",
        "Значения SHAP",
        shap_key,
        lambda: explain_out_of_fold(
            model.final_model, dataset.features, dataset.target, random_state=random_state, verbose=verbose
        ),
        Explanation,
        cache_dir=cache_dir,
        verbose=verbose,
    )

    segments = build_segments(model.oof_proba, dataset.profit)
    offers = build_offers(
        model.oof_proba, dataset.profit, dataset.customers, explanation, segments, budget=budget
    )
    results = Results(dataset, exploration, model, explanation, segments, offers)

    if out_dir is not None:
        _write_outputs(results, Path(out_dir))
        if verbose:
            print(f"Результаты записаны в {out_dir}", file=sys.stderr)
    return results
