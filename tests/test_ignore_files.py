"""Folder searches leave out what git ignores (`.gitignore` at every level, negations,
`.git/info/exclude`, git's global excludes) and what `.ignore` files ignore, as ruff does; files
named on the command line are checked all the same; `respect-gitignore = false` and
`--no-respect-gitignore` turn it off. Through the real CLI on real folders."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import CLI_ENV, GOOD_CONFIG, run_cli, write_tree


def checked(repo: Path, *args: str, env: dict[str, str] | None = None) -> list[str]:
    """The files a `check` of the repository reports on, each with a finding so it shows."""
    run = run_cli("check", "--format", "json", *args, cwd=repo, env=env or CLI_ENV)
    assert run.returncode in (0, 1, 2) and "Traceback" not in run.stderr, run.stderr
    return sorted({d["file"] for d in json.loads(run.stdout)["diagnostics"]})


CUSTOM = GOOD_CONFIG.replace("classification: sdxl/style", "classification: Custom")  # TL205: every file shows


def tree(root: Path, files: dict[str, str]) -> None:
    write_tree(root, {name: (CUSTOM if name.endswith(".yaml") else text) for name, text in files.items()})


def test_gitignore_files_at_every_level_with_negations(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {
            ".git/HEAD": "",
            ".gitignore": "outputs/\n*.bak.yaml\n/root-only.yaml\n",
            "configs/.gitignore": "generated-*.yaml\n!generated-keep.yaml\n",
            "configs/a.yaml": "",
            "configs/a.bak.yaml": "",
            "configs/generated-1.yaml": "",
            "configs/generated-keep.yaml": "",
            "configs/root-only.yaml": "",  # anchored at the root's folder: this one is not it
            "root-only.yaml": "",
            "outputs/run-1/config.yaml": "",
            "outputs/.gitignore": "!config.yaml\n",  # inside an ignored folder: nothing comes back
        },
    )
    assert checked(tmp_path, ".") == ["configs/a.yaml", "configs/generated-keep.yaml", "configs/root-only.yaml"]
    assert checked(tmp_path, "configs") == ["configs/a.yaml", "configs/generated-keep.yaml", "configs/root-only.yaml"]


def test_named_files_and_an_ignored_folder_named_are_checked(tmp_path: Path) -> None:
    tree(
        tmp_path,
        {".git/HEAD": "", ".gitignore": "outputs/\n*.bak.yaml\n", "a.bak.yaml": "", "outputs/run/config.yaml": ""},
    )
    assert checked(tmp_path, "a.bak.yaml") == ["a.bak.yaml"]  # named: checked, as ruff does
    assert checked(tmp_path, "outputs") == ["outputs/run/config.yaml"]  # named on purpose
    assert checked(tmp_path, ".") == []


def test_info_exclude_and_the_global_excludes_file(tmp_path: Path) -> None:
    repo, home = tmp_path / "repo", tmp_path / "home"
    tree(repo, {".git/info/exclude": "local.yaml\n", "local.yaml": "", "mine.yaml": "", "kept.yaml": ""})
    write_tree(home, {".gitconfig": '[user]\n\tname = x\n[core]\n\texcludesFile = "~/global-ignore"\n'})
    write_tree(home, {"global-ignore": "mine.yaml\n"})
    env = {**CLI_ENV, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    assert checked(repo, ".", env=env) == ["kept.yaml"]
    (home / ".gitconfig").unlink()
    write_tree(home, {".config/git/ignore": "kept.yaml\n"})  # git's default global excludes file
    assert checked(repo, ".", env=env) == ["mine.yaml"]


def test_gitignore_counts_inside_a_git_work_tree_and_ignore_files_anywhere(tmp_path: Path) -> None:
    tree(tmp_path, {".gitignore": "a.yaml\n", ".ignore": "b.yaml\n", "a.yaml": "", "b.yaml": "", "c.yaml": ""})
    assert checked(tmp_path, ".") == ["a.yaml", "c.yaml"]  # not a repository: .gitignore means nothing to git
    (tmp_path / ".git").mkdir()
    assert checked(tmp_path, ".") == ["c.yaml"]


def test_it_can_be_turned_off_in_the_configuration_and_on_the_command_line(tmp_path: Path) -> None:
    tree(tmp_path, {".git/HEAD": "", ".gitignore": "outputs/\n", "a.yaml": "", "outputs/b.yaml": ""})
    assert checked(tmp_path, ".") == ["a.yaml"]
    assert checked(tmp_path, "--no-respect-gitignore", ".") == ["a.yaml", "outputs/b.yaml"]
    (tmp_path / "trainlint.toml").write_text("respect-gitignore = false\n")
    assert checked(tmp_path, ".") == ["a.yaml", "outputs/b.yaml"]
    assert checked(tmp_path, "--respect-gitignore", ".") == ["a.yaml"]
    (tmp_path / "trainlint.toml").write_text('respect-gitignore = "yes"\n')
    run = run_cli("check", ".", cwd=tmp_path, env=CLI_ENV)
    assert run.returncode == 2 and "`respect-gitignore` must be true or false" in run.stderr


def test_a_hostile_pattern_costs_linear_time(tmp_path: Path) -> None:
    """A pull request may add a .gitignore: stars that make a backtracking regex take hours must not."""
    name = "a" * 200 + ".yaml"
    tree(
        tmp_path,
        {".git/HEAD": "", ".gitignore": "a*a*a*a*a*a*a*a*a*a*a*b\n" * 50 + "**/a*a*a*/**/a*a*b/**\n", name: ""},
    )
    run = run_cli("check", "--format", "json", ".", cwd=tmp_path, env=CLI_ENV, timeout=20)
    assert [d["file"] for d in json.loads(run.stdout)["diagnostics"]] == [name]


GIT_PATTERNS = {
    ".gitignore": "\n".join(
        [
            "# a comment",
            "*.bak.yaml",
            "!keep.bak.yaml",
            "outputs/",
            "/anchored.yaml",
            "runs/*/config.yaml",
            "deep/**/gen-*.yaml",
            "**/cache/",
            "logs/**",
            "\\#hash.yaml",
            "\\!bang.yaml",
            "trailing.yaml   ",
            "a?c.yaml",
            "[xy]z.yaml",
            "dir-only/",
            "",
        ]
    ),
    "sub/.gitignore": "!*.bak.yaml\nlocal.yaml\n/only-here.yaml\n",
    "sub/inner/.gitignore": "!local.yaml\n",
}
GIT_FILES = [
    "a.yaml", "x.bak.yaml", "keep.bak.yaml", "outputs/o.yaml", "anchored.yaml", "nested/anchored.yaml",
    "runs/r1/config.yaml", "runs/r1/other.yaml", "runs/r1/deeper/config.yaml", "deep/gen-1.yaml",
    "deep/a/b/gen-2.yaml", "deep/a/b/keep.yaml", "x/cache/c.yaml", "cache/d.yaml", "logs/l.yaml",
    "logs/x/l.yaml", "#hash.yaml", "!bang.yaml", "trailing.yaml", "abc.yaml", "abbc.yaml", "xz.yaml",
    "zz.yaml", "dir-only", "d/dir-only/f.yaml", "sub/s.bak.yaml", "sub/local.yaml", "sub/only-here.yaml",
    "sub/x/only-here.yaml", "sub/inner/local.yaml", "sub/inner/x.bak.yaml", "only-here.yaml",
]  # fmt: skip


def test_folder_searches_leave_out_exactly_what_git_leaves_out(tmp_path: Path) -> None:
    """The real git is the oracle: `git ls-files --others --exclude-standard` lists what it would offer."""
    import shutil
    import subprocess

    git = shutil.which("git")
    if git is None:
        import pytest

        pytest.skip("git is not installed")
    env = {**CLI_ENV, "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config")}
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run([git, "init", "-q"], cwd=repo, env=env, check=True)
    write_tree(repo, {**GIT_PATTERNS, **{name: CUSTOM for name in GIT_FILES}})
    offered = subprocess.run(
        [git, "ls-files", "--others", "--exclude-standard"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    expected = sorted(name for name in offered if name.endswith(".yaml"))
    assert "outputs/o.yaml" not in expected and "sub/s.bak.yaml" in expected  # the oracle says something
    found = checked(repo, ".", env=env)
    assert (sorted(set(found) - set(expected)), sorted(set(expected) - set(found))) == ([], [])
