"""`check` offers exactly what `fix` does, and `fix` says why it leaves a file alone.

A file with a reading finding that makes `fix` refuse it (a duplicate key, a refused tag, a YAML error,
a safety limit: TL00x, TL09x) offers no fix in any report: not in the text summary, not as `fixable` in
JSON, not as a SARIF fix. `fix` names such a file with the reason (`FILE: not fixed: REASON`) and exits 2
when it would otherwise have fixed something; with nothing to fix it has nothing to say.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from trainlint.cli import main
from trainlint.rules.reading import _VALID

UNCLASSIFIED = _VALID.replace("classification: sdxl/style\n", "")  # TL205, fixable: add the classification
# file -> (text, whether fix must refuse it)
FILES: dict[str, tuple[str, bool]] = {
    "fixable.yaml": (UNCLASSIFIED, False),
    "yaml11.yaml": (
        _VALID.replace("classification: sdxl/style", "classification: Custom")
        + "training:\n  learning_rate_unet: 2e-4\n",
        False,
    ),
    "clean.yaml": (_VALID, False),
    "duplicate.yaml": (UNCLASSIFIED + "training:\n  steps: 8400\n  steps: 9000\n", True),
    "python-tag.yaml": (UNCLASSIFIED + "name: !!python/object/apply:os.system [echo]\n", True),
    "bad-number.yaml": (UNCLASSIFIED + "training:\n  learning_rate_unet: .nan\n", True),
    "non-string-key.yaml": (UNCLASSIFIED + "1: one\n", True),
    "two-documents.yaml": (UNCLASSIFIED + "---\nname: second\n", True),
    "suppressed-tag.yaml": (
        _VALID + "name: !!str x  # trainlint: disable=TL003\n" + "other: !!binary aGVsbG8=\n",
        True,
    ),  # TL020 offers to drop TL003: withheld
    "syntax-error.yaml": (_VALID + "name: [unclosed\n", False),  # nothing loads, nothing to fix
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for name, (text, _) in FILES.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_json_sarif_and_fix_agree_on_what_is_fixable(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(repo / name) for name in FILES]
    _, text, _ = run(capsys, "check", "--jobs", "1", *paths)
    summary = re.search(r"; (\d+) fixable with `trainlint fix`", text)
    text_count = int(summary.group(1)) if summary else 0
    hinted = text.count("(fixable with `trainlint fix`)")

    _, raw, _ = run(capsys, "check", "--jobs", "1", "--format", "json", *paths)
    fixable = {(Path(d["file"]).name, d["code"], d["line"]) for d in json.loads(raw)["diagnostics"] if d["fixable"]}

    _, raw, _ = run(capsys, "check", "--jobs", "1", "--format", "sarif", *paths)
    results = json.loads(raw)["runs"][0]["results"]
    offered = {
        (
            Path(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).name,
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
        if r.get("fixes")
    }

    assert text_count == hinted == len(fixable) == len(offered)
    assert offered == fixable
    assert {file for file, _, _ in fixable} == {"fixable.yaml", "yaml11.yaml"}

    code, out, err = run(capsys, "fix", "--jobs", "1", *paths)
    refused = {Path(line.split(": not fixed: ")[0]).name for line in err.splitlines() if ": not fixed: " in line}
    assert refused == {name for name, (_, refuses) in FILES.items() if refuses}, err
    assert code == 2
    assert "fixed 2 files, 6 not fixed" in out

    _, raw, _ = run(capsys, "check", "--jobs", "1", "--format", "json", *paths)
    left = {(Path(d["file"]).name, d["code"], d["line"]) for d in json.loads(raw)["diagnostics"]}
    assert not fixable & left  # every finding check called fixable is gone
    assert not any(d["fixable"] for d in json.loads(raw)["diagnostics"])
    for name, (text, refuses) in FILES.items():
        if refuses or name == "syntax-error.yaml":
            assert (repo / name).read_text() == text, name


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("duplicate.yaml", "line 9: duplicate key 'steps'"),
        ("python-tag.yaml", "line 7: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
        ("two-documents.yaml", "line 8: 2 YAML documents in one file"),
    ],
)
def test_fix_names_the_file_and_the_reason(
    repo: Path, capsys: pytest.CaptureFixture[str], name: str, reason: str
) -> None:
    code, out, err = run(capsys, "fix", str(repo / name))
    assert code == 2
    (line,) = err.splitlines()
    assert line.startswith(f"{repo / name}: not fixed: {reason}"), line
    assert line.endswith("; fix that first, then run fix again"), line
    assert out == "fixed 0 files, 1 not fixed\n"


def test_a_file_with_nothing_to_fix_is_not_refused(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "broken-only.yaml").write_text(_VALID + "training:\n  steps: 8400\n  steps: 8400\n")
    for name in ("syntax-error.yaml", "broken-only.yaml", "clean.yaml"):
        assert run(capsys, "fix", str(repo / name)) == (0, "fixed 0 files\n", "")


def test_the_api_withholds_the_same_fixes(repo: Path) -> None:
    from trainlint.api import check_paths, fix_paths

    results = check_paths([str(repo)], jobs=1)
    fixable = {Path(r.file).name for r in results if any(d.fixable for d in r.diagnostics)}
    reports = fix_paths([str(repo)], jobs=1, write=False)
    assert {Path(r.display).name for r in reports if r.changed} == fixable
