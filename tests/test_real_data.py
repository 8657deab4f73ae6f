"""Facts about the store's real data folder ``data/``."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import config
from analysis.aliases import ACTION_ALIAS
from analysis.cleaning import ACTION_REPLACED
from analysis.dataset import describe_dataset, load_dataset

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
EXCLUDED_IDS = [215348, 215357, 215359]


@pytest.fixture(scope="module")
def real_dataset():
    return load_dataset(DATA_DIR)


def test_real_data_counts(real_dataset):
    assert len(real_dataset.features) + len(real_dataset.excluded) == 1300
    assert len(real_dataset.features) == 1297
    assert real_dataset.target.sum() + (real_dataset.target == 0).sum() == 1297


def test_real_data_excluded_ids(real_dataset):
    assert real_dataset.excluded["id"].tolist() == EXCLUDED_IDS
    assert real_dataset.excluded["Причина"].str.contains("выручка 0").all()
    assert not real_dataset.features.index.isin(EXCLUDED_IDS).any()


def test_real_data_one_revenue_replaced(real_dataset):
    log = real_dataset.quality_log
    replaced = log[log["Действие"].str.startswith(ACTION_REPLACED)]

    assert replaced["id"].tolist() == ["215380"]
    assert replaced["Было"].tolist() == ["106862.2"]
    # The customer's other months are 5051.0 and 6077.0.
    assert replaced["Стало"].tolist() == ["5564.0"]
    assert real_dataset.features.loc[215380, "Выручка_текущий_месяц"] == pytest.approx(5564.0)
    assert real_dataset.features["Выручка_текущий_месяц"].max() < 10_000


@pytest.mark.parametrize(
    ("file", "column", "before", "after", "count"),
    [
        ("market_file.csv", "Тип сервиса", "стандартт", "стандарт", 10),
        ("market_time.csv", "Период", "предыдцщий_месяц", "предыдущий_месяц", 1300),
        ("market_file.csv", "Популярная_категория", "Косметика и аксесуары", "Косметика и аксессуары", 223),
    ],
)
def test_real_data_label_fix_count(real_dataset, file, column, before, after, count):
    log = real_dataset.quality_log
    entry = log[(log["Файл"] == file) & (log["Столбец"] == column) & (log["Было"] == before)]

    assert entry["Стало"].tolist() == [after]
    assert entry["Количество"].tolist() == [count]
    assert entry["Действие"].tolist() == [ACTION_ALIAS]


def test_real_data_formats(real_dataset):
    money = real_dataset.formats["money.csv"]
    assert (money.separator, money.decimal, money.line_ending) == (";", ",", "CRLF")
    assert real_dataset.formats["market_file.csv"].separator == ","
    assert real_dataset.warnings == ()


def test_real_data_files_unchanged():
    before = {file: hashlib.sha256((DATA_DIR / file).read_bytes()).hexdigest() for file in config.DATA_FILES}

    load_dataset(DATA_DIR)

    after = {file: hashlib.sha256((DATA_DIR / file).read_bytes()).hexdigest() for file in config.DATA_FILES}
    assert after == before


def test_real_data_validate_command_lists_fixes(real_dataset):
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", "--data", str(DATA_DIR)],
        cwd=DATA_DIR.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == describe_dataset(real_dataset).strip()
    for text in ("стандартт", "предыдцщий_месяц", "Косметика и аксесуары", "106862.2", *map(str, EXCLUDED_IDS)):
        assert text in result.stdout
