"""Rules about the run's own machinery rather than the training config: suppression comments."""

from __future__ import annotations

from .. import codes
from ..diagnostics import Severity
from .base import Rule
from .reading import _VALID

_HEAD = _VALID + "training:\n"


class UnusedSuppression(Rule):
    """A `# trainlint: disable=...` comment that suppresses nothing.

    Why: The finding it was written for is gone (the value was fixed, the rule changed) or the
    code is mistyped. A stale suppression is worse than none: it silently hides the next
    real problem on that line. Suppressions of rules that are not enabled for the file
    are left alone, since nobody can tell whether they would be used. Like ruff's RUF100.

    A comment cannot hide what reading the file found: the reading findings (TL001-TL009)
    and the file's safety limits (TL090-TL093) always show, as ruff's `noqa` cannot hide a
    syntax error; a file from a pull request must not blind the check to its own `!!python`
    tag or alias bomb. A suppression naming one of these codes (or a prefix that would have
    matched one, such as `TL0` on a line with a TL003) is reported here as unable to
    suppress it. TL094, a dataset folder too big to count, may be suppressed.

    Fix safety: `trainlint fix` deletes the unused code, or the whole comment when none of its
    codes is used (with its line, when the comment stands on a line of its own). Only a comment
    changes, so the data stays as it was: before anything is written, ruamel.yaml reads the old
    and the new text, which must hold the same data.

    Source: ruff's RUF100 (unused `noqa`); docs/reference.md, "Suppressions".
    """

    code = codes.UNUSED_SUPPRESSION
    name = "unused-suppression"
    severity = Severity.WARNING
    stage = "loader"
    fixable = True
    fails = _HEAD + "  steps: 8400  # trainlint: disable=TL401\n"
    passes = _HEAD + "  learning_rate_unet: 1e-4  # trainlint: disable=TL010 kept as the trainer's docs write it\n"
