"""Tests of the fallback renderer on small generated Quarto projects."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from analysis.render import render_site
from analysis.render.errors import RenderError

QUARTO_YML = """\
project:
  type: website
  output-dir: _site
  resources:
    - assets/vega-bundle.js
website:
  title: "Проверка"
  navbar:
    left:
      - href: index.qmd
        text: Главная
      - href: chapters/page.qmd
        text: Глава
language:
  callout-note-title: "Примечание"
format:
  html:
    code-summary: "Показать код"
execute:
  echo: true
"""

INDEX = """\
---
title: "Главная"
---

Обычный **текст**.

::: {.callout-note}
Текст выноски.
:::

```{python}
#| label: tbl-demo
#| tbl-cap: "Подпись таблицы"
import pandas as pd
from great_tables import GT
from analysis.display import escape, show_markdown, show_table

show_table(GT(pd.DataFrame({"a": [1234.5], "b": ["<img src=x onerror=alert(1)>"]})).fmt_number("a", locale="ru"))
show_markdown("Значение: " + escape("<b>x</b>"))
```
"""

CHAPTER = """\
---
title: "Глава"
---

```{python}
#| echo: false
#| fig-cap: "Подпись графика"
import altair as alt
import pandas as pd
from analysis.display import show_chart

frame = pd.DataFrame({"x": ["а", "б"], "y": [1, 2]})
show_chart(alt.Chart(frame).mark_bar().encode(x="x", y="y"))
show_chart(alt.Chart(frame).mark_point().encode(x="x", y="y"))
```
"""


def write_project(root: Path, index: str = INDEX, chapter: str = CHAPTER) -> Path:
    (root / "chapters").mkdir(parents=True, exist_ok=True)
    (root / "_quarto.yml").write_text(QUARTO_YML, encoding="utf-8")
    (root / "index.qmd").write_text(index, encoding="utf-8")
    (root / "chapters" / "page.qmd").write_text(chapter, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    root = write_project(tmp_path_factory.mktemp("project"))
    return render_site(root, data_dir=root, verbose=0)


@pytest.mark.parametrize("page", ["index.html", "chapters/page.html"])
@pytest.mark.parametrize("raw_syntax", ["#|", "{python}", ":::", "{=html}"])
def test_render_site_leaves_no_quarto_syntax(built_site, page, raw_syntax):
    html = (built_site / page).read_text(encoding="utf-8")
    assert raw_syntax not in html


def test_render_site_shows_callout_with_title(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert '<div class="callout callout-note">' in html
    assert '<div class="callout-title">Примечание</div>' in html


def test_render_site_escapes_text_from_data(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>x</b>" not in html


def test_render_site_formats_numbers_in_russian(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert "1 234,50" in html


def test_render_site_folds_code_and_applies_cell_options(built_site):
    index = (built_site / "index.html").read_text(encoding="utf-8")
    chapter = (built_site / "chapters" / "page.html").read_text(encoding="utf-8")
    assert '<details class="code-fold"><summary>Показать код</summary>' in index
    assert 'id="tbl-demo"' in index
    assert "Подпись таблицы" in index
    assert "code-fold" not in chapter
    assert "Подпись графика" in chapter


def test_render_site_includes_vega_bundle_once_per_page(built_site):
    chapter = (built_site / "chapters" / "page.html").read_text(encoding="utf-8")
    assert chapter.count('<script src="../assets/vega-bundle.js"></script>') == 1
    assert chapter.count('class="altair-chart"') == 2
    assert (built_site / "assets" / "vega-bundle.js").stat().st_size > 100_000


def test_render_site_links_every_page_in_navbar(built_site):
    chapter = (built_site / "chapters" / "page.html").read_text(encoding="utf-8")
    assert 'href="../index.html"' in chapter
    assert 'href="../chapters/page.html"' in chapter


@pytest.mark.parametrize(
    ("chapter", "message"),
    [
        ('---\ntitle: "x"\n---\n\n```{python}\n#| code-fold: show\n1\n```\n', "#| code-fold"),
        ('---\ntitle: "x"\n---\n\n```{python}\nraise ValueError("сломано")\n```\n', "сломано"),
    ],
)
def test_render_site_failure_keeps_previous_site(tmp_path, chapter, message):
    root = write_project(tmp_path)
    site = render_site(root, data_dir=root, verbose=0)
    before = (site / "index.html").read_text(encoding="utf-8")

    (root / "chapters" / "page.qmd").write_text(chapter, encoding="utf-8")
    with pytest.raises(RenderError, match=message):
        render_site(root, data_dir=root, verbose=0)

    assert (site / "index.html").read_text(encoding="utf-8") == before
    assert (site / "chapters" / "page.html").is_file()


def test_render_site_reuses_executed_pages(tmp_path):
    root = write_project(tmp_path)
    render_site(root, data_dir=root, verbose=0)
    cached = sorted((root / ".cache" / "render").glob("*.ipynb"))
    stamps = [path.stat().st_mtime_ns for path in cached]

    render_site(root, data_dir=root, verbose=0)

    assert len(cached) == 2
    assert [path.stat().st_mtime_ns for path in cached] == stamps


@pytest.mark.parametrize("page", ["index.html", "chapters/page.html"])
def test_render_site_page_matches_snapshot(built_site, page):
    from test_display import assert_snapshot

    html = (built_site / page).read_text(encoding="utf-8")
    assert_snapshot("render-" + page.replace("/", "-"), html)
