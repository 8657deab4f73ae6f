"""Check a data folder against the declared schemas and collect every problem at once."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis import config
from analysis.aliases import normalise_labels
from analysis.errors import (
    DataFolderNotFoundError,
    DataQualityWarning,
    DataValidationError,
    ExtraColumnWarning,
    Problem,
    UnknownLabelWarning,
    format_listed,
    make_problem,
)
from analysis.reading import DECIMAL_NAMES, FileFormat, read_table
from analysis.schema import (
    FILE_SPECS,
    PERIOD_COLUMN,
    PERIOD_FILES,
    QUALITY_LOG_COLUMNS,
    ColumnSpec,
    build_schema,
    expected_text,
)

MAIN_FILE = config.DATA_FILES[0]


@dataclass(frozen=True)
class ValidatedData:
    """The four files after validation, with numbers typed and labels normalised.

    Attributes
    ----------
    tables : mapping of str to pandas.DataFrame
        File name -> declared columns only, indexed by spreadsheet line number.
        Columns of kind ``"int"`` are ``int64``, ``"float"`` are ``float64``.
    formats : mapping of str to FileFormat
        File name -> detected format.
    label_log : pandas.DataFrame
        Label normalisations, with the columns of ``QUALITY_LOG_COLUMNS``.
    warnings : tuple of DataQualityWarning
        Accepted input that was changed or ignored, e.g. new categories, extra columns.
    data_hash : str
        Hex SHA-256 over the per-file SHA-256 digests, in ``config.DATA_FILES`` order.
    """

    tables: Mapping[str, pd.DataFrame]
    formats: Mapping[str, FileFormat]
    label_log: pd.DataFrame
    warnings: tuple[DataQualityWarning, ...]
    data_hash: str


def validate_data(data_dir: str | Path, *, require_target: bool = True) -> ValidatedData:
    """Read the four files of a data folder and check them against the schemas.

    Parameters
    ----------
    data_dir : str or Path
        Folder with the files of ``config.DATA_FILES``. Files are only read.
    require_target : bool, default True
        When False, ``market_file.csv`` may lack the target column (new
        customers to score); when present it is still checked.

    Returns
    -------
    ValidatedData
        Typed, label-normalised tables with the detected formats and warnings.

    Raises
    ------
    DataFolderNotFoundError
        If ``data_dir`` is not a folder.
    DataValidationError
        With every problem found in all files: missing, empty or unreadable
        files, missing columns, non-numeric or out-of-range values, unknown
        target or period labels, duplicate rows, missing periods and ids absent
        from some file.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataFolderNotFoundError(data_dir)
    problems: list[Problem] = []
    warnings: list[DataQualityWarning] = []
    tables: dict[str, pd.DataFrame] = {}
    formats: dict[str, FileFormat] = {}
    digests: list[str] = []
    logs: list[pd.DataFrame] = []

    for file in config.DATA_FILES:
        try:
            table = read_table(data_dir / file)
        except DataValidationError as error:
            problems.extend(error.problems)
            continue
        formats[file] = table.format
        digests.append(f"{file}:{table.sha256}")

        frame, present = _check_columns(file, table.frame, require_target, problems, warnings)
        frame = _to_numbers(file, frame, present, table.format, problems)
        ids = frame[config.ID_COLUMN] if config.ID_COLUMN in frame else None
        labels = normalise_labels(frame, file, present, ids)
        frame = labels.frame
        logs.append(labels.log)
        problems.extend(_check_values(file, frame, present))
        warnings.extend(_unknown_label_warnings(file, present, labels.unknown_rows))
        tables[file] = frame

    problems.extend(_check_periods(tables))
    problems.extend(_check_ids(tables))
    if problems:
        raise DataValidationError(problems)

    for file, frame in tables.items():
        int_columns = [spec.name for spec in FILE_SPECS[file] if spec.kind == "int" and spec.name in frame]
        tables[file] = frame.astype({column: "int64" for column in int_columns})

    label_log = pd.concat(logs, ignore_index=True) if logs else pd.DataFrame(columns=list(QUALITY_LOG_COLUMNS))
    data_hash = hashlib.sha256("\n".join(digests).encode()).hexdigest()
    return ValidatedData(
        tables=tables,
        formats=formats,
        label_log=label_log,
        warnings=tuple(warnings),
        data_hash=data_hash,
    )


