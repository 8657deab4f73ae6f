"""Time and peak memory of each stage of the report on the real data, one process per stage.

Every function here is a step for `harness.run_step`. The stages follow
`analysis.pipeline.run_pipeline` and `make report`:

- ``read_validate``: `analysis.validation.validate_data`;
- ``clean_features``: `analysis.cleaning.clean_data` and `analysis.features.build_features`;
- ``model_search``: `analysis.nested_cv.run_splits` on the outer folds and the
  hold-out split, i.e. everything `fit_model` runs except the final model;
- ``final_fit``: `run_splits` on the all-customers split alone, which is how
  `fit_model` builds its final model: each candidate's grid search on all
  customers, the choice, and `CalibratedClassifierCV` of the chosen one;
- ``shap``: `analysis.explain_oof.explain_out_of_fold` of the pipeline's final
  model, as `run_pipeline` calls it: five clones of the final model, each
  refitted without one fold of customers and explaining that fold;
- ``segments_offers``: `build_segments` and `build_offers` on the out-of-fold scores;
- ``render``: `analysis.render.render_site` with an empty page cache and the
  stage cache filled, as in `make report` after `python -m analysis run`.

`fit_model` runs the model search and the final fit in one joblib pool, so
the sum of the two rows can differ a little from one `fit_model` call.
The SHAP, segments and render stages read the model, out-of-fold scores and
stage cache that `python -m analysis run` wrote in a copy of the project.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from harness import Meter

# Stage name -> label of the printed table, in pipeline order.
STAGES = {
    "read_validate": "read + validate",
    "clean_features": "clean + features",
    "model_search": "model search (nested CV + hold-out)",
    "final_fit": "final fit + calibration",
    "shap": "SHAP out of fold (all customers)",
    "segments_offers": "segments + offers",
    "render": "render (fallback renderer)",
}


def read_validate(meter: Meter, data_dir: str) -> dict[str, Any]:
    """Read and validate the four files."""
    from analysis.validation import validate_data

    with meter.measure("read_validate"):
        validated = validate_data(data_dir, require_target=True)
    return {"warnings": len(validated.warnings)}


def clean_features(meter: Meter, data_dir: str) -> dict[str, Any]:
    """Clean the validated tables and build one feature row per customer."""
    from analysis.cleaning import clean_data
    from analysis.features import build_features
    from analysis.validation import validate_data

    validated = validate_data(data_dir, require_target=True)
    with meter.measure("clean_features"):
        cleaned = clean_data(validated)
        features = build_features(cleaned.tables)
    return {"customers": len(features)}


def _fit_model_defaults() -> dict[str, Any]:
    """Return the default arguments of `fit_model`, so the stages run what the pipeline runs."""
    import inspect

    from analysis.modelling import fit_model

    return {name: parameter.default for name, parameter in inspect.signature(fit_model).parameters.items()
            if parameter.default is not inspect.Parameter.empty}


def _modelling_inputs(data_dir: str, random_state: int):
    """Return features, target, candidates and splits exactly as `fit_model` builds them."""
    from analysis.candidates import build_candidates
    from analysis.dataset import load_dataset
    from analysis.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES
    from analysis.modelling import _modelling_data
    from analysis.nested_cv import build_splits

    dataset = load_dataset(data_dir)
    X, y, _ = _modelling_data(dataset)
    categorical = [name for name in X.columns if name in CATEGORICAL_FEATURES]
    numeric = [name for name in X.columns if name in NUMERIC_FEATURES]
    candidates = build_candidates(categorical, numeric, random_state=random_state)
    defaults = _fit_model_defaults()
    splits = build_splits(
        y, outer_splits=defaults["outer_splits"], outer_repeats=defaults["outer_repeats"],
        holdout_size=defaults["holdout_size"], random_state=random_state,
    )
    return X, y, candidates, splits


def _run_model_splits(meter: Meter, name: str, data_dir: str, kinds: set[str], random_state: int) -> dict[str, Any]:
    from analysis.nested_cv import run_splits

    X, y, candidates, splits = _modelling_inputs(data_dir, random_state)
    chosen_splits = [split for split in splits if split.kind in kinds]
    defaults = _fit_model_defaults()
    with meter.measure(name):
        results = run_splits(
            X, y, candidates, chosen_splits,
            inner_splits=defaults["inner_splits"], calibration=defaults["calibration"],
            random_state=random_state, n_jobs=defaults["n_jobs"], verbose=0,
        )
    return {"splits": len(chosen_splits), "chosen": [result.chosen.name for result in results]}


def model_search(meter: Meter, data_dir: str, random_state: int = 42) -> dict[str, Any]:
    """Run selection and calibration on the outer folds and the hold-out split."""
    from analysis.nested_cv import HOLDOUT, OUTER

    return _run_model_splits(meter, "model_search", data_dir, {OUTER, HOLDOUT}, random_state)


def final_fit(meter: Meter, data_dir: str, random_state: int = 42) -> dict[str, Any]:
    """Run selection and calibration on all customers, which gives the final model."""
    from analysis.nested_cv import FINAL

    return _run_model_splits(meter, "final_fit", data_dir, {FINAL}, random_state)


def shap_values(meter: Meter, data_dir: str, model_path: str, explanation_dir: str, random_state: int = 42) -> dict[str, Any]:
    """Explain every modelled customer out of fold, as the pipeline does, and save the explanation.

    The timed section includes refitting the saved final model on each
    fold's training customers, because `explain_out_of_fold` does that too.
    """
    from analysis.dataset import load_dataset
    from analysis.explain_oof import explain_out_of_fold
    from analysis.persistence import load_model

    dataset = load_dataset(data_dir)
    model = load_model(Path(model_path)).model
    with meter.measure("shap"):
        explanation = explain_out_of_fold(model, dataset.features, dataset.target, random_state=random_state)
    explanation.save(Path(explanation_dir))
    return {"customers": len(explanation.values), "settings": explanation.settings}


def segments_offers(meter: Meter, data_dir: str, model_dir: str, explanation_dir: str) -> dict[str, Any]:
    """Build segments and the offers list for every customer at risk (no budget, as `make report`)."""
    import pandas as pd

    from analysis.dataset import load_dataset
    from analysis.explain import Explanation
    from analysis.modelling import SCORES_FILE
    from analysis.model_summary import PROBABILITY_COLUMN
    from analysis.offers import build_offers
    from analysis.segments import build_segments

    dataset = load_dataset(data_dir)
    scores = pd.read_csv(Path(model_dir) / SCORES_FILE)
    oof_proba = scores.set_index("id")[PROBABILITY_COLUMN]
    explanation = Explanation.load(Path(explanation_dir))
    with meter.measure("segments_offers"):
        segments = build_segments(oof_proba, dataset.profit)
        offers = build_offers(oof_proba, dataset.profit, dataset.customers, explanation, segments, budget=None)
    return {"offers": len(offers)}


def render(meter: Meter, project_dir: str, data_dir: str) -> dict[str, Any]:
    """Render the site with the fallback renderer, executing every page in a fresh kernel."""
    from analysis.render import render_site

    with tempfile.TemporaryDirectory(prefix="bench-render-cache-") as page_cache:
        with meter.measure("render"):
            site = render_site(Path(project_dir), data_dir=Path(data_dir), cache_dir=Path(page_cache), verbose=0)
    return {"pages": len(list(site.rglob("*.html")))}
