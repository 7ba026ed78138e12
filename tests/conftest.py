"""Shared fixtures. Corpora in ../shared/corpus are read in place, never copied into the project;
tests that need them skip with a clear message where they are absent."""
from __future__ import annotations

from pathlib import Path

import pytest

from analysis import config

SEEDS_RAW = config.PROJECT_ROOT / "data" / "raw"


def _need(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.skip(f"{what} not found at {path}: the shared corpora live beside the project in ../shared/corpus")
    return path


@pytest.fixture(scope="session")
def fakes_csv() -> Path:
    return _need(config.FAKES_CSV, "FA-KES corpus")


@pytest.fixture(scope="session")
def bbc_dir() -> Path:
    return _need(config.BBC_DIR, "BBC corpus")


@pytest.fixture(scope="session")
def seeds_raw() -> Path:
    return SEEDS_RAW
