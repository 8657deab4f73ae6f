"""The report built from another data folder, whose labels contain HTML."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import config
from analysis.errors import UnknownLabelWarning
from analysis.pipeline import run_pipeline
from analysis.render import render_site
from analysis.synthetic import generate_store_data

from browser import check_page, serve_directory

HOSTILE_CATEGORY = "<img src=x onerror=alert(1)>"
N_CUSTOMERS = 400


@pytest.fixture(scope="module")
def other_site(tmp_path_factory) -> Path:
    """Build the whole site from a small synthetic folder with a hostile category label."""
    data = tmp_path_factory.mktemp("other-data")
    generate_store_data(N_CUSTOMERS, data, random_state=3)
    market_file = data / "market_file.csv"
    text = market_file.read_text(encoding="utf-8")
    market_file.write_text(text.replace("Товары для детей", HOSTILE_CATEGORY), encoding="utf-8")

    project = tmp_path_factory.mktemp("other-project")
    for name in ("_quarto.yml", "index.qmd", "chapters"):
        source = config.PROJECT_ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    cache = project / ".analysis-cache"
    with pytest.warns(UnknownLabelWarning, match="onerror"):
        run_pipeline(data, project / "downloads", cache_dir=cache, verbose=0)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(config.CACHE_DIR_ENV, str(cache))
        return render_site(project, data_dir=data, verbose=0)


def test_other_data_site_uses_that_data(other_site):
    index = (other_site / "index.html").read_text(encoding="utf-8").replace("\u00a0", " ")
    assert f"market_file.csv — {N_CUSTOMERS}" in index
    assert "1 300" not in index


def test_other_data_site_escapes_html_labels(other_site):
    pages = [other_site / "index.html", *sorted((other_site / "chapters").glob("*.html"))]
    pages_showing_label = [page.name for page in pages if "&lt;img src=x onerror=alert(1)&gt;" in page.read_text(encoding="utf-8")]
    for page in pages:
        assert "<img src=x" not in page.read_text(encoding="utf-8"), page.name
    assert pages_showing_label, "the hostile label should be shown as text somewhere"


def test_other_data_site_runs_no_injected_script(other_site, browser):
    pages = ["index.html", *[f"chapters/{page.name}" for page in sorted((other_site / "chapters").glob("*.html"))]]
    with serve_directory(other_site) as base_url:
        reports = [check_page(browser, f"{base_url}/{page}", width=1280, height=800) for page in pages]

    for report in reports:
        assert report.alert_dialogs == [], report.url
        assert report.console_errors == [], report.url
        assert report.drawn_charts >= report.charts, report.url
