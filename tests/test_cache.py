"""The results cache, through the real command: what it keeps, and everything that makes it check again.

Whether a file was checked or served from the cache is seen from the outside: a plugin rule (a
real distribution on PYTHONPATH, as importlib.metadata finds installed ones) appends the name of
every file it checks to a log. A warm run must add nothing to the log and print exactly what the
cold run printed; each change a result depends on must put the file back in the log and show in
the report.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from trainlint import cache, editor_schema
from trainlint.api import check_file, keep_sources
from trainlint.reporters import text as text_report
from trainlint.results import FileResult
from trainlint.rules import iter_rules
from trainlint.settings import Settings

PROBE = """
import os
from trainlint.diagnostics import Severity
from trainlint.rules import Rule

class Counted(Rule):
    '''Notes every file it checks (the cache tests read the log); reports nothing.'''
    code = "TL977"
    name = "counted"
    severity = Severity.INFO
    fails = passes = ""

    def check(self, ctx):
        with open(os.environ["PROBE_LOG"], "a") as log:
            log.write(os.path.basename(ctx.doc.file) + "\\n")
        return []
"""

CONFIG = """\
schema_version: 1
name: {name}
base_model: sdxl
training_type: style
preset: {preset}
classification: {preset}
dataset:
  path: data/{name}
training:
  learning_rate_unet: "1e-4"
"""

HOUSE = "extends: sdxl/style@1\ntraining:\n  learning_rate_unet: 8.0e-5\n"
OLD = time.time() - 3600  # an hour ago: older than the cache's doubt window


def backdate(root: Path, when: float = OLD) -> None:
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != cache.DEFAULT_DIR]
        for name in [*dirs, *files]:
            os.utime(os.path.join(folder, name), (when, when), follow_symlinks=False)


def write(path: Path, text: str, when: float = OLD) -> None:
    """Write a file and give it an old time (so that dependencies are trusted at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (when, when))
    os.utime(path.parent, (when, when))


def plugin(site: Path, version: str = "1.0") -> None:
    info = site / "probe_plugin-0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: probe-plugin\nVersion: {version}\n")
    (info / "entry_points.txt").write_text("[trainlint.rules]\nprobe = probe_rules\n")
    (site / "probe_rules.py").write_text(textwrap.dedent(PROBE))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root / "trainlint.toml", 'plugins = ["probe"]\n')
    for name, preset in (("ink", "sdxl/style"), ("house", "presets/house.yaml")):
        write(root / f"{name}.yaml", CONFIG.format(name=name, preset=preset))
        for stem in ("01", "02", "03"):
            write(root / "data" / name / f"{stem}.png", "png")
            write(root / "data" / name / f"{stem}.txt", f"a {name} picture")
    write(root / "presets" / "house.yaml", HOUSE)
    plugin(tmp_path / "site")
    backdate(root)
    return root


# the key the test runs seal their cache files with (TRAINLINT_CACHE_KEY), so a test can read and forge them
TEST_KEY = "a key for the tests"


