"""Rule plugins: the installed sample plugin end to end, and broken plugins that must not break a run.

The broken plugins are real distributions too: a `.dist-info` folder with an
`entry_points.txt` on PYTHONPATH is what importlib.metadata reads for an installed package.
"""

from __future__ import annotations

import json
import os
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

import jsonschema
import pytest
from helpers import run_cli
from test_reporters import sarif_schema

from trainlint import plugins
from trainlint.api import check_file
from trainlint.rules import Rule
from trainlint.rules.reading import _VALID as CONFIG  # a valid config without a `name`
from trainlint.settings import Settings

ALLOW_SAMPLE = '[tool.trainlint]\nplugins = ["sample"]\n'


def env(**extra: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR")}, **extra}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "c.yaml").write_text(CONFIG)
    return tmp_path


def cli(repo: Path, *args: str, **extra: str):
    run = run_cli(*args, cwd=repo, env=env(**extra))
    assert "Traceback" not in run.stderr, run.stderr
    return run


def test_the_sample_plugin_is_installed():
    names = {ep.name: ep.value for ep in entry_points(group=plugins.GROUP)}
    assert names.get("sample") == "trainlint_plugin_sample", (
        "install it: pip install ./examples/trainlint-plugin-sample (.ci/run does)"
    )


def test_an_installed_plugin_stays_off_until_the_configuration_allows_it(repo):
    run = cli(repo, "check", "c.yaml")
    assert (run.returncode, run.stdout) == (0, "no problems in 1 file checked\n")
    assert "TL901" not in cli(repo, "rules").stdout
    explain = cli(repo, "rule", "TL901")
    assert (
        explain.returncode == 2
        and "unknown rule 'TL901': the plugin range, and no allowed plugin defines it" in explain.stderr
    )


def test_the_sample_rule_fires_from_the_command_line(repo):
    (repo / "pyproject.toml").write_text(ALLOW_SAMPLE)
    run = cli(repo, "check", "c.yaml")
    assert run.returncode == 1
    assert run.stdout.splitlines()[0] == "c.yaml:1:1: TL901 [warning] the config has no `name`"
    assert "TL901  missing-name" in cli(repo, "rules").stdout
    explained = cli(repo, "rule", "TL901")
    assert explained.returncode == 0 and explained.stdout.startswith("# TL901 missing-name\n")


def test_plugin_rules_take_configuration_like_built_in_ones(repo):
    (repo / "c.yaml").write_text("name: watercolor-landscapes-for-the-spring-catalogue\n" + CONFIG)
    (repo / "pyproject.toml").write_text(
        ALLOW_SAMPLE + '[tool.trainlint.severity]\nTL902 = "error"\n'
        "[tool.trainlint.thresholds.TL902]\nmax_length = 24\n"
    )
    run = cli(repo, "check", "--format", "json", "c.yaml")
    [finding] = json.loads(run.stdout)["diagnostics"]
    assert (finding["code"], finding["severity"], finding["line"]) == ("TL902", "error", 1)
    assert "is 46 characters long (limit 24)" in finding["message"]
    (repo / "c.yaml").write_text("name: fine  # trainlint: disable=TL902\n" + CONFIG)
    assert "unused suppression: no TL902 finding" in cli(repo, "check", "c.yaml").stdout
    assert cli(repo, "check", "--ignore", "TL9", "c.yaml").returncode == 0


def test_sarif_carries_plugin_rules_and_stays_valid(repo):
    (repo / "pyproject.toml").write_text(ALLOW_SAMPLE)
    log = json.loads(cli(repo, "check", "--format", "sarif", "c.yaml").stdout)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["TL901"]["properties"]["plugin"] == "sample"
    assert log["runs"][0]["results"][0]["ruleId"] == "TL901"


@pytest.fixture
def sample():
    """Load the sample plugin in this process and unload it after, so other tests see the built-ins only."""
    before = set(Rule.registry)
    assert plugins.load(["sample"]) == []
    yield [Rule.registry[c] for c in sorted(set(Rule.registry) - before)]
    for code in set(Rule.registry) - before:
        del Rule.registry[code]
        plugins._OWNERS.pop(code, None)
    plugins._TRIED.pop("sample", None)


def test_sample_rules_examples_run_through_the_pipeline(sample, tmp_path):
    assert [r.code for r in sample] == ["TL901", "TL902"]
    (tmp_path / ".git").mkdir()
    path = tmp_path / "c.yaml"
    for rule in sample:
        for text, fires in ((rule.fails, True), (rule.passes, False)):
            path.write_text(text)
            codes = [d.code for d in check_file(path, "c.yaml", Settings(plugins=("sample",))).diagnostics]
            assert (rule.code in codes) is fires, (rule.code, text, codes)
            assert rule.code not in [d.code for d in check_file(path, "c.yaml", Settings()).diagnostics]


def fake_plugin(site: Path, name: str, source: str) -> None:
    """An installed distribution as importlib.metadata sees one: dist-info with an entry point, plus its module."""
    info = site / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[trainlint.rules]\n{name} = {name}_rules\n")
    (site / f"{name}_rules.py").write_text(textwrap.dedent(source))


RULE = """
from trainlint.diagnostics import Finding, Severity
from trainlint.rules import Rule
from trainlint.rules.reading import _VALID as CONFIG  # a valid config without a `name`

class Probe(Rule):
    '''A probe rule used by the plugin tests, with a docstring long enough to document it.'''
    code = "{code}"
    name = "probe"
    severity = Severity.WARNING
    fails = passes = ""

    def check(self, ctx):
        {body}
"""

BROKEN = {
    "crashes": (
        "raise RuntimeError('boom at import')",
        "failed to import 'crashes_rules': RuntimeError: boom at import",
    ),
    "squatter": (
        RULE.format(code="TL150", body="return []"),
        "rule code 'TL150' is outside the range reserved for plugins",
    ),
    "twin": (RULE.format(code="TL901", body="return []"), "rule code TL901 registered twice"),
    "empty": ("X = 1", "defines no rule"),
    "exits": ("import sys\nsys.exit(3)", "failed to import 'exits_rules': SystemExit: 3"),
    "interrupts": (
        "raise KeyboardInterrupt('from the plugin')",
        "failed to import 'interrupts_rules': KeyboardInterrupt: from the plugin",
    ),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_plugin_that_cannot_load_is_named_and_the_run_goes_on(repo, name):
    source, message = BROKEN[name]
    fake_plugin(repo / "site", name, source)
    (repo / "c.yaml").write_text(CONFIG + "training:\n  learning_rate_unet: 1e-4\n")
    (repo / "pyproject.toml").write_text(f'[tool.trainlint]\nplugins = ["sample", "{name}"]\n')
    run = cli(repo, "check", "c.yaml", PYTHONPATH=str(repo / "site"))
    assert run.returncode == 2, "a broken plugin fails the run, after the report"
    assert f"plugin {name!r}: " in run.stderr and message in run.stderr and "its rules did not run" in run.stderr
    codes = [line.split()[1] for line in run.stdout.splitlines()[:-1] if not line.startswith("  ")]
    assert codes == ["TL901", "TL010"]  # built-in rules and the healthy plugin still ran


def test_a_plugin_that_is_not_installed(repo):
    (repo / "trainlint.toml").write_text('plugins = ["nope"]\n')
    run = cli(repo, "check", "c.yaml")
    assert run.returncode == 2
    assert "plugin 'nope': not installed (no entry point 'nope' in group 'trainlint.rules'" in run.stderr
    assert run.stdout == "no problems in 1 file checked\n"


@pytest.mark.parametrize(
    "body, message",
    [
        ("return 1 / 0", "rule TL950 of plugin 'probe' raised ZeroDivisionError: division by zero"),
        ("return ['not a finding']", "rule TL950 of plugin 'probe' returned 'not a finding' instead of a Finding"),
        ("return [Finding('TL010', 'not mine')]", "returned Finding(code='TL010'"),
        ("import sys; sys.exit(0)", "rule TL950 of plugin 'probe' raised SystemExit: 0"),
        ("raise KeyboardInterrupt", "rule TL950 of plugin 'probe' raised KeyboardInterrupt"),
    ],
)
def test_a_plugin_rule_that_fails_becomes_an_error_finding(repo, body, message):
    fake_plugin(repo / "site", "probe", RULE.format(code="TL950", body=body))
    (repo / "trainlint.toml").write_text('plugins = ["probe"]\n')
    (repo / "d.yaml").write_text(CONFIG)
    run = cli(repo, "check", "--format", "json", ".", PYTHONPATH=str(repo / "site"))
    assert run.returncode == 1, run.stderr
    found = json.loads(run.stdout)["diagnostics"]
    assert [(d["file"], d["code"], d["severity"]) for d in found] == [
        ("c.yaml", "TL950", "error"),
        ("d.yaml", "TL950", "error"),
    ]
    assert message in found[0]["message"]


def test_a_failed_plugin_is_reported_to_every_caller_but_tried_once():
    first, again = plugins.load(["not-installed-here"]), plugins.load(["not-installed-here"])
    assert first == again and len(first) == 1 and "not installed" in str(first[0])
    assert plugins._TRIED["not-installed-here"] is first[0]
