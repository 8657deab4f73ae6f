"""File cache for heavy stages, keyed by the input data and the code they depend on.

A stage's key is a SHA-256 over the data hash, the source text of the modules
the stage depends on, and its parameters. Changing any of them gives a new key,
so the stage is recomputed; everything else is read back from `.cache/`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Protocol, TypeVar

from analysis import config

PACKAGE_DIR = Path(__file__).resolve().parent

T = TypeVar("T", bound="CachedResult")


class CachedResult(Protocol):
    """A stage result that writes itself to a folder and reads itself back."""

    def save(self, directory: Path) -> None: ...

    @classmethod
    def load(cls: type[T], directory: Path) -> T: ...


def source_fingerprint(module_globs: Iterable[str] = ("**/*.py",)) -> str:
    """Hash the source files of the package that match ``module_globs`` (relative to `analysis/`)."""
    digest = hashlib.sha256()
    paths = sorted({path for pattern in module_globs for path in PACKAGE_DIR.glob(pattern)})
    for path in paths:
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def files_fingerprint(paths: Iterable[Path]) -> str:
    """Hash the names and bytes of files; a missing file counts as empty."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def stage_key(*parts: object) -> str:
    """Combine hashes and parameters into one cache key."""
    text = json.dumps([str(part) for part in parts], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def cached_stage(
    name: str,
    title: str,
    key: str,
    compute: Callable[[], T],
    result_type: type[T],
    *,
    cache_dir: Path = config.DEFAULT_CACHE_DIR,
    verbose: int = 0,
) -> T:
    """Return the stage result from the cache, or compute it and store it.

    ``name`` names the cache entries; ``title`` is the stage's Russian name
    for progress messages.

    The result is written to a temporary folder first and renamed into place,
    so an interrupted run never leaves a half-written cache entry behind.
    Entries for other keys stay, so switching between data folders reuses them.
    """
    entry = cache_dir / f"{name}-{key}"
    if (entry / ".complete").is_file():
        if verbose:
            print(f"{title}: результат взят из кэша ({entry.name})", file=sys.stderr)
        return result_type.load(entry)

    if verbose:
        print(f"{title}: вычисление…", file=sys.stderr)
    result = compute()
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=f".{name}-") as tmp:
        tmp_entry = Path(tmp) / "entry"
        tmp_entry.mkdir()
        result.save(tmp_entry)
        (tmp_entry / ".complete").write_text(key)
        if entry.exists():
            shutil.rmtree(entry)
        tmp_entry.rename(entry)
    return result
