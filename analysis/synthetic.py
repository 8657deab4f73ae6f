"""Generate synthetic store data with the real files' layout and distributions.

``generate_store_data`` fits per-class Gaussian copulas to a real data folder
(see `analysis.synthetic_fit`) and writes market_file.csv, market_money.csv,
market_time.csv and money.csv for any number of customers, in chunks so that
memory does not grow with the number of customers.

Command line::

    python -m analysis.synthetic --n 10000 --out DIR [--dirt] [--seed 0] [--no-target]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import synthetic_layout as layout
from analysis.config import DEFAULT_DATA_DIR
from analysis.errors import AnalysisError
from analysis.synthetic_dirt import apply_revenue_dirt, plan_revenue_dirt, soil_labels
from analysis.synthetic_fit import StoreModel, fit_store_model
from analysis.synthetic_sample import sample_customers
from analysis.synthetic_tables import build_tables
from analysis.synthetic_write import StoreFileWriter

# Synthetic ids start here, above every id of the real files (215348-216647),
# so synthetic and real customers never share an id.
FIRST_ID = 1_000_000

# Customers sampled and written at a time. Peak memory grows with this number,
# not with the number of customers.
CHUNK_CUSTOMERS = 200_000


@dataclass(frozen=True)
class DirtSummary:
    """Dirt that `generate_store_data` wrote with ``dirt=True``.

    Attributes
    ----------
    typo_cells
        Label cells replaced by a known typo, over all files.
    noise_cells
        Label cells written in another case or with a leading or trailing space.
    extreme_revenue_ids
        Customers whose current-month revenue is 15-25 times the sampled value.
    zero_revenue_ids
        Customers with zero revenue in the two earlier months.
    """

    typo_cells: int
    noise_cells: int
    extreme_revenue_ids: tuple[int, ...]
    zero_revenue_ids: tuple[int, ...]


@dataclass(frozen=True)
class SyntheticSummary:
    """Result of `generate_store_data`: paths, counts and the injected dirt.

    Attributes
    ----------
    out_dir
        Folder with the four files.
    files
        Paths of market_file.csv, market_money.csv, market_time.csv, money.csv.
    n_customers
        Customers written; market_money.csv has 3 rows and market_time.csv 2
        rows per customer.
    n_declined
        Customers sampled from the «Снизилась» class, also when the target
        column was not written.
    with_target
        Whether market_file.csv has the target column.
    random_state
        Seed the data were generated with.
    dirt
        Injected dirt, or None for clean data.
    seconds
        Wall-clock time of fitting, sampling and writing, in seconds.
    """

    out_dir: Path
    files: tuple[Path, ...]
    n_customers: int
    n_declined: int
    with_target: bool
    random_state: int
    dirt: DirtSummary | None
    seconds: float


def generate_store_data(
    n_customers: int,
    out_dir: Path | str,
    *,
    random_state: int = 0,
    dirt: bool = False,
    reference_dir: Path | str = DEFAULT_DATA_DIR,
    with_target: bool = True,
) -> SyntheticSummary:
    """Write the four store files for ``n_customers`` synthetic customers.

    The model is fitted at call time to the files in ``reference_dir``. For
    each class of the target it has a Gaussian copula with empirical
    marginals over the numeric columns, revenue and minutes per period and
    profit. Labels are drawn from their frequencies within the class and
    within a quartile of one copula dimension. The class counts match the
    reference's class shares up to rounding.

    Parameters
    ----------
    n_customers
        Number of customers, at least 1.
    out_dir
        Folder to write into; created if missing. Existing files of the same
        names are overwritten.
    random_state
        Seed; the same seed, size, options and reference give byte-identical files.
    dirt
        If True, write the kinds of dirt found in the real files in small
        amounts: label typos, case and whitespace variants of labels, a few
        extreme revenues and a few customers with zero revenue in two months.
        See `analysis.synthetic_dirt` for the shares.
    reference_dir
        Folder with the real files the model is fitted to.
    with_target
        If False, market_file.csv has no «Покупательская активность» column,
        as for new customers to score.

    Returns
    -------
    SyntheticSummary
        Paths, counts and the injected dirt.

    Raises
    ------
    ValueError
        If ``n_customers`` is less than 1.
    AnalysisError
        If the reference folder lacks a file, the target or enough customers of a class.
    """
    if n_customers < 1:
        raise ValueError(f"n_customers must be at least 1, got {n_customers}")
    started = time.perf_counter()
    model = fit_store_model(Path(reference_dir))

    # Separate streams for classes, the revenue-dirt plan and each chunk, so
    # the output depends only on the seed, the size and the options.
    n_chunks = -(-n_customers // CHUNK_CUSTOMERS)
    class_seed, dirt_seed, *chunk_seeds = np.random.SeedSequence(random_state).spawn(2 + n_chunks)
    classes = _assign_classes(model, n_customers, np.random.default_rng(class_seed))
    dirt_rng = np.random.default_rng(dirt_seed)
    revenue_plan = plan_revenue_dirt(n_customers, dirt_rng) if dirt else None
    revenue_columns = [
        model.numeric_columns.index(f"{layout.REVENUE_COLUMN}|{period}") for period in layout.REVENUE_PERIODS
    ]

    typo_cells = 0
    noise_cells = 0
    extreme_ids: list[np.ndarray] = []
    zero_ids: list[np.ndarray] = []
    writer = StoreFileWriter(Path(out_dir))
    with writer:
        for chunk_seed, chunk_start in zip(chunk_seeds, range(0, n_customers, CHUNK_CUSTOMERS), strict=True):
            chunk_end = min(chunk_start + CHUNK_CUSTOMERS, n_customers)
            chunk_rng = np.random.default_rng(chunk_seed)
            chunk_classes = classes[chunk_start:chunk_end]
            ids = FIRST_ID + np.arange(chunk_start, chunk_end, dtype=np.int64)

            sample = sample_customers(model, chunk_classes, chunk_rng)
            if revenue_plan is not None:
                extreme_rows, zero_rows = apply_revenue_dirt(sample.values, revenue_columns, revenue_plan, chunk_start)
                extreme_ids.append(ids[extreme_rows])
                zero_ids.append(ids[zero_rows])

            tables = build_tables(model, sample, chunk_classes, ids, with_target=with_target)
            if dirt:
                typos, noise = _soil_tables(tables, chunk_rng)
                typo_cells += typos
                noise_cells += noise
            writer.write(tables)

    dirt_summary = None
    if dirt:
        dirt_summary = DirtSummary(
            typo_cells=typo_cells,
            noise_cells=noise_cells,
            extreme_revenue_ids=tuple(int(i) for i in np.concatenate(extreme_ids)),
            zero_revenue_ids=tuple(int(i) for i in np.concatenate(zero_ids)),
        )
    return SyntheticSummary(
        out_dir=writer.out_dir,
        files=tuple(writer.paths.values()),
        n_customers=n_customers,
        n_declined=int(np.count_nonzero(classes == 0)),
        with_target=with_target,
        random_state=random_state,
        dirt=dirt_summary,
        seconds=time.perf_counter() - started,
    )


def _assign_classes(model: StoreModel, n_customers: int, rng: np.random.Generator) -> np.ndarray:
    """Class index per customer: exactly round(share * n) positives, in random order."""
    n_positive = round(model.class_shares[0] * n_customers)
    classes = np.ones(n_customers, dtype=np.int8)
    classes[:n_positive] = 0
    return rng.permutation(classes)


def _soil_tables(tables: dict[str, pd.DataFrame], rng: np.random.Generator) -> tuple[int, int]:
    """Put label dirt into every label column of one chunk's tables, in place."""
    label_columns = {
        layout.MARKET_FILE: layout.CATEGORY_COLUMNS,
        layout.MARKET_MONEY: (layout.PERIOD_COLUMN,),
        layout.MARKET_TIME: (layout.PERIOD_COLUMN,),
    }
    typo_cells = 0
    noise_cells = 0
    for name, columns in label_columns.items():
        for column in columns:
            typos_of_column = layout.LABEL_TYPOS.get(column, {})
            labels, typos, noise = soil_labels(tables[name][column].array, typos_of_column, rng)
            tables[name][column] = labels
            typo_cells += typos
            noise_cells += noise
    return typo_cells, noise_cells


