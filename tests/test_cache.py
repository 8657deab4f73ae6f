"""Tests of the stage cache: keys follow data and code, entries are written whole."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis.cache import cached_stage, files_fingerprint, source_fingerprint, stage_key


@dataclass(frozen=True)
class Number:
    value: int

    def save(self, directory: Path) -> None:
        (directory / "number.json").write_text(json.dumps(self.value))

    @classmethod
    def load(cls, directory: Path) -> "Number":
        return cls(json.loads((directory / "number.json").read_text()))


def test_cached_stage_computes_once_per_key(tmp_path):
    calls = []

    def compute() -> Number:
        calls.append(1)
        return Number(7)

    first = cached_stage("demo", "Проверка", "key-a", compute, Number, cache_dir=tmp_path)
    second = cached_stage("demo", "Проверка", "key-a", compute, Number, cache_dir=tmp_path)
    third = cached_stage("demo", "Проверка", "key-b", compute, Number, cache_dir=tmp_path)

    assert first == second == third == Number(7)
    assert len(calls) == 2


def test_cached_stage_failure_leaves_no_entry(tmp_path):
    def compute() -> Number:
        raise RuntimeError("stage failed")

    with pytest.raises(RuntimeError):
        cached_stage("demo", "Проверка", "key", compute, Number, cache_dir=tmp_path)

    assert list(tmp_path.glob("demo-*")) == []


def test_cached_stage_ignores_incomplete_entry(tmp_path):
    (tmp_path / "demo-key").mkdir()
    (tmp_path / "demo-key" / "number.json").write_text("1")

    result = cached_stage("demo", "Проверка", "key", lambda: Number(2), Number, cache_dir=tmp_path)

    assert result == Number(2)


@pytest.mark.parametrize(
    ("change", "changes_key"),
    [
        (lambda path: path.write_bytes(path.read_bytes() + b"\n"), True),
        (lambda path: path.write_bytes(path.read_bytes()), False),
    ],
)
def test_files_fingerprint_follows_content(tmp_path, change, changes_key):
    data = tmp_path / "market_file.csv"
    data.write_text("id\n1\n")
    before = files_fingerprint([data])

    change(data)

    assert (files_fingerprint([data]) != before) is changes_key


def test_source_fingerprint_depends_on_selected_modules():
    assert source_fingerprint(("cache.py",)) == source_fingerprint(("cache.py",))
    assert source_fingerprint(("cache.py",)) != source_fingerprint(("cli.py",))


def test_stage_key_depends_on_every_part():
    assert stage_key("data", "code", 42) != stage_key("data", "code", 43)
    assert stage_key("data", "code", 42) == stage_key("data", "code", 42)
