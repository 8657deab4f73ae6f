"""The cleaned, modelling-ready data: read, validate, clean and build features in one call."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.cleaning import clean_data
from analysis.features import build_features
from analysis.reading import FileFormat
from analysis.validation import MAIN_FILE, validate_data


@dataclass(frozen=True)
class Dataset:
    """Modelling-ready data of one data folder.

    Attributes
    ----------
    features : pandas.DataFrame
        Indexed by ``id``, one row per modelled customer, columns
        ``analysis.features.FEATURES``; never ``id`` or ``Прибыль``.
    target : pandas.Series or None
        ``int64`` indexed by ``id``: 1 for «Снизилась», 0 for «Прежний уровень»;
        None when ``market_file.csv`` has no target column.
    profit : pandas.Series
        ``Прибыль`` indexed by ``id`` for the modelled customers, for segmentation only.
    customers : pandas.DataFrame
        Cleaned ``market_file.csv`` rows indexed by ``id`` for the modelled customers.
    excluded : pandas.DataFrame
        Columns ``id`` and ``Причина``: customers left out of modelling.
    quality_log : pandas.DataFrame
        Every change cleaning made (journal of data quality), Russian column names.
    formats : mapping of str to FileFormat
        File name -> detected encoding, separator, decimal mark and line endings.
    warnings : tuple of str
        Messages about accepted input that was changed or ignored.
    data_hash : str
        Hex SHA-256 over the four files' SHA-256 digests, in ``config.DATA_FILES`` order.
    """

    features: pd.DataFrame
    target: pd.Series | None
    profit: pd.Series
    customers: pd.DataFrame
    excluded: pd.DataFrame
    quality_log: pd.DataFrame
    formats: Mapping[str, FileFormat]
    warnings: tuple[str, ...]
    data_hash: str


def _progress(verbose: int, message: str) -> None:
    if verbose > 0:
        print(message, file=sys.stderr)


def load_dataset(data_dir: str | Path, *, require_target: bool = True, verbose: int = 0) -> Dataset:
    """Read, validate and clean a data folder and build the model features.

    Parameters
    ----------
    data_dir : str or Path
        Folder with ``market_file.csv``, ``market_money.csv``,
        ``market_time.csv`` and ``money.csv``. The files are only read.
    require_target : bool, default True
        False to load new customers to score, whose ``market_file.csv`` may
        lack the target column; ``money.csv`` is required in both modes.
    verbose : int, default 0
        Above 0, progress messages in Russian go to stderr.

    Returns
    -------
    Dataset

    Raises
    ------
    DataValidationError
        Listing every problem found in the files.

    Warns
    -----
    DataQualityWarning
        One per accepted change: new categories, ignored extra columns.
    """
    _progress(verbose, f"Читаю и проверяю файлы в {data_dir}…")
    validated = validate_data(data_dir, require_target=require_target)
    for warning in validated.warnings:
        warnings.warn(warning, stacklevel=2)

    _progress(verbose, "Очищаю данные и строю признаки…")
    cleaned = clean_data(validated)
    features = build_features(cleaned.tables)

    customers = cleaned.tables[MAIN_FILE].set_index(config.ID_COLUMN).sort_index()
    target = None
    if config.TARGET_COLUMN in customers:
        target = customers[config.TARGET_COLUMN].eq(config.POSITIVE_LABEL).astype("int64")
        target = target.rename(config.TARGET_COLUMN)
    profit = cleaned.tables["money.csv"].set_index(config.ID_COLUMN)[config.PROFIT_COLUMN].sort_index()

    _progress(verbose, f"Готово: клиентов в модели {len(features)}, исключено {len(cleaned.excluded)}.")
    return Dataset(
        features=features,
        target=target,
        profit=profit,
        customers=customers,
        excluded=cleaned.excluded.reset_index(drop=True),
        quality_log=cleaned.quality_log,
        formats=dict(validated.formats),
        warnings=tuple(str(warning) for warning in validated.warnings),
        data_hash=validated.data_hash,
    )


def describe_dataset(dataset: Dataset) -> str:
    """Describe in Russian what loading found: formats, fixes, replacements, exclusions, warnings.

    Parameters
    ----------
    dataset : Dataset

    Returns
    -------
    str
        Multi-line text for the ``validate`` command.
    """
    lines = ["Файлы прочитаны и прошли проверку.", "", "Форматы файлов:"]
    lines += [f"  {file}: {file_format.describe()}" for file, file_format in dataset.formats.items()]

    log = dataset.quality_log
    lines += ["", "Журнал качества данных:"]
    if log.empty:
        lines.append("  изменений нет")
    for entry in log.itertuples(index=False):
        noun = "строка" if entry.Количество == 1 else "строки"
        place = f"{entry.Файл}, столбец «{entry.Столбец}», {noun} {entry.Строки}"
        if entry.Было and entry.Стало:
            change = f"«{entry.Было}» → «{entry.Стало}»"
        else:
            change = f"id {entry.id}"
        lines.append(f"  {entry.Действие}: {change} ({place}; строк: {entry.Количество})")

    lines += ["", f"Клиентов в модели: {len(dataset.features)}; исключено: {len(dataset.excluded)}."]
    lines += [f"  id {row.id}: {row.Причина}" for row in dataset.excluded.itertuples(index=False)]

    if dataset.warnings:
        lines += ["", "Предупреждения:"]
        lines += [f"  {message}" for message in dataset.warnings]
    lines += ["", f"Хеш данных (SHA-256): {dataset.data_hash}"]
    return "\n".join(lines)
