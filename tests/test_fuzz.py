"""Fuzzing in CI: a modest hypothesis budget over mutated seeds, and every crash ever found.

The long run is `python -m tests.fuzz --minutes 10` (README, "Safety limits and hostile
input"); it writes each new crash into tests/regressions/, where the test below keeps
it from coming back.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from fuzz.strategies import REGRESSIONS, TIGHT, exercise, inputs, make_repo
from hypothesis import HealthCheck, given, settings

REPO_DIR = make_repo(Path(tempfile.mkdtemp(prefix="trainlint-fuzz-")) / "repo")


@settings(max_examples=200, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(inputs())
def test_mutated_configs_keep_the_contract(raw: bytes) -> None:
    exercise(raw, REPO_DIR)


@settings(max_examples=80, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(inputs())
def test_tight_limits_keep_the_contract(raw: bytes) -> None:
    """The same with limits low enough that ordinary configs hit them (each limit's code path)."""
    exercise(raw, REPO_DIR, TIGHT)


REGRESSION_FILES = sorted(REGRESSIONS.glob("*.yaml"))


@pytest.mark.parametrize("path", REGRESSION_FILES, ids=[p.name for p in REGRESSION_FILES])
def test_regression(path: Path) -> None:
    exercise(path.read_bytes(), REPO_DIR)
