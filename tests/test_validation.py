"""Broken data folders: each problem names its file, column and spreadsheet line.

The ``raw_data_dir`` fixture writes six valid customers (ids 1001-1006). Lines
in that folder: market_file.csv has customer k (0-based) on line k + 2;
market_money.csv has month m of customer k on line 3k + m + 2; market_time.csv
on line 2k + m + 2.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.errors import AnalysisError, DataValidationError, Problem
from analysis.validation import validate_data

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _replace(file: str, old: str, new: str) -> Callable[[Path], None]:
    def corrupt(directory: Path) -> None:
        path = directory / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return corrupt


def _delete_line(file: str, line: int) -> Callable[[Path], None]:
    def corrupt(directory: Path) -> None:
        path = directory / file
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        del lines[line - 1]
        path.write_text("".join(lines), encoding="utf-8")

    return corrupt


def _append(file: str, text: str) -> Callable[[Path], None]:
    def corrupt(directory: Path) -> None:
        with (directory / file).open("a", encoding="utf-8") as stream:
            stream.write(text)

    return corrupt


def _write_bytes(file: str, content: bytes) -> Callable[[Path], None]:
    def corrupt(directory: Path) -> None:
        (directory / file).write_bytes(content)

    return corrupt


def _keep_header_only(file: str) -> Callable[[Path], None]:
    def corrupt(directory: Path) -> None:
        path = directory / file
        header = path.read_text(encoding="utf-8").splitlines()[0]
        path.write_text(header + "\n", encoding="utf-8")

    return corrupt


def _remove_file(file: str) -> Callable[[Path], None]:
    def corrupt(directory: Path) -> None:
        (directory / file).unlink()

    return corrupt


def _set_cell(file: str, line: int, column: str, value: object) -> Callable[[Path], None]:
    def corrupt(directory: Path) -> None:
        path = directory / file
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.loc[line - 2, column] = value
        frame.to_csv(path, index=False, lineterminator="\n")

    return corrupt


def _drop_column(file: str, column: str) -> Callable[[Path], None]:
    def corrupt(directory: Path) -> None:
        path = directory / file
        pd.read_csv(path, dtype=str).drop(columns=column).to_csv(path, index=False, lineterminator="\n")

    return corrupt


def _invalid_byte(directory: Path) -> None:
    path = directory / "market_time.csv"
    lines = path.read_bytes().split(b"\n")
    # 0x98 is invalid in UTF-8 as a lead byte and undefined in Windows-1251.
    lines[2] = lines[2].replace(b"1001", b"10\x9801")
    path.write_bytes(b"\n".join(lines))


# (case, corruption, file, column expected in the problem or None, line or None)
BROKEN_INPUTS = [
    ("missing_file", _remove_file("market_time.csv"), "market_time.csv", None, None),
    ("empty_file", _write_bytes("money.csv", b""), "money.csv", None, None),
    ("header_only", _keep_header_only("market_time.csv"), "market_time.csv", None, 1),
    ("missing_column", _drop_column("market_file.csv", "Ошибка_сервиса"), "market_file.csv", "Ошибка_сервиса", 1),
    ("misspelled_column", _replace("market_money.csv", "Выручка", "Выручкаа"), "market_money.csv", "Выручка", 1),
    ("wrong_separator", lambda d: (d / "market_time.csv").write_text(
        (d / "market_time.csv").read_text(encoding="utf-8").replace(",", "|"), encoding="utf-8"
    ), "market_time.csv", None, 1),
    ("extra_field_in_row", _replace("market_time.csv", "1002,предыдущий_месяц,11", "1002,предыдущий_месяц,11,7"),
     "market_time.csv", None, 4),
    ("decimal_comma_quoted_in_dot_file", _replace("market_file.csv", ",0.75,", ',"0,75",'),
     "market_file.csv", "Акционные_покупки", 3),
    ("decimal_comma_unquoted_in_dot_file", _replace("market_file.csv", ",0.75,", ",0,75,"),
     "market_file.csv", None, 3),
    ("non_numeric_value", _replace("market_time.csv", "1002,предыдущий_месяц,11", "1002,предыдущий_месяц,abc"),
     "market_time.csv", "минут", 4),
    ("empty_value", _set_cell("market_file.csv", 7, "Длительность", ""), "market_file.csv", "Длительность", 7),
    ("negative_revenue", _replace("market_money.csv", "1002,препредыдущий_месяц,4100.0", "1002,препредыдущий_месяц,-4100.0"),
     "market_money.csv", "Выручка", 5),
    ("share_above_one", _replace("market_file.csv", ",0.94,", ",1.94,"), "market_file.csv", "Акционные_покупки", 6),
    ("fractional_count", _set_cell("market_file.csv", 6, "Страниц_за_визит", "2.5"),
     "market_file.csv", "Страниц_за_визит", 6),
    ("duplicate_id", _replace("money.csv", "1002,4.16", "1001,4.16"), "money.csv", "id", 3),
    ("id_missing_from_one_file", _delete_line("money.csv", 5), "market_file.csv", "id", 5),
    ("id_unknown_in_one_file", _append("market_time.csv", "1999,предыдущий_месяц,12\n1999,текущий_месяц,12\n"),
     "market_time.csv", "id", 14),
    ("missing_period", _delete_line("market_money.csv", 10), "market_money.csv", "Период", 8),
    ("extra_period", _append("market_money.csv", "1003,текущий_месяц,4220.0\n"), "market_money.csv", "id, Период", 20),
    ("unknown_period_name", _replace("market_time.csv", "1001,текущий_месяц,11", "1001,позапрошлый_месяц,11"),
     "market_time.csv", "Период", 3),
    ("unknown_target_label", _set_cell("market_file.csv", 4, config.TARGET_COLUMN, "Выросла"),
     "market_file.csv", config.TARGET_COLUMN, 4),
    ("undecodable_byte", _invalid_byte, "market_time.csv", None, 3),
]


def _matching(problems: tuple[Problem, ...], file: str, column: str | None, line: int | None) -> list[Problem]:
    return [
        problem
        for problem in problems
        if problem.file == file
        and (column is None or column in (problem.column or ""))
        and (line is None or line in problem.rows)
    ]


@pytest.mark.parametrize(
    ("corrupt", "file", "column", "line"),
    [case[1:] for case in BROKEN_INPUTS],
    ids=[case[0] for case in BROKEN_INPUTS],
)
def test_validate_data_names_file_column_line(raw_data_dir, corrupt, file, column, line):
    corrupt(raw_data_dir)

    with pytest.raises(DataValidationError) as caught:
        validate_data(raw_data_dir)

    matching = _matching(caught.value.problems, file, column, line)
    assert matching, f"no problem names {file}, {column}, line {line}:\n{caught.value}"
    message = str(matching[0])
    assert file in message
    if column is not None:
        assert f"«{column}" in message
    if line is not None:
        assert str(line) in message

    result = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", "--data", str(raw_data_dir)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert message in result.stderr


def test_validate_data_collects_problems_of_all_files(raw_data_dir):
    _replace("market_file.csv", ",0.94,", ",1.94,")(raw_data_dir)
    _replace("market_money.csv", "1002,препредыдущий_месяц,4100.0", "1002,препредыдущий_месяц,-4100.0")(raw_data_dir)
    _remove_file("money.csv")(raw_data_dir)

    with pytest.raises(DataValidationError) as caught:
        validate_data(raw_data_dir)

    files = {problem.file for problem in caught.value.problems}
    assert files == {"market_file.csv", "market_money.csv", "money.csv"}


def test_data_validation_error_is_analysis_error():
    assert issubclass(DataValidationError, AnalysisError)


@pytest.mark.parametrize(
    ("corrupt", "file", "issue"),
    [
        (_remove_file("money.csv"), "money.csv", "файл не найден"),
        (_write_bytes("money.csv", b""), "money.csv", "файл пуст"),
        (_keep_header_only("money.csv"), "money.csv", "только строка заголовка"),
    ],
    ids=["missing", "empty", "header_only"],
)
def test_validate_data_file_messages_distinct(raw_data_dir, corrupt, file, issue):
    corrupt(raw_data_dir)

    with pytest.raises(DataValidationError) as caught:
        validate_data(raw_data_dir)

    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].file == file
    assert issue in caught.value.problems[0].issue


def test_validate_data_target_optional_for_scoring(raw_data_dir):
    _drop_column("market_file.csv", config.TARGET_COLUMN)(raw_data_dir)

    validated = validate_data(raw_data_dir, require_target=False)

    assert config.TARGET_COLUMN not in validated.tables["market_file.csv"]
    with pytest.raises(DataValidationError):
        validate_data(raw_data_dir, require_target=True)


def test_validate_data_money_required_for_scoring(raw_data_dir):
    _remove_file("money.csv")(raw_data_dir)

    with pytest.raises(DataValidationError) as caught:
        validate_data(raw_data_dir, require_target=False)

    assert caught.value.problems[0].file == "money.csv"


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_validate_cli_rejects_non_folder(tmp_path, kind):
    target = tmp_path / "data"
    if kind == "file":
        target.write_text("id\n", encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", "--data", str(target)],
        capture_output=True, text=True, check=False,
    )

    assert result.returncode != 0
    assert "папка данных" in result.stderr
    assert str(target) in result.stderr
    assert "Traceback" not in result.stderr
