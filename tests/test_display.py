"""Tests of the page output helpers shared by both renderers."""

from __future__ import annotations

import os
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pypandoc
import pytest
from great_tables import GT

from analysis import display

SNAPSHOTS = Path(__file__).parent / "snapshots"


def assert_snapshot(name: str, text: str) -> None:
    """Compare ``text`` with the stored snapshot; UPDATE_SNAPSHOTS=1 rewrites it."""
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; rerun with UPDATE_SNAPSHOTS=1 if intended"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (1300, 0, "1\u00a0300"),
        (1234567.891, 2, "1\u00a0234\u00a0567,89"),
        (0.9134, 3, "0,913"),
        (-5.5, 1, "\u22125,5"),
    ],
)
def test_format_number_russian_style(value, decimals, expected):
    assert display.format_number(value, decimals) == expected


@pytest.mark.parametrize(("share", "expected"), [(0.381, "38,1\u00a0%"), (1, "100,0\u00a0%"), (0, "0,0\u00a0%")])
def test_format_percent_russian_style(share, expected):
    assert display.format_percent(share) == expected


@pytest.mark.parametrize(
    ("value", "forbidden_tag", "visible_text"),
    [
        ("<img src=x onerror=alert(1)>", "<img", "&lt;img src=x onerror=alert(1)&gt;"),
        ("<script>alert(1)</script>", "<script", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("**жирный**", "<strong>", "**жирный**"),
        ("_курсив_", "<em>", "_курсив_"),
        ("[ссылка](http://example.com)", "<a ", "[ссылка](http://example.com)"),
        ("`код`", "<code>", "`код`"),
        ("# заголовок", "<h1", "# заголовок"),
    ],
)
def test_escape_shows_markup_as_text(value, forbidden_tag, visible_text):
    html = pypandoc.convert_text(display.escape(value), "html5", format="markdown")

    assert forbidden_tag not in html
    assert visible_text in html


def test_table_html_is_stable_and_unprocessed():
    frame = pd.DataFrame({"Сумма": [1234.5, 0.25], "Категория": ["<b>x</b>", "Товары для детей"]})
    first = display.table_html(GT(frame).fmt_number("Сумма", decimals=2, locale="ru"))
    second = display.table_html(GT(frame).fmt_number("Сумма", decimals=2, locale="ru"))

    assert first == second
    assert 'data-quarto-disable-processing="true"' in first
    assert "&lt;b&gt;x&lt;/b&gt;" in first
    assert_snapshot("table.html", first)


def test_chart_html_loads_nothing_remote():
    frame = pd.DataFrame({"x": ["а", "б"], "y": [1000.5, 2]})
    fragment = display.chart_html(alt.Chart(frame).mark_bar().encode(x="x", y="y"))

    assert re.search(r"https?://(?!vega\.github\.io/schema)", fragment) is None
    assert "vegaEmbed(" in fragment
    assert '"decimal": ","' in fragment


def test_chart_html_escapes_closing_script_tag():
    frame = pd.DataFrame({"x": ["</script><script>alert(1)</script>"], "y": [1]})
    fragment = display.chart_html(alt.Chart(frame).mark_bar().encode(x="x", y="y"))

    assert fragment.count("</script>") == 1
    assert "<script>alert" not in fragment


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "клиент"), (2, "клиента"), (4, "клиента"), (5, "клиентов"), (11, "клиентов"), (12, "клиентов"),
     (14, "клиентов"), (21, "клиент"), (22, "клиента"), (111, "клиентов"), (463, "клиента"), (1297, "клиентов"),
     (0, "клиентов")],
)
def test_plural_agrees_with_count(count, expected):
    assert display.plural(count, "клиент", "клиента", "клиентов") == expected
