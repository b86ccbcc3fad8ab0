"""`fix` on trainers' configs: only byte-exact fixes in formats whose fixes are safe (ai-toolkit's YAML)."""

from __future__ import annotations

from pathlib import Path

from helpers import REPO, run_cli, write_tree

JOB = """# an ai-toolkit job
job: extension
config:
  name: 0755   # YAML 1.1 reads an octal number here
  process:
    - type: sd_trainer
      trigger_word: no
      network: {type: lora}
      model:
        name_or_path: black-forest-labs/FLUX.1-dev
        is_flux: true
      train:
        steps: 1000
        lr: 1e-4
      sample:
        prompts:
          - 2024-05-01
"""


def repo(tmp_path: Path, text: str = JOB) -> Path:
    write_tree(tmp_path, {".git/HEAD": "", "job.yaml": text})
    return tmp_path / "job.yaml"


def test_fix_respells_what_ai_toolkit_reads_otherwise_and_nothing_else(tmp_path):
    path = repo(tmp_path)
    before = run_cli("check", "job.yaml", "--select", "TL508", cwd=tmp_path).stdout
    assert before.count("TL508") == 3
    run = run_cli("fix", "job.yaml", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert path.read_text() == (
        JOB.replace("name: 0755 ", "name: 755 ").replace("trigger_word: no", 'trigger_word: "no"')
    )
    after = run_cli("check", "job.yaml", "--select", "TL508", cwd=tmp_path).stdout
    assert after.count("TL508") == 1 and "2024-05-01" in after  # a date is the author's to spell: no fix offered


def test_fix_leaves_json_trainer_configs_alone(tmp_path):
    source = REPO / "tests/fixtures/kohya_ss/traps/number-as-string-fail.json"
    write_tree(tmp_path, {".git/HEAD": "", "preset.json": source.read_text()})
    run = run_cli("fix", "preset.json", cwd=tmp_path)
    assert run.returncode == 0 and (tmp_path / "preset.json").read_text() == source.read_text()


def test_check_counts_as_fixable_what_fix_changes(tmp_path):
    repo(tmp_path)
    check = run_cli("check", "job.yaml", cwd=tmp_path).stdout
    assert "2 fixable with `trainlint fix`" in check.splitlines()[-1]
    diff = run_cli("fix", "--diff", "job.yaml", cwd=tmp_path)
    assert diff.returncode == 1
    assert "+  name: 755   # YAML 1.1" in diff.stdout and '+      trigger_word: "no"' in diff.stdout
