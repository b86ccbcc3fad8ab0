"""`--jobs`: many files spread over processes, results in input order, identical to one process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, run_cli

from trainlint.api import check_paths, fix_paths
from trainlint.parallel import MIN_ITEMS_PER_JOB, map_in_order
from trainlint.settings import Settings

sys.path.insert(0, str(REPO / "bench"))
from corpus import generate  # noqa: E402


def square_and_pid(x: int) -> tuple[int, int]:
    """Picklable (module level): the result and which process computed it."""
    return x * x, os.getpid()


def test_results_come_back_in_input_order_from_worker_processes() -> None:
    items = list(range(MIN_ITEMS_PER_JOB * 2 + 37))[::-1]
    results = map_in_order(square_and_pid, items, jobs=2)
    assert [r for r, _ in results] == [x * x for x in items]
    assert os.getpid() not in {pid for _, pid in results}  # computed by workers, not here


def test_few_items_stay_in_process() -> None:
    results = map_in_order(square_and_pid, list(range(5)), jobs=4)
    assert {pid for _, pid in results} == {os.getpid()}


def test_one_job_stays_in_process() -> None:
    results = map_in_order(square_and_pid, list(range(MIN_ITEMS_PER_JOB * 4)), jobs=1)
    assert {pid for _, pid in results} == {os.getpid()}


def fail_on_seven(x: int) -> int:
    if x == 7:
        raise ValueError(f"cannot take {x}")
    return x


def die_on_seven(x: int) -> int:
    if x == 7:
        os._exit(3)  # as if killed (out of memory): no result, no exception
    return x


def big(x: int) -> str:
    return str(x) * 50_000  # far more than a pipe holds


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_an_exception_in_a_worker_is_raised_here() -> None:
    with pytest.raises(ValueError, match="cannot take 7"):
        map_in_order(fail_on_seven, list(range(MIN_ITEMS_PER_JOB * 4)), jobs=2)
    assert _no_children_left()


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    with pytest.raises(RuntimeError, match="ended before its work was done"):
        map_in_order(die_on_seven, list(range(MIN_ITEMS_PER_JOB * 4)), jobs=2)
    assert _no_children_left()


def test_results_larger_than_a_pipe_come_back_whole() -> None:
    items = list(range(MIN_ITEMS_PER_JOB * 3))
    assert map_in_order(big, items, jobs=3) == [big(x) for x in items]
    assert _no_children_left()


def test_many_items_in_bounded_chunks() -> None:
    items = list(range(300_000))  # more chunks than the queue would hold at the usual chunk size
    assert [r for r, _ in map_in_order(square_and_pid, items, jobs=2)] == [x * x for x in items]


def test_workers_do_not_repeat_what_the_parent_has_not_flushed_yet(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from trainlint.parallel import map_in_order\n"
        "sys.stdout.write('written once\\n')  # still in the buffer when the workers start\n"
        "print(sum(map_in_order(abs, list(range(500)), jobs=2)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out == f"written once\n{sum(range(500))}\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("parallel") / "repo", MIN_ITEMS_PER_JOB * 2 + 20).root


def test_check_paths_is_the_same_on_any_number_of_processes(corpus: Path) -> None:
    folder = str(corpus / "configs")
    one = check_paths([folder], Settings(), jobs=1)
    two = check_paths([folder], Settings(), jobs=2)
    assert [r.file for r in two] == [r.file for r in one] == sorted(r.file for r in one)
    assert [r.diagnostics for r in two] == [r.diagnostics for r in one]
    assert sum(len(r.diagnostics) for r in one) > 50  # broken configs among them: findings to compare
    assert all(r.document is None for r in one + two)  # not kept: memory stays flat with the repository


def test_cli_output_is_byte_identical_across_jobs(corpus: Path) -> None:
    outputs = {
        jobs: run_cli("check", "configs", "--jobs", jobs, "--format", "json", cwd=corpus) for jobs in ("1", "2", "0")
    }
    assert {o.returncode for o in outputs.values()} == {1}
    assert outputs["1"].stdout == outputs["2"].stdout == outputs["0"].stdout
    assert outputs["1"].stdout.count('"code"') > 50


def test_workers_start_without_the_multiprocessing_machinery(corpus: Path) -> None:
    probe = (
        "import sys; from trainlint.api import check_paths; from trainlint.settings import Settings; "
        "results = check_paths(['configs'], Settings(), jobs=2); "
        "print(len(results), sorted(m for m in sys.modules if m.split('.')[0] in ('multiprocessing', 'concurrent')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=corpus, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(MIN_ITEMS_PER_JOB * 2 + 20), "[]"]


def test_fix_diffs_are_identical_across_jobs(corpus: Path) -> None:
    folder = str(corpus / "configs")
    one = fix_paths([folder], Settings(), write=False, jobs=1)
    two = fix_paths([folder], Settings(), write=False, jobs=2)
    assert one == two
    assert any(r.changed and r.diff for r in one)  # some configs need a fix: their diffs are compared too


def test_severities_travel_between_processes_by_name():
    """Every result a worker sends holds severities: pickled as a name they load as the very member,
    without calling the enum (which costs more than the rest of a skipped file's result)."""
    import pickle

    from trainlint.diagnostics import Severity

    for severity in Severity:
        data = pickle.dumps(severity, pickle.HIGHEST_PROTOCOL)
        assert f"Severity.{severity.name}".encode() in data
        assert pickle.loads(data) is severity


def _frozen_in_worker(_: int) -> int:
    """In a worker: how many objects its collector leaves alone (the parent's, frozen before the fork)."""
    import gc

    return gc.get_freeze_count()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked only where fork exists")
def test_workers_leave_the_parents_objects_to_the_parent() -> None:
    """What the parent holds when the workers fork is frozen for them (their collections do not walk it,
    nor copy its pages by writing to it), and the parent has it back once they run."""
    import gc

    held = [[n] for n in range(5_000)]  # objects the parent holds, as it holds the items
    frozen = map_in_order(_frozen_in_worker, list(range(MIN_ITEMS_PER_JOB * 2)), jobs=2)
    assert min(frozen) >= len(held)  # the workers saw them frozen
    assert gc.get_freeze_count() == 0  # and the parent collects its own again


def _collecting_in_worker(_: int) -> bool:
    import gc

    return gc.isenabled()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked only where fork exists")
def test_workers_collect_while_the_parent_has_paused_its_collector() -> None:
    """A run over the results cache pauses the parent's collector (cache.outside_collection); the workers
    it forks make their own garbage, and collect it."""
    import gc

    gc.disable()
    try:
        assert all(map_in_order(_collecting_in_worker, list(range(MIN_ITEMS_PER_JOB * 2)), jobs=2))
        assert not gc.isenabled()  # the parent's pause is its own
    finally:
        gc.enable()
