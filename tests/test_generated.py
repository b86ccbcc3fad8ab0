"""Generated artefacts (schema enums, docs/rules.md, the README's example output) match their sources."""

from __future__ import annotations

from trainlint.tools import generate


def test_generated_files_are_up_to_date(capsys):
    status = generate.main(["--check"])
    stale = capsys.readouterr().out
    assert status == 0, f"run `python -m trainlint.tools.generate`:\n{stale}"
