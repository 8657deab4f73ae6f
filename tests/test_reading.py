"""Format detection of single files and acceptance of whole folders in other export formats."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from analysis import config
from analysis.dataset import load_dataset
from analysis.errors import DataValidationError
from analysis.reading import FileFormat, read_table

ROWS = [("1001", "стандарт", "0,75"), ("1002", "премиум", "0,5")]


def _csv_bytes(encoding: str, separator: str, decimal: str, line_ending: str) -> bytes:
    newline = "\r\n" if line_ending == "CRLF" else "\n"
    lines = [separator.join(["id", "Тип сервиса", "Доля"])]
    for customer, service, share in ROWS:
        lines.append(separator.join([customer, service, share.replace(",", decimal)]))
    text = newline.join(lines) + newline
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    prefix = b"\xef\xbb\xbf" if encoding == "utf-8-sig" else b""
    return prefix + text.encode(codec)


FORMATS = [
    FileFormat("utf-8", ",", ".", "LF"),
    FileFormat("utf-8", ";", ",", "CRLF"),
    FileFormat("utf-8-sig", ",", ".", "CRLF"),
    FileFormat("utf-8-sig", ";", ",", "LF"),
    FileFormat("cp1251", ";", ",", "CRLF"),
    FileFormat("cp1251", "\t", ".", "LF"),
    FileFormat("utf-8", "\t", ",", "CRLF"),
    FileFormat("cp1251", ",", ".", "CRLF"),
]


@pytest.mark.parametrize("file_format", FORMATS, ids=lambda f: f"{f.encoding}-{f.separator!r}-{f.decimal}-{f.line_ending}")
def test_read_table_detects_format(tmp_path, file_format):
    path = tmp_path / "table.csv"
    path.write_bytes(_csv_bytes(file_format.encoding, file_format.separator, file_format.decimal, file_format.line_ending))

    table = read_table(path)

    assert table.format == file_format
    assert list(table.frame.columns) == ["id", "Тип сервиса", "Доля"]
    assert table.frame["Тип сервиса"].tolist() == ["стандарт", "премиум"]
    assert table.frame["Доля"].tolist() == [0.75, 0.5]
    assert table.frame.index.tolist() == [2, 3]


def test_read_table_keeps_line_numbers_after_blank_line(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("id,x\n1,2\n\n3,4\n", encoding="utf-8")

    table = read_table(path)

    assert table.frame.index.tolist() == [2, 4]


def test_read_table_leaves_file_unchanged(tmp_path):
    path = tmp_path / "table.csv"
    content = _csv_bytes("cp1251", ";", ",", "CRLF")
    path.write_bytes(content)
    before = path.stat().st_mtime_ns

    table = read_table(path)

    assert path.read_bytes() == content
    assert path.stat().st_mtime_ns == before
    assert table.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("content", "issue"),
    [
        (b"", "файл пуст"),
        (b"\r\n\r\n", "файл пуст"),
        (b"\xef\xbb\xbf", "файл пуст"),
        (b"id,x\r\n", "только строка заголовка"),
        (b"id|x\n1|2\n", "нет разделителя"),
        (b"id,x\n1,2,3\n4,5,6\n", "больше полей"),
    ],
    ids=["empty", "blank_lines", "bom_only", "header_only", "no_separator", "extra_field_everywhere"],
)
def test_read_table_rejects_unusable_file(tmp_path, content, issue):
    path = tmp_path / "table.csv"
    path.write_bytes(content)

    with pytest.raises(DataValidationError) as caught:
        read_table(path)

    assert issue in caught.value.problems[0].issue
    assert caught.value.problems[0].file == "table.csv"


def _rewrite_folder(directory, encoding: str, separator: str, decimal: str, line_ending: str) -> None:
    for path in directory.glob("*.csv"):
        frame = pd.read_csv(path)
        text = frame.to_csv(index=False, sep=separator, decimal=decimal, lineterminator="\r\n" if line_ending == "CRLF" else "\n")
        prefix = b"\xef\xbb\xbf" if encoding == "utf-8-sig" else b""
        path.write_bytes(prefix + text.encode("utf-8" if encoding == "utf-8-sig" else encoding))


@pytest.mark.parametrize("file_format", FORMATS, ids=lambda f: f"{f.encoding}-{f.separator!r}-{f.decimal}-{f.line_ending}")
def test_load_dataset_accepts_export_format(raw_data_dir, file_format):
    expected = load_dataset(raw_data_dir)
    _rewrite_folder(raw_data_dir, file_format.encoding, file_format.separator, file_format.decimal, file_format.line_ending)

    dataset = load_dataset(raw_data_dir)

    for file, detected in dataset.formats.items():
        assert (detected.encoding, detected.separator, detected.line_ending) == (
            file_format.encoding,
            file_format.separator,
            file_format.line_ending,
        ), file
    # market_time.csv contains whole numbers only, so its decimal mark cannot be detected.
    assert dataset.formats["market_money.csv"].decimal == file_format.decimal
    assert dataset.formats["money.csv"].decimal == file_format.decimal
    pd.testing.assert_frame_equal(dataset.features, expected.features)
    pd.testing.assert_series_equal(dataset.profit, expected.profit)
    assert dataset.target.tolist() == expected.target.tolist()


def test_load_dataset_files_byte_identical(raw_data_dir):
    before = {path.name: path.read_bytes() for path in raw_data_dir.iterdir()}

    load_dataset(raw_data_dir)

    after = {path.name: path.read_bytes() for path in raw_data_dir.iterdir()}
    assert after == before


def test_load_dataset_hash_changes_with_content(raw_data_dir):
    first = load_dataset(raw_data_dir).data_hash
    path = raw_data_dir / "money.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("4.16", "4.17"), encoding="utf-8")

    second = load_dataset(raw_data_dir).data_hash

    assert first != second
    assert len(first) == 64


def test_load_dataset_target_absent_for_scoring(raw_data_dir):
    path = raw_data_dir / "market_file.csv"
    pd.read_csv(path).drop(columns=config.TARGET_COLUMN).to_csv(path, index=False)

    dataset = load_dataset(raw_data_dir, require_target=False)

    assert dataset.target is None
    assert len(dataset.features) == 6