def _format_count(value: int) -> str:
    """Format an integer with no-break spaces between thousands, as Russian texts do."""
    return f"{value:,}".replace(",", "\u00a0")


def _describe(summary: SyntheticSummary) -> str:
    """One-line Russian summary for the command line."""
    share = f"{summary.n_declined / summary.n_customers:.1%}".replace(".", ",").replace("%", "\u00a0%")
    seconds = f"{summary.seconds:.1f}".replace(".", ",")
    target_note = "" if summary.with_target else " (без целевого столбца)"
    line = (
        f"Синтетические данные записаны в {summary.out_dir}{target_note}: "
        f"клиентов — {_format_count(summary.n_customers)}, "
        f"доля снижения покупательской активности — {share}, за {seconds} с"
    )
    if summary.dirt is not None:
        line += (
            f"; загрязнение: опечаток — {_format_count(summary.dirt.typo_cells)}, "
            f"меток с другим регистром или пробелами — {_format_count(summary.dirt.noise_cells)}, "
            f"выбросов выручки — {len(summary.dirt.extreme_revenue_ids)}, "
            f"клиентов с нулевой выручкой — {_format_count(len(summary.dirt.zero_revenue_ids))}"
        )
    return line + "."


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"нужно целое число, получено «{text}»") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"нужно число не меньше 1, получено {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the process exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.synthetic",
        description="Создать синтетические файлы магазина с распределениями, подобранными по реальным данным.",
    )
    parser.add_argument("--n", type=_positive_int, required=True, help="число клиентов")
    parser.add_argument("--out", type=Path, required=True, help="папка, куда записать четыре файла")
    parser.add_argument("--dirt", action="store_true", help="добавить опечатки, выбросы и нулевую выручку, как в реальных файлах")
    parser.add_argument("--seed", type=int, default=0, help="зерно генератора случайных чисел (по умолчанию 0)")
    parser.add_argument("--no-target", dest="with_target", action="store_false", help="не записывать столбец «Покупательская активность»")
    parser.add_argument(
        "--reference",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help="папка с реальными файлами, по которым подбираются распределения (по умолчанию data/)",
    )
    args = parser.parse_args(argv)

    try:
        summary = generate_store_data(
            args.n,
            args.out,
            random_state=args.seed,
            dirt=args.dirt,
            reference_dir=args.reference,
            with_target=args.with_target,
        )
    except AnalysisError as error:
        print(f"Ошибка: {error}", file=sys.stderr)
        return 2

    print(_describe(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