def _check_columns(
    file: str,
    frame: pd.DataFrame,
    require_target: bool,
    problems: list[Problem],
    warnings: list[DataQualityWarning],
) -> tuple[pd.DataFrame, tuple[ColumnSpec, ...]]:
    """Report missing columns, warn about extra ones, and keep the declared ones."""
    specs = FILE_SPECS[file]
    declared = {spec.name for spec in specs}
    extra = [column for column in frame.columns if column not in declared]
    present = tuple(spec for spec in specs if spec.name in frame.columns)

    for spec in specs:
        if spec.name in frame.columns:
            continue
        if spec.name == config.TARGET_COLUMN and not require_target:
            continue
        close = difflib.get_close_matches(spec.name, extra, n=1, cutoff=0.75)
        hint = f"; похожий столбец в файле: «{close[0]}» — исправьте его название" if close else ""
        problems.append(
            make_problem(
                file,
                spec.name,
                f"столбец отсутствует в заголовке{hint}",
                f"столбец «{spec.name}» в строке 1",
                rows=[1],
            )
        )

    if extra:
        warnings.append(
            ExtraColumnWarning(
                f"{file}: {'столбец' if len(extra) == 1 else 'столбцы'} "
                f"{format_listed([f'«{c}»' for c in extra])} "
                f"{'не описан в схеме и не используется' if len(extra) == 1 else 'не описаны в схеме и не используются'}. "
                "Если это нужные данные, добавьте их в analysis/schema.py; "
                "иначе предупреждение можно не учитывать."
            )
        )
    return frame[[spec.name for spec in present]], present


def _to_numbers(
    file: str,
    frame: pd.DataFrame,
    present: tuple[ColumnSpec, ...],
    file_format: FileFormat,
    problems: list[Problem],
) -> pd.DataFrame:
    """Convert numeric columns to float64, reporting empty and non-numeric cells."""
    frame = frame.copy()
    for spec in present:
        if spec.kind not in ("int", "float"):
            continue
        raw = frame[spec.name]
        if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
            numbers = raw.astype("float64")
        else:
            numbers = pd.to_numeric(raw.astype("str").str.strip(), errors="coerce").astype("float64")

        empty = raw.isna()
        if empty.any():
            problems.append(
                make_problem(file, spec.name, "пустое значение", expected_text(spec), rows=raw.index[empty])
            )
        invalid = numbers.isna() & ~empty
        if invalid.any():
            decimal = DECIMAL_NAMES[file_format.decimal]
            problems.append(
                make_problem(
                    file,
                    spec.name,
                    "значение не является числом",
                    f"{expected_text(spec)}; десятичный знак в этом файле — {decimal}",
                    rows=raw.index[invalid],
                    values=raw[invalid],
                )
            )
        frame[spec.name] = numbers
    return frame


def _check_values(file: str, frame: pd.DataFrame, present: tuple[ColumnSpec, ...]) -> list[Problem]:
    """Run the file's pandera schema lazily and turn its failure cases into problems."""
    schema = build_schema(file, present)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as error:
        return _failure_problems(file, error.failure_cases)
    return []


def _failure_problems(file: str, failures: pd.DataFrame) -> list[Problem]:
    problems = []
    duplicated = failures["check"].isin(["multiple_fields_uniqueness", "field_uniqueness"])
    if duplicated.any():
        # pandera lists each duplicated row once per key column; one problem names them all.
        group = failures[duplicated]
        rows = group["index"].dropna().astype("int64").drop_duplicates().sort_values()
        columns = ", ".join(group["column"].dropna().astype("str").unique())
        per_period = " и период" if file in PERIOD_FILES else ""
        problems.append(
            make_problem(
                file,
                columns or config.ID_COLUMN,
                f"строки повторяются: одинаковые id{per_period}",
                f"по одной строке на клиента{per_period}",
                rows=rows,
            )
        )

    for (column, check), group in failures[~duplicated].groupby(["column", "check"], sort=False, dropna=False):
        rows = group["index"].dropna().astype("int64")
        values = group.loc[rows.index, "failure_case"]
        if check == "not_nullable":
            issue, expected, values = "пустое значение", "непустое значение", ()
        else:
            issue, expected = "недопустимое значение", str(check)
        problems.append(
            make_problem(file, None if pd.isna(column) else column, issue, expected, rows=rows, values=values)
        )
    return problems


