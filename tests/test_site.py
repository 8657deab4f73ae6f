"""The report site built from the real data: content, offline behaviour and browser checks."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import config
from analysis.dataset import load_dataset
from analysis.pipeline import run_pipeline
from analysis.render import render_site
from analysis.render.project import read_project

from browser import check_page, serve_directory

SCREENSHOT_DIR = config.PROJECT_ROOT / "test-output" / "screenshots"
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}
SITE_SOURCES = ("_quarto.yml", "index.qmd", "chapters")
PAGES = [link.html_path.as_posix() for link in read_project(config.PROJECT_ROOT).pages]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """Build the site from `data/` in a copy of the project's sources, as `make report` does."""
    project = tmp_path_factory.mktemp("site-project")
    for name in SITE_SOURCES:
        source = config.PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            shutil.copy2(source, project / name)
    run_pipeline(config.DEFAULT_DATA_DIR, project / "downloads", verbose=0)
    return render_site(project, data_dir=config.DEFAULT_DATA_DIR, verbose=0)


def test_site_has_every_page(site):
    assert PAGES[0] == "index.html"
    assert len(PAGES) == 7
    for page in PAGES:
        assert (site / page).is_file(), page


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("raw_syntax", ["#|", "{python}", ":::", "{=html}", "Traceback"])
def test_site_page_has_no_raw_syntax(site, page, raw_syntax):
    assert raw_syntax not in (site / page).read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_site_page_loads_nothing_from_internet(site, page):
    html = (site / page).read_text(encoding="utf-8")
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []


def test_site_index_shows_customer_counts_from_data(site):
    dataset = load_dataset(config.DEFAULT_DATA_DIR)
    html = (site / "index.html").read_text(encoding="utf-8")
    text = html.replace("\u00a0", " ")
    assert "1 300" in text
    declined = dataset.target.mean() * 100
    assert f"{declined:.1f}".replace(".", ",") in text


def test_site_offers_downloads(site):
    for name in ("offers.xlsx", "offers.csv"):
        assert (site / "downloads" / name).stat().st_size > 0
    assert 'href="downloads/offers.xlsx"' in (site / "index.html").read_text(encoding="utf-8")
    segments_page = (site / "chapters" / "05-segments.html").read_text(encoding="utf-8")
    for link in re.findall(r'href="(\.\./downloads/[^"]+)"', segments_page):
        assert (site / "chapters" / link).resolve().is_file(), link
    assert 'href="../downloads/offers.xlsx"' in segments_page


@pytest.fixture(scope="session")
def served_site(site):
    with serve_directory(site) as base_url:
        yield base_url


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("page", PAGES)
def test_site_page_works_in_browser(browser, served_site, page, viewport):
    width, height = VIEWPORTS[viewport]
    screenshot = SCREENSHOT_DIR / f"{page.replace('/', '_').removesuffix('.html')}-{viewport}.png"
    report = check_page(browser, f"{served_site}/{page}", width=width, height=height, screenshot=screenshot)

    assert report.console_errors == []
    assert report.foreign_requests == []
    assert report.alert_dialogs == []
    assert report.drawn_charts >= report.charts
    assert screenshot.stat().st_size > 0


def test_site_pages_have_charts_and_tables(site):
    chapters_with_charts = [
        page for page in PAGES if 'class="altair-chart"' in (site / page).read_text(encoding="utf-8")
    ]
    chapters_with_tables = [
        page for page in PAGES if 'class="gt_table"' in (site / page).read_text(encoding="utf-8")
    ]
    assert len(chapters_with_charts) >= 5
    assert len(chapters_with_tables) >= 5


def test_report_build_stops_on_invalid_data(tmp_path):
    bad = tmp_path / "data"
    shutil.copytree(config.DEFAULT_DATA_DIR, bad)
    (bad / "market_time.csv").unlink()

    result = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "--data", str(bad), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "market_time.csv" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
