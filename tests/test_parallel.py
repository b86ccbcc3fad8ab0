"""`--jobs`: many files spread over processes, results in input order, identical to one process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from helpers import REPO, run_cli
from trainlint.api import MIN_FILES_PER_JOB, check_paths, fix_paths, map_in_order
from trainlint.settings import Settings

sys.path.insert(0, str(REPO / "bench"))
from corpus import generate  # noqa: E402


def square_and_pid(x: int) -> tuple[int, int]:
    """Picklable (module level): the result and which process computed it."""
    return x * x, os.getpid()


def test_results_come_back_in_input_order_from_worker_processes() -> None:
    items = list(range(MIN_FILES_PER_JOB * 2 + 37))[::-1]
    results = map_in_order(square_and_pid, items, jobs=2)
    assert [r for r, _ in results] == [x * x for x in items]
    assert os.getpid() not in {pid for _, pid in results}  # computed by workers, not here


def test_few_items_stay_in_process() -> None:
    results = map_in_order(square_and_pid, list(range(5)), jobs=4)
    assert {pid for _, pid in results} == {os.getpid()}


def test_one_job_stays_in_process() -> None:
    results = map_in_order(square_and_pid, list(range(MIN_FILES_PER_JOB * 4)), jobs=1)
    assert {pid for _, pid in results} == {os.getpid()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("parallel") / "repo", MIN_FILES_PER_JOB * 2 + 20).root


def test_check_paths_is_the_same_on_any_number_of_processes(corpus: Path) -> None:
    folder = str(corpus / "configs")
    one = check_paths([folder], Settings(), jobs=1)
    two = check_paths([folder], Settings(), jobs=2)
    assert [r.file for r in two] == [r.file for r in one] == sorted(r.file for r in one)
    assert [r.diagnostics for r in two] == [r.diagnostics for r in one]
    assert sum(len(r.diagnostics) for r in one) > 50  # broken configs among them: findings to compare
    assert all(r.document is None for r in one + two)  # not kept: memory stays flat with the repository


def test_cli_output_is_byte_identical_across_jobs(corpus: Path) -> None:
    outputs = {jobs: run_cli("check", "configs", "--jobs", jobs, "--format", "json", cwd=corpus) for jobs in ("1", "2", "0")}
    assert {o.returncode for o in outputs.values()} == {1}
    assert outputs["1"].stdout == outputs["2"].stdout == outputs["0"].stdout
    assert outputs["1"].stdout.count('"code"') > 50


def test_fix_diffs_are_identical_across_jobs(corpus: Path) -> None:
    folder = str(corpus / "configs")
    one = fix_paths([folder], Settings(), write=False, jobs=1)
    two = fix_paths([folder], Settings(), write=False, jobs=2)
    assert one == two
    assert any(r.changed and r.diff for r in one)  # some configs need a fix: their diffs are compared too