def _unknown_label_warnings(
    file: str,
    present: tuple[ColumnSpec, ...],
    unknown_rows: Mapping[tuple[str, str], pd.Index],
) -> list[DataQualityWarning]:
    """Warn about new categories in open label columns; closed ones fail the schema."""
    open_columns = {spec.name for spec in present if spec.kind == "label" and not spec.closed}
    warnings: list[DataQualityWarning] = []
    for (column, label), rows in sorted(unknown_rows.items()):
        if column not in open_columns:
            continue
        warnings.append(
            UnknownLabelWarning(
                f"{file}, столбец «{column}», строки {format_listed(rows)}: "
                f"значение «{label}» не описано в схеме, оставлено как новая категория "
                f"(строк: {len(rows)}). Если это опечатка, добавьте её в LABEL_ALIASES "
                "в analysis/aliases.py; если категория новая, добавьте её в analysis/schema.py."
            )
        )
    return warnings


def _check_periods(tables: Mapping[str, pd.DataFrame]) -> list[Problem]:
    """Report customers who lack an expected period in market_money or market_time."""
    problems = []
    for file, periods in PERIOD_FILES.items():
        frame = tables.get(file)
        if frame is None or not {config.ID_COLUMN, PERIOD_COLUMN} <= set(frame.columns):
            continue
        rows = frame[[config.ID_COLUMN, PERIOD_COLUMN]].dropna()
        present = pd.MultiIndex.from_frame(rows.drop_duplicates())
        ids = rows[config.ID_COLUMN].unique()
        expected = pd.MultiIndex.from_product([ids, periods], names=present.names)
        missing = expected.difference(present).to_frame(index=False)
        # The first line of each customer locates the customer in the file.
        first_line = pd.Series(rows.index, index=rows[config.ID_COLUMN]).groupby(level=0).min()
        for period, group in missing.groupby(PERIOD_COLUMN, sort=False):
            missing_ids = group[config.ID_COLUMN]
            problems.append(
                make_problem(
                    file,
                    PERIOD_COLUMN,
                    f"у клиентов нет строки за период «{period}»",
                    f"у каждого клиента ровно {len(periods)} строки: " + ", ".join(periods),
                    rows=first_line.loc[missing_ids].sort_values(),
                    values=missing_ids.astype("int64").map(lambda value: f"id {value}"),
                )
            )
    return problems


def _check_ids(tables: Mapping[str, pd.DataFrame]) -> list[Problem]:
    """Report customers present in market_file.csv but absent from another file, and back."""
    main = tables.get(MAIN_FILE)
    if main is None or config.ID_COLUMN not in main:
        return []
    main_ids = main[config.ID_COLUMN].dropna()
    problems = []
    for file in config.DATA_FILES[1:]:
        other = tables.get(file)
        if other is None or config.ID_COLUMN not in other:
            continue
        other_ids = other[config.ID_COLUMN].dropna()
        absent = main_ids[~main_ids.isin(other_ids)]
        if not absent.empty:
            problems.append(
                make_problem(
                    MAIN_FILE,
                    config.ID_COLUMN,
                    f"этих клиентов нет в файле {file}",
                    "каждый клиент есть во всех четырёх файлах",
                    rows=absent.index,
                    values=absent.astype("int64"),
                )
            )
        unknown = other_ids[~other_ids.isin(main_ids)].drop_duplicates()
        if not unknown.empty:
            problems.append(
                make_problem(
                    file,
                    config.ID_COLUMN,
                    f"этих клиентов нет в файле {MAIN_FILE}",
                    "каждый клиент есть во всех четырёх файлах",
                    rows=unknown.index,
                    values=unknown.astype("int64"),
                )
            )
    return problems
