"""Time and peak memory of the scoring path for growing numbers of synthetic customers.

The scoring path is what the store runs on new customers with a saved model.
It loads the model, reads and validates the four files (no target column),
cleans them and builds features, and scores every customer. Then it builds
segments and the offers with SHAP reasons for the customers the budget selects. SHAP values
are computed only for customers ranked within reach of the budget, so that
stage costs the same for any number of customers.

Each size runs in its own process (`harness.run_step`). The synthetic files
are written by `analysis.synthetic.generate_store_data` once per size and
reused while the generator and the reference data stay the same.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness import Meter, StepError, run_step, summarise_step

# Customers the store can treat: the offers list is cut to this many.
BUDGET = 1_000
SIZES = (10_000, 100_000, 1_000_000)
GENERATOR_SEED = 0
COMPLETE_MARKER = ".complete"


# Customers sampled for the SHAP background of the scoring path.
BACKGROUND_SAMPLE = 10_000


def offers_for_budget(model, features, proba, profit, customers, segments, *, budget: int, random_state: int = 42):
    """Build the offers list of at most ``budget`` customers, explaining only the customers it can reach.

    Customers at risk are ranked as `analysis.offers.build_offers` ranks them
    (expected profit at stake, then id) and explained in batches from the
    top: the first ``budget``, then as many more as the share of explained
    customers who got an offer suggests, until the list is full or every
    customer at risk is explained. The list equals `build_offers` with SHAP
    values for every customer at risk, because the selection is a prefix of
    the ranking and SHAP values do not depend on which customers are explained.

    The SHAP values are those of `analysis.explain.explain_model`
    (antithetic permutation SHAP with 2 pairs, 10 weighted k-means medoids),
    but the background summarises a random sample of all scored customers,
    not the explained ones, so that every batch shares one base value.

    Returns
    -------
    (offers, explained)
        The offers table and the number of customers explained.
    """
    import numpy as np
    import pandas as pd

    from analysis.explain import Explanation
    from analysis.offers import build_offers
    from analysis.permutation_shap import permutation_shap_values
    from analysis.shap_background import summarise_background

    at_risk = proba.index[proba.to_numpy() >= segments.risk_thresholds[0]]
    expected_loss = proba.loc[at_risk].to_numpy() * profit.reindex(at_risk).to_numpy()
    ranked = (
        pd.DataFrame({"id": at_risk, "loss": expected_loss})
        .sort_values(["loss", "id"], ascending=[False, True], kind="stable")["id"]
        .to_numpy()
    )
    if budget < 1 or len(ranked) == 0:
        return pd.DataFrame(), 0

    sample = features.sample(n=min(len(features), BACKGROUND_SAMPLE), random_state=random_state)
    background = summarise_background(sample, 10, random_state=random_state)
    positive = list(model.classes_).index(1)

    def predict(frame: pd.DataFrame) -> np.ndarray:
        return model.predict_proba(frame)[:, positive]

    values: list[np.ndarray] = []
    outputs: list[np.ndarray] = []
    explained = 0
    batch = min(len(ranked), budget)
    while True:
        ids = ranked[explained : explained + batch]
        batch_values, base_value, batch_output = permutation_shap_values(
            predict, features.loc[ids], background, n_permutations=2, random_state=random_state + explained
        )
        values.append(batch_values)
        outputs.append(batch_output)
        explained += len(ids)
        index = pd.Index(ranked[:explained], name=features.index.name)
        explanation = Explanation(
            values=pd.DataFrame(np.vstack(values), index=index, columns=features.columns),
            base_value=base_value,
            # Rule sides (above or below the median) and reason wording
            # (terciles) use all scored customers, as in the report.
            feature_values=features,
            output=pd.Series(np.concatenate(outputs), index=index, name="proba"),
        )
        offers = build_offers(proba, profit, customers, explanation, segments, budget=budget)
        if len(offers) >= budget or explained >= len(ranked):
            return offers, explained
        hit_rate = max(len(offers) / explained, 0.05)
        batch = min(len(ranked) - explained, int(np.ceil(1.2 * (budget - len(offers)) / hit_rate)))


def score_in_chunks(model, features):
    """Return the probability of decline of every row, predicted as `analysis.scoring.score_customers` does.

    The checks and the ``predict_proba`` calls on chunks of
    `analysis.scoring.SCORING_CHUNK_ROWS` rows are those of `score_customers`,
    without its progress messages and its report of unseen categories.
    """
    import numpy as np
    import pandas as pd

    from analysis.scoring import SCORING_CHUNK_ROWS

    proba = np.empty(len(features))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Found unknown categories", category=UserWarning)
        for start in range(0, len(features), SCORING_CHUNK_ROWS):
            stop = start + SCORING_CHUNK_ROWS
            proba[start:stop] = model.predict_proba(features.iloc[start:stop])[:, 1]
    return pd.Series(proba, index=features.index)


def scoring_path(meter: Meter, model_path: str, data_dir: str, budget: int = BUDGET, random_state: int = 42) -> dict[str, Any]:
    """Run the scoring path on one data folder, timing each part; a step for `harness.run_step`."""
    from analysis import config
    from analysis.cleaning import clean_data
    from analysis.features import build_features
    from analysis.persistence import load_model
    from analysis.scoring import _model_features
    from analysis.segments import build_segments
    from analysis.validation import MAIN_FILE, validate_data

    with meter.measure("load_model"):
        loaded = load_model(Path(model_path))

    with meter.measure("read_validate"):
        validated = validate_data(data_dir, require_target=False)

    # The same steps as analysis.dataset.load_dataset, split to time them apart.
    with meter.measure("features"):
        cleaned = clean_data(validated)
        features = build_features(cleaned.tables)
        customers = cleaned.tables[MAIN_FILE].set_index(config.ID_COLUMN).sort_index()
        profit = cleaned.tables["money.csv"].set_index(config.ID_COLUMN)[config.PROFIT_COLUMN].sort_index()

    with meter.measure("score"):
        model_features = _model_features(features, loaded.metadata)
        proba = score_in_chunks(loaded.model, model_features)

    with meter.measure("segments"):
        segments = build_segments(proba, profit)

    with meter.measure("offers"):
        offers, explained = offers_for_budget(
            loaded.model, model_features, proba, profit, customers, segments,
            budget=budget, random_state=random_state,
        )
    return {"customers": len(proba), "offers": len(offers), "explained": explained}


def generate(meter: Meter, n_customers: int, out_dir: str, random_state: int = GENERATOR_SEED) -> dict[str, Any]:
    """Write synthetic files without the target column; a step for `harness.run_step`."""
    from analysis.synthetic import generate_store_data

    with meter.measure("generate"):
        summary = generate_store_data(n_customers, out_dir, random_state=random_state, with_target=False)
    return {"customers": summary.n_customers}


def synthetic_fingerprint(n_customers: int) -> str:
    """Return a key of the generator's source, the reference data, the size and the seed."""
    from analysis import config
    from analysis.cache import files_fingerprint, source_fingerprint, stage_key

    return stage_key(
        source_fingerprint(("synthetic*.py",)),
        files_fingerprint(config.DEFAULT_DATA_DIR / name for name in config.DATA_FILES),
        n_customers,
        GENERATOR_SEED,
    )