def run(repo: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRAINLINT_")}
    environment.update(PYTHONPATH=str(repo.parent / "site"), PROBE_LOG=str(repo.parent / "probe.log"))
    environment.update({cache.KEY_ENV: TEST_KEY, **env})
    return subprocess.run(
        [sys.executable, "-m", "trainlint", "check", *args],
        cwd=repo,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _test_key() -> bytes:
    import hashlib

    return hashlib.blake2b(TEST_KEY.encode(), digest_size=32).digest()


def kept(repo: Path, name: str = cache.RESULTS) -> dict:
    """A cache file's data (the results file, or `cache.TEXTS`), unsealed with the tests' key."""
    payload = cache._unsealed((repo / ".trainlint_cache" / "v1" / name).read_bytes(), _test_key())
    assert payload is not None, "the cache file is not sealed with the tests' key"
    return json.loads(payload)


def kept_texts(repo: Path) -> dict:
    return kept(repo, cache.TEXTS)


def keep(repo: Path, data: dict, name: str = cache.RESULTS) -> None:
    """Write a cache file sealed with the tests' key: a forgery that passes the seal, to try what lies behind it."""
    payload = json.dumps(data).encode()
    (repo / ".trainlint_cache" / "v1" / name).write_bytes(cache._sealed(payload, _test_key()))


def checked(repo: Path) -> list[str]:
    """The files the probe saw since the last call."""
    log = repo.parent / "probe.log"
    seen = sorted(log.read_text().split()) if log.exists() else []
    log.unlink(missing_ok=True)
    return seen


def warm(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A cold run then a warm one: the warm one checked nothing and printed the same."""
    first = run(repo, *args)
    assert checked(repo) == ["house.yaml", "ink.yaml"], first.stderr
    second = run(repo, *args)
    assert checked(repo) == [], "an unchanged repository is checked again"
    assert (second.returncode, second.stdout, second.stderr) == (first.returncode, first.stdout, first.stderr)
    return second


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "concise"])
def test_a_warm_run_checks_nothing_and_reports_the_same(repo, fmt):
    shown = warm(repo, "--format", fmt)
    assert "TL" in shown.stdout  # the quoted learning rate: there are findings to keep, with their fixes
    assert (repo / ".trainlint_cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (
        (repo / ".trainlint_cache" / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_the_run_that_fills_the_cache_reports_what_a_run_without_it_does(repo, fmt):
    """The run that fills the cache makes each result from the entry it keeps (the findings travel once),
    so what it reports is what the entry gives back: it must be what checking without the cache says."""
    without = run(repo, "--no-cache", "--format", fmt)
    assert not (repo / ".trainlint_cache").exists() and checked(repo) == ["house.yaml", "ink.yaml"]
    filling = run(repo, "--format", fmt)
    assert checked(repo) == ["house.yaml", "ink.yaml"]
    assert (filling.returncode, filling.stdout, filling.stderr) == (without.returncode, without.stdout, without.stderr)
    assert "TL" in filling.stdout


def test_the_name_a_file_is_shown_under_is_part_of_its_key(repo):
    warm(repo, ".")
    named = run(repo, "ink.yaml")
    assert checked(repo) == ["ink.yaml"] and "ink.yaml:" in named.stdout


def test_changed_bytes_are_checked_again_even_with_the_old_size_and_time(repo):
    warm(repo)
    config = repo / "ink.yaml"
    info = config.stat()
    config.write_text(config.read_text().replace('"1e-4"', '"2e-4"'))  # same size
    os.utime(config, ns=(info.st_atime_ns, info.st_mtime_ns))  # and the old time
    again = run(repo)
    assert checked(repo) == ["ink.yaml"]
    assert '"2e-4"' in again.stdout or "2e-4" in again.stdout


def test_a_touched_but_unchanged_file_is_not_checked_again(repo):
    """A fresh checkout gives every file new times: the content of configs and preset files decides
    (dataset folders are compared by their entries' sizes and times: their configs are checked again)."""
    warm(repo)
    for path in (repo / "ink.yaml", repo / "house.yaml", repo / "presets" / "house.yaml", repo / "trainlint.toml"):
        os.utime(path, (OLD + 60, OLD + 60))
    run(repo)
    assert checked(repo) == []
    backdate(repo / "data" / "ink", OLD + 60)
    run(repo)
    assert checked(repo) == ["ink.yaml"]


def test_changed_settings_check_again(repo):
    first = warm(repo)
    write(repo / "trainlint.toml", 'plugins = ["probe"]\nignore = ["TL304"]\n')
    second = run(repo)
    assert checked(repo) == ["house.yaml", "ink.yaml"]
    assert second.stdout != first.stdout
    ignored = run(repo, "--ignore", "TL2")  # the command line is part of the settings too
    assert checked(repo) == ["house.yaml", "ink.yaml"] and ignored.returncode in (0, 1)


def test_another_trainlint_version_checks_again(repo):
    warm(repo)
    code = "import sys, trainlint; trainlint.__version__ = '99.0'; from trainlint.cli import entry; sys.argv[0] = 'trainlint'; entry()"
    env = {**os.environ, "PYTHONPATH": str(repo.parent / "site"), "PROBE_LOG": str(repo.parent / "probe.log")}
    subprocess.run([sys.executable, "-c", code, "check"], cwd=repo, env=env, capture_output=True, timeout=120)
    assert checked(repo) == ["house.yaml", "ink.yaml"]


def test_another_plugin_version_checks_again(repo):
    warm(repo)
    plugin(repo.parent / "site", version="2.0")
    run(repo)
    assert checked(repo) == ["house.yaml", "ink.yaml"]


def test_a_changed_preset_file_checks_the_configs_that_extend_it(repo):
    warm(repo)
    write(repo / "presets" / "house.yaml", HOUSE.replace("8.0e-5", "1.0e-4"))
    run(repo)
    assert checked(repo) == ["house.yaml"]


def test_a_preset_file_that_appears_checks_again(repo):
    write(repo / "ink.yaml", CONFIG.format(name="ink", preset="presets/late.yaml"))
    first = run(repo)
    assert "not found" in first.stdout
    checked(repo)
    run(repo)
    assert checked(repo) == []
    write(repo / "presets" / "late.yaml", HOUSE)
    second = run(repo)
    assert checked(repo) == ["ink.yaml"] and second.stdout != first.stdout


@pytest.mark.parametrize(
    "change",
    [
        lambda data: (data / "02.txt").unlink(),  # a caption removed: an image without one
        lambda data: write(data / "04.png", "png"),  # an image added
        lambda data: write(data / "01.txt", "another caption"),  # a caption edited
        lambda data: write(data / "sub" / "05.png", "png"),  # in a sub-folder
    ],
    ids=["caption-removed", "image-added", "caption-edited", "sub-folder"],
)
def test_a_changed_dataset_folder_checks_its_configs_again(repo, change):
    first = warm(repo)
    change(repo / "data" / "ink")
    os.utime(repo / "data" / "ink", (OLD, OLD))  # the folder's own time says nothing
    second = run(repo)
    assert checked(repo) == ["ink.yaml"]
    if "caption-removed" in repr(change) or (repo / "data" / "ink" / "02.txt").exists() is False:
        assert "02.png" in second.stdout and "02.png" not in first.stdout


def test_a_dataset_folder_changed_moments_ago_is_not_trusted(repo):
    write(repo / "data" / "ink" / "09.png", "png", when=time.time() + 60)  # "now", however slow this machine is
    run(repo)
    assert checked(repo) == ["house.yaml", "ink.yaml"]
    run(repo)
    assert checked(repo) == ["ink.yaml"], "a result that depends on a folder changed just now is not kept"


def test_no_cache(repo):
    for args, env in ((("--no-cache",), {}), ((), {"TRAINLINT_NO_CACHE": "1"})):
        run(repo, *args, **env)
        run(repo, *args, **env)
        assert checked(repo) == ["house.yaml", "house.yaml", "ink.yaml", "ink.yaml"]
        assert not (repo / ".trainlint_cache").exists()


def test_the_cache_dir_setting_and_flag(repo, tmp_path):
    write(repo / "trainlint.toml", 'plugins = ["probe"]\ncache-dir = "build/lint-cache"\n')
    warm(repo)
    assert (repo / "build" / "lint-cache" / "v1" / cache.RESULTS).is_file()
    assert not (repo / ".trainlint_cache").exists()
    elsewhere = tmp_path / "ci-cache"
    run(repo, "--cache-dir", str(elsewhere))
    assert checked(repo) == ["house.yaml", "ink.yaml"]
    run(repo, TRAINLINT_CACHE_DIR=str(elsewhere))
    assert checked(repo) == [] and (elsewhere / "v1" / cache.RESULTS).is_file()


def test_a_cache_dir_setting_out_of_the_repository_is_refused(repo, tmp_path):
    write(repo / "trainlint.toml", f'plugins = ["probe"]\ncache-dir = "{tmp_path / "out"}"\n')
    refused = run(repo)
    assert refused.returncode == 2 and "cache-dir" in refused.stderr and "outside the repository" in refused.stderr
    assert not (tmp_path / "out").exists()


def test_a_cache_folder_that_leads_out_of_the_repository_is_not_written(repo, tmp_path):
    """A pull request can add `.trainlint_cache` as a symlink: the run must not write where it points."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / ".trainlint_cache").symlink_to(outside)
    shown = run(repo)
    assert shown.returncode in (0, 1) and "Traceback" not in shown.stderr
    assert list(outside.iterdir()) == []
    run(repo)
    assert checked(repo) == ["house.yaml", "house.yaml", "ink.yaml", "ink.yaml"]


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{",
        b'{"format": 1, "entries": {"ink.yaml": ["x", 1, 2, 3, 4, 5, "d", [], {}]}}',
        b'{"format": 1, "entries": []}',
        b'{"format": 0, "entries": {}}',
        b"[" * 20_000,  # deeper than any JSON reader goes, and smaller than two files' worth of cache (BYTES_PER_CHECK)
        b"\xff\xfe garbage",
    ],
    ids=["empty", "truncated", "wrong-types", "entries-not-a-map", "other-format", "deep", "binary"],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(repo, damage):
    first = run(repo)
    checked(repo)
    results = repo / ".trainlint_cache" / "v1" / cache.RESULTS
    results.write_bytes(damage)
    second = run(repo)
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout) and "Traceback" not in second.stderr
    assert checked(repo) == ["house.yaml", "ink.yaml"]
    assert kept(repo)["format"] == cache.FORMAT
    run(repo)
    assert checked(repo) == []


def test_forged_entries_do_not_change_a_verdict(repo):
    """An entry is trusted only for the bytes it was made from: rewriting a result for other
    content (or other settings) is never used."""
    first = warm(repo)
    data = kept(repo)
    data["entries"]["ink.yaml"][6] = "0" * 32  # another content digest
    data["entries"]["ink.yaml"][2] -= 1  # and another time, so that the digest is asked
    data["entries"]["house.yaml"][0] = "f" * 32  # another settings key
    keep(repo, data)
    second = run(repo)
    assert checked(repo) == ["house.yaml", "ink.yaml"] and second.stdout == first.stdout


def test_the_editor_schema_copy_a_config_names_is_looked_at_again(repo):
    """TL030's verdict depends on the repository's copy of the schema: changing it checks again."""
    assert run(repo, "--no-cache").returncode in (0, 1)
    subprocess.run([sys.executable, "-m", "trainlint", "schema", "--write"], cwd=repo, check=True, capture_output=True)
    backdate(repo)
    config = repo / "ink.yaml"
    write(config, "# yaml-language-server: $schema=.trainlint/v1/config.schema.json\n" + config.read_text())
    checked(repo)
    first = run(repo)
    assert "TL030" not in first.stdout
    checked(repo)
    (repo / ".trainlint" / "v1" / "config.schema.json").unlink()
    second = run(repo)
    assert checked(repo) == ["ink.yaml"] and "TL030" in second.stdout


def test_runs_at_once_share_the_cache_safely(repo):
    for index in range(20):
        write(repo / f"more-{index}.yaml", CONFIG.format(name="ink", preset="sdxl/style"))
    environment = {
        **os.environ,
        "PYTHONPATH": str(repo.parent / "site"),
        "PROBE_LOG": str(repo.parent / "probe.log"),
        cache.KEY_ENV: TEST_KEY,
    }
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "trainlint", "check", "--format", "json"],
            cwd=repo,
            env=environment,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = {process.communicate(timeout=120)[0] for process in runs}
    assert len(outputs) == 1
    data = kept(repo)
    assert {f"more-{index}.yaml" for index in range(20)} | {"ink.yaml", "house.yaml"} <= set(data["entries"])
    checked(repo)
    assert run(repo, "--format", "json").stdout in outputs
    assert checked(repo) == []


def test_every_rule_example_survives_the_round_trip(tmp_path):
    """Encoding a result and decoding it gives the same diagnostics, field for field, for every
    rule's failing example (fixes, hints and severities included), the same source lines, the same
    text report's lines, and a tally that counts what the decoded findings hold."""
    (tmp_path / ".git").mkdir()
    config = tmp_path / "example.yaml"
    seen = 0
    for rule in iter_rules():
        if not rule.fails or rule.example_file != "config.yaml":
            continue
        for name, text in (getattr(rule, "files", None) or {}).items():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(text)
        config.write_bytes(rule.fails.encode("utf-8", "surrogateescape"))
        result = check_file(config, "example.yaml", Settings())
        keep_sources(result)
        result.shown = text_report.lines(result)
        kept, texts = cache.encode(result)
        back = cache.kept_result(json.loads(json.dumps(kept)), "example.yaml", functools.partial(dict, texts))
        assert back.shown == result.shown and back.tally() == result.tally(), rule.code
        assert back.diagnostics == result.diagnostics and back.sources == result.sources, rule.code
        assert back.tally() == FileResult("example.yaml", back.diagnostics).tally()
        seen += len(result.diagnostics)
    assert seen > 30


@pytest.mark.parametrize(
    ("field", "forged"),
    [
        (0, True),  # a bool is no line number
        (1, "3"),
        (2, 1.5),
        (3, None),
        (4, 30),
        (5, ["name"]),
        (6, 7),  # no such severity
        (6, True),
        (7, None),
        (8, 3),  # a hint is a string or nothing
        (9, "fix"),
        (10, "advice"),
        (10, [[["training", "max_train_steps"]]]),
    ],
)
def test_a_forged_diagnostic_field_is_refused(field, forged):
    """Each field of a kept diagnostic is checked for its JSON type before it is believed."""
    row = [3, 5, 3, 9, "TL401", "steps-per-image", 2, "too many steps", "lower the steps", None, []]
    good = {"skipped": False, "fail_on": 2, "diagnostics": [row]}
    assert cache.decode(good, "a.yaml")[0][0].code == "TL401"
    row[field] = forged
    with pytest.raises((ValueError, TypeError)):
        cache.decode(good, "a.yaml")


@pytest.mark.parametrize(
    ("field", "forged"),
    [(0, "no"), (1, 9), (1, True), (2, [0, 0, 0]), (2, [0, 0, "1", 0]), (3, 5), (4, None), (4, ""), (5, "refs")],
)
def test_a_forged_result_outline_is_refused(field, forged):
    """What a warm run believes without reading the findings (skipped, failing severity, the tally, the
    text report's lines, where the findings are) is checked for its JSON type first; findings counted
    in the tally must be somewhere."""
    good = [False, 2, [0, 1, 0, 0], "a.yaml:3:5: TL401 ...\n", "0" * 32, []]
    assert cache.kept_result(list(good), "a.yaml", dict).tally() == (0, 1, 0, 0)
    forged_outline = list(good)
    forged_outline[field] = forged
    with pytest.raises(ValueError):
        cache.kept_result(forged_outline, "a.yaml", dict)


def test_a_warm_run_in_colour_reports_the_same(repo):
    """A terminal's report (colour) is made from the kept findings, not from the plain lines kept."""
    first = run(repo, FORCE_COLOR="1")
    assert checked(repo) == ["house.yaml", "ink.yaml"] and "\033[" in first.stdout
    second = run(repo, FORCE_COLOR="1")
    assert checked(repo) == [] and second.stdout == first.stdout
    plain = run(repo)
    assert checked(repo) == [] and plain.stdout == strip_colour(first.stdout)


def strip_colour(text: str) -> str:
    import re

    return re.sub("\033\\[[0-9;]*m", "", text)


@pytest.mark.parametrize("damage", ["missing", "forged", "malformed"])
def test_findings_that_do_not_decode_are_checked_again(repo, damage):
    """The findings of a kept result are read and decoded when first asked for (the JSON report asks, the
    text report does not): should they be missing from the texts file, not be the text kept under their
    digest, or not decode, the file is checked again rather than a wrong or no result given."""
    first = warm(repo, "--format", "json")
    data, texts = kept(repo), kept_texts(repo)
    ref = data["entries"]["ink.yaml"][8][4]
    if damage == "missing":
        del texts["texts"][ref]
    elif damage == "forged":
        texts["texts"][ref] = '{"diagnostics":[],"sources":[]}'
    else:
        bad = '{"diagnostics":[[1, "not a line"]]}'
        ref = data["entries"]["ink.yaml"][8][4] = cache._text_digest(bad)
        texts["texts"][ref] = bad
    keep(repo, data)
    keep(repo, texts, cache.TEXTS)
    naming = sorted(name for name, entry in data["entries"].items() if entry[8][4] == ref)  # findings alike: one text
    assert "ink.yaml" in naming
    second = run(repo, "--format", "json")
    assert checked(repo) == naming and second.stdout == first.stdout
    third = run(repo)  # the text report needs no finding: the kept lines serve
    assert checked(repo) == [] and "ink.yaml" in third.stdout


def test_a_stale_schema_copy_named_by_every_config_is_kept_once(repo):
    """TL030's fix carries the whole installed schema; the cache keeps that text once for every config
    that names the copy, and a warm run hands each config the same fix (in SARIF, which shows it)."""
    stale = '{\n  "$id": "https://trainlint.dev/schema/v1/config.schema.json",\n  "type": "object"\n}\n'
    write(repo / ".trainlint" / "v1" / "config.schema.json", stale)
    modeline = "# yaml-language-server: $schema=.trainlint/v1/config.schema.json\n"
    for index in range(30):
        write(repo / f"more-{index}.yaml", modeline + CONFIG.format(name="ink", preset="sdxl/style"))
    first = run(repo, "--format", "sarif")
    assert first.stdout.count("TL030") >= 30 and len(checked(repo)) == 32
    texts = kept_texts(repo)["texts"]
    schema_size = len(editor_schema.shipped_text())
    assert [text for text in texts.values() if len(text) > cache.LONG_TEXT] == [editor_schema.shipped_text()]
    folder = repo / ".trainlint_cache" / "v1"
    size = (folder / cache.RESULTS).stat().st_size + (folder / cache.TEXTS).stat().st_size
    assert size < 4 * schema_size  # once (escaped as JSON) and 32 small entries; not 30 copies
    second = run(repo, "--format", "sarif")
    assert checked(repo) == [] and second.stdout == first.stdout


def test_a_forged_shared_text_is_not_used(repo):
    """A shared text is believed only under its own digest: one rewritten in the cache file is dropped,
    and the configs whose fixes named it are checked again."""
    stale = '{\n  "$id": "https://trainlint.dev/schema/v1/config.schema.json",\n  "type": "object"\n}\n'
    write(repo / ".trainlint" / "v1" / "config.schema.json", stale)
    write(
        repo / "ink.yaml",
        "# yaml-language-server: $schema=.trainlint/v1/config.schema.json\n" + (repo / "ink.yaml").read_text(),
    )
    first = run(repo, "--format", "sarif")
    checked(repo)
    data = kept_texts(repo)
    (ref,) = [ref for ref, text in data["texts"].items() if text == editor_schema.shipped_text()]
    data["texts"][ref] = '{"$id": "https://trainlint.dev/schema/v1/config.schema.json", "forged": true}'
    keep(repo, data, cache.TEXTS)
    second = run(repo, "--format", "sarif")
    assert checked(repo) == ["ink.yaml"] and second.stdout == first.stdout


def _plant_clean_result(repo: Path, key: bytes | None) -> None:
    """What a pull request could commit: a cache file that says ink.yaml, made broken, has no findings,
    with a key its author chose (None: unsealed, as trainlint wrote cache files before they were sealed)."""
    data = kept(repo)
    entry = data["entries"]["ink.yaml"]
    config = repo / "ink.yaml"
    write(config, config.read_text().replace("base_model: sdxl", "base_model: sdxxl"))
    raw = config.read_bytes()
    entry[1], entry[6] = len(raw), cache._digest(raw)  # the committed bytes' size and digest: all known to anyone
    entry[8][2:5] = [[0, 0, 0, 0], "", '{"diagnostics":[],"sources":[]}']
    payload = json.dumps(data).encode()
    results = repo / ".trainlint_cache" / "v1" / cache.RESULTS
    results.write_bytes(payload if key is None else cache._sealed(payload, key))


@pytest.mark.parametrize("key", [None, b"k" * 32], ids=["unsealed", "sealed-with-another-key"])
def test_a_cache_file_committed_with_the_configs_is_not_believed(repo, key):
    """A forged result for the exact committed bytes (size and digest are public) is still not used:
    the cache file is sealed with a key that lives outside the repository, which its author lacks."""
    warm(repo)
    _plant_clean_result(repo, key)
    second = run(repo)
    assert "ink.yaml" in checked(repo) and "sdxxl" in second.stdout and second.returncode == 1
    assert kept(repo)["entries"]["ink.yaml"][8][2] != [0, 0, 0, 0]  # rewritten with the real result


def test_the_same_forgery_sealed_with_the_key_would_be_believed(repo):
    """The converse of the test above, so that it cannot pass for another reason: sealed with the
    right key, the planted result is used (which is why the key never lives in the repository)."""
    warm(repo)
    _plant_clean_result(repo, _test_key())
    second = run(repo)
    assert checked(repo) == [] and "sdxxl" not in second.stdout


def test_the_default_key_is_made_once_per_user_outside_the_repository(repo, tmp_path):
    """Without TRAINLINT_CACHE_KEY, a random key is made in the user's cache folder, readable by the
    user alone, and used again by the next run; without a usable home the run goes uncached."""
    home = tmp_path / "home-cache"
    first = run(repo, **{cache.KEY_ENV: "", "XDG_CACHE_HOME": str(home)})
    key = home / "trainlint" / cache.KEY_FILE
    assert key.stat().st_size == 32 and key.stat().st_mode & 0o077 == 0
    made = key.read_bytes()
    checked(repo)
    second = run(repo, **{cache.KEY_ENV: "", "XDG_CACHE_HOME": str(home)})
    assert checked(repo) == [] and second.stdout == first.stdout and key.read_bytes() == made
    no_home = tmp_path / "a-file"
    no_home.write_text("")
    third = run(repo, **{cache.KEY_ENV: "", "XDG_CACHE_HOME": "", "HOME": str(no_home / "home")})
    assert third.stdout == first.stdout and checked(repo) == ["house.yaml", "ink.yaml"]
    assert not (repo / ".trainlint_cache" / "v1" / cache.KEY_FILE).exists()  # never beside the configs


def test_runs_that_start_at_once_agree_on_one_new_key(repo, tmp_path):
    """The first runs of a user, at once: one key is made whole, and every run's results are sealed
    with it (the next run is served from the cache)."""
    home = tmp_path / "fresh-cache-home"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRAINLINT_")}
    environment.update(
        PYTHONPATH=str(repo.parent / "site"), PROBE_LOG=str(repo.parent / "probe.log"), XDG_CACHE_HOME=str(home)
    )
    command = [sys.executable, "-m", "trainlint", "check", "--format", "json"]
    runs = [subprocess.Popen(command, cwd=repo, env=environment, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = {process.communicate(timeout=120)[0] for process in runs}
    assert len(outputs) == 1
    assert (home / "trainlint" / cache.KEY_FILE).stat().st_size == 32
    assert sorted(os.listdir(home / "trainlint")) == [cache.KEY_FILE]  # no half-made key left behind
    checked(repo)
    again = subprocess.run(command, cwd=repo, env=environment, capture_output=True, text=True, timeout=120)
    assert again.stdout in outputs and checked(repo) == []


def test_the_configs_a_changed_image_concerns_are_found_from_the_cache(repo):
    """`check IMAGE` (and the hook's `--staged`) looks for the configs that use the image: with a warm
    cache, what each unchanged config looked at is read from its entry instead of checking it again,
    and the answer is the one a search without the cache gives."""
    warm(repo)
    image = repo / "data" / "ink" / "04.png"
    write(image, "png")
    found = run(repo, "data/ink/04.png")
    assert checked(repo) == ["ink.yaml"]  # house.yaml was not checked to learn that it does not use the image
    assert "checked the 1 config that uses it: ink.yaml" in found.stderr
    plain = run(repo, "data/ink/04.png", "--no-cache")
    assert (plain.returncode, plain.stdout, plain.stderr) == (found.returncode, found.stdout, found.stderr)
    assert checked(repo) == ["house.yaml", "ink.yaml", "ink.yaml"]  # without it: each config checked to search


def test_a_few_files_of_a_large_repository_are_checked_without_reading_the_cache(repo):
    """Reading and unsealing a cache file costs about as much per BYTES_PER_CHECK as checking a config:
    a run on fewer files than that leaves the cache alone (a pre-commit run on one file of 20,000
    configs once read 14 MB of results for it); a run on enough files uses it."""
    names = [f"more-{index}.yaml" for index in range(60)]
    for name in names:
        write(repo / name, CONFIG.format(name="ink", preset="sdxl/style"))
    run(repo)
    checked(repo)
    results = repo / ".trainlint_cache" / "v1" / cache.RESULTS
    size, before = results.stat().st_size, results.read_bytes()
    assert size > 2 * cache.BYTES_PER_CHECK  # the precondition of this test
    one = run(repo, "--only-configs", "more-7.yaml")  # as the pre-commit hook names the staged configs
    assert checked(repo) == ["more-7.yaml"] and results.read_bytes() == before
    many = [f"more-{index}.yaml" for index in range(-(-size // cache.BYTES_PER_CHECK))]
    assert run(repo, "--only-configs", *many).returncode == one.returncode
    assert sorted(checked(repo)) == sorted(many) and results.read_bytes() != before  # kept for the next run
    assert run(repo, "--only-configs", *many).returncode == one.returncode
    assert checked(repo) == []  # served from the cache


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_dependency_is_looked_at_once_per_run(tmp_path, kind):
    """Every config naming the same preset file or the same folder of images depends on it: a run looks at
    it once, and a change during the run leaves the print it was first seen with (the configs checked after
    the change are checked again next time); the next run (a new cache object) looks anew and sees the
    change: a preset rewritten at the same size with its old times put back, a caption added."""
    old = time.time() - 3600
    dependency = tmp_path / ("preset.yaml" if kind == "file" else "data")
    if kind == "file":
        dependency.write_text("training:\n  steps: 1000\n")
    else:
        dependency.mkdir()
        (dependency / "01.png").write_bytes(b"png")
        os.utime(dependency / "01.png", (old, old))
    os.utime(dependency, (old, old))
    cache.Cache(tmp_path / "c", tmp_path)
    first = cache.fingerprint(kind, str(dependency), time.time_ns())
    assert first is not None
    time.sleep(0.01)
    if kind == "file":
        dependency.write_text("training:\n  steps: 2000\n")
    else:
        (dependency / "01.txt").write_text("a caption")
        os.utime(dependency / "01.txt", (old, old))
    os.utime(dependency, (old, old))
    assert cache.fingerprint(kind, str(dependency), time.time_ns()) == first  # the same run: as first seen
    cache.Cache(tmp_path / "c", tmp_path)
    assert cache.fingerprint(kind, str(dependency), time.time_ns()) not in (None, first)


def test_a_run_over_the_cache_leaves_its_objects_to_the_end_of_the_run(repo):
    """The decoded entries and the results made from them live as long as the run and hold no cycle:
    the collector is paused meanwhile (at 20,000 configs its walks over them took two fifths of a warm
    run), and once the last result is handed out they are in its oldest generation, unwalked, and it
    runs again (a program that checks through the API has its collector back as it was)."""
    run(repo)  # fills the cache
    assert checked(repo) == ["house.yaml", "ink.yaml"]
    script = textwrap.dedent(
        """
        import gc
        from pathlib import Path
        from trainlint.api import iter_check
        from trainlint.cache import Cache

        cache = Cache(Path(".trainlint_cache").resolve(), Path(".").resolve())
        results = iter_check(["."], cache=cache, jobs=1)
        next(results)
        during = gc.isenabled()
        entries = list(cache._entries.values())
        list(results)
        oldest = {id(o) for o in gc.get_objects(generation=2)}
        print(len(entries), during, gc.isenabled(), gc.get_freeze_count(), all(id(e) in oldest for e in entries))
        """
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRAINLINT_")}
    environment.update(PYTHONPATH=str(repo.parent / "site"), PROBE_LOG=str(repo.parent / "probe.log"))
    environment[cache.KEY_ENV] = TEST_KEY
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=repo, env=environment, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    read, during, after, frozen, oldest = out.stdout.split()
    assert int(read) >= 2 and checked(repo) == []  # the results came from the cache
    assert (during, after, frozen, oldest) == ("False", "True", "0", "True")
