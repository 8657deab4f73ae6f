"""Build the website into `_site/` from the `.qmd` sources, without Quarto."""

from __future__ import annotations

import glob
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path

import nbformat

from analysis import config
from analysis.cache import files_fingerprint, source_fingerprint, stage_key
from analysis.display import format_number
from analysis.render.assets import ensure_vega_bundle
from analysis.render.execute import execute_page
from analysis.render.page import render_page_html
from analysis.render.project import NavLink, SiteProject, read_project
from analysis.render.qmd import parse_qmd

FALLBACK_NOTICE = "Quarto не найден: сайт собирается запасным сборщиком (Jupyter-ядро и pandoc)."


def _executed_notebook(project: SiteProject, source: Path, key: str, env: dict[str, str], cache_dir: Path, verbose: int):
    cached = cache_dir / f"{source.stem}-{key}.ipynb"
    if cached.is_file():
        if verbose:
            print(f"  {source}: из кэша", file=sys.stderr)
        return parse_qmd(project.root / source), nbformat.read(cached, as_version=4)

    started = time.perf_counter()
    page = parse_qmd(project.root / source)
    notebook = execute_page(page, env)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp")
    nbformat.write(notebook, tmp)
    tmp.replace(cached)
    if verbose:
        seconds = format_number(time.perf_counter() - started, 1)
        print(f"  {source}: выполнено за {seconds} с", file=sys.stderr)
    return page, notebook


def _copy_resources(project: SiteProject, target: Path) -> None:
    for pattern in project.resources:
        for match in glob.glob(str(project.root / pattern), recursive=True):
            path = Path(match)
            destination = target / path.relative_to(project.root)
            destination.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                shutil.copytree(path, destination, dirs_exist_ok=True)
            else:
                shutil.copy2(path, destination)
    css = resources.files("analysis.render").joinpath("site.css").read_text(encoding="utf-8")
    (target / "site_libs" / "fallback").mkdir(parents=True, exist_ok=True)
    (target / "site_libs" / "fallback" / "site.css").write_text(css, encoding="utf-8")


def _replace_dir(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target`` with renames, so a reader never sees a half-built site."""
    backup = target.with_name(target.name + ".old")
    if backup.exists():
        shutil.rmtree(backup)
    if target.exists():
        target.rename(backup)
    new.rename(target)
    if backup.exists():
        shutil.rmtree(backup)


def render_site(
    project_dir: Path = config.PROJECT_ROOT,
    *,
    data_dir: Path = config.DEFAULT_DATA_DIR,
    cache_dir: Path | None = None,
    verbose: int = 1,
) -> Path:
    """Render every page listed in the navbar of `_quarto.yml` into the output folder.

    Each page's cells run in a fresh Jupyter kernel whose working folder is the
    page's folder, as under Quarto. Executed pages are cached, keyed by the page
    source, `_quarto.yml`, the package source and the data files, so a rebuild
    with nothing changed runs no kernel. The previous site stays untouched
    until the new one is complete.

    Returns
    -------
    Path
        The output folder (`_site/` by default).
    """
    project_dir = Path(project_dir).resolve()
    data_dir = Path(data_dir).resolve()
    cache_dir = Path(cache_dir) if cache_dir else project_dir / ".cache" / "render"
    if verbose:
        print(FALLBACK_NOTICE, file=sys.stderr)

    project = read_project(project_dir)
    ensure_vega_bundle(project_dir)
    common_key = (
        (project_dir / "_quarto.yml").read_text(encoding="utf-8"),
        source_fingerprint(),
        files_fingerprint(data_dir / name for name in config.DATA_FILES),
        str(data_dir),
    )
    env = {config.DATA_DIR_ENV: str(data_dir)}

    project.output_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=project.output_dir.parent, prefix=".site-") as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        def execute(link: NavLink):
            page_text = (project_dir / link.source).read_text(encoding="utf-8")
            key = stage_key(page_text, *common_key)
            return _executed_notebook(project, link.source, key, env, cache_dir, verbose)

        # Each page runs in its own kernel process, so pages run side by side, one per core.
        with ThreadPoolExecutor(max_workers=max(1, min(len(project.pages), os.cpu_count() or 1))) as pool:
            executed = list(pool.map(execute, project.pages))

        for link, (page, notebook) in zip(project.pages, executed):
            target = site / link.html_path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render_page_html(page, link.source, notebook, project), encoding="utf-8")
        _copy_resources(project, site)
        _replace_dir(site, project.output_dir)
    if verbose:
        print(f"Сайт собран: {project.output_dir}", file=sys.stderr)
    return project.output_dir