def ensure_synthetic(n_customers: int, work_dir: Path, *, timeout: float, env: Mapping[str, str] | None = None) -> Path:
    """Return a folder with ``n_customers`` synthetic customers, generating it unless an equal one exists."""
    data_dir = Path(work_dir) / f"synthetic-{n_customers}"
    marker = data_dir / COMPLETE_MARKER
    key = synthetic_fingerprint(n_customers)
    if marker.is_file() and marker.read_text(encoding="utf-8") == key:
        return data_dir
    if data_dir.exists():
        shutil.rmtree(data_dir)
    run_step("bench_scoring", "generate", {"n_customers": n_customers, "out_dir": str(data_dir)}, timeout=timeout, env=env)
    marker.write_text(key, encoding="utf-8")
    return data_dir


def measure_scale(
    sizes: Sequence[int],
    model_path: Path,
    work_dir: Path,
    *,
    budget: int = BUDGET,
    timeout: float = 600.0,
    generate_timeout: float = 900.0,
    env: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Measure the scoring path for each size; return one ``{"n", "seconds", "peak_mb", ...}`` per size.

    ``seconds`` sums the parts, model loading included; ``parts`` has each
    part's seconds and peak MB. ``env`` adds environment variables to the
    steps, e.g. ``PYTHONPATH`` of a project copy. A size that fails or times out gets ``None``
    numbers and an ``error`` message, and the other sizes still run.
    """
    entries = []
    for n_customers in sizes:
        try:
            data_dir = ensure_synthetic(n_customers, work_dir, timeout=generate_timeout, env=env)
            measured = run_step(
                "bench_scoring", "scoring_path",
                {"model_path": str(model_path), "data_dir": str(data_dir), "budget": budget},
                timeout=timeout,
                env=env,
            )
        except StepError as error:
            entries.append({"n": n_customers, "seconds": None, "peak_mb": None, "error": str(error)})
            continue
        entries.append(
            {
                "n": n_customers,
                **summarise_step(measured),
                "parts": measured["sections"],
                "offers": measured["result"]["offers"],
                "explained": measured["result"]["explained"],
            }
        )
    return entries
