"""Rules about the run's own machinery rather than the training config: suppression comments."""

from __future__ import annotations

from ..diagnostics import Severity
from .base import Rule
from .reading import _VALID

_HEAD = _VALID + "training:\n"


class UnusedSuppression(Rule):
    """A `# trainlint: disable=...` comment that suppresses nothing.

    The finding it was written for is gone (the value was fixed, the rule changed) or the
    code is mistyped. A stale suppression is worse than none: it silently hides the next
    real problem on that line. `trainlint fix` deletes the unused code, or the whole comment
    when none of its codes is used. Suppressions of rules that are not enabled for the file
    are left alone, since nobody can tell whether they would be used. Like ruff's RUF100.
    """

    code = "TL020"
    name = "unused-suppression"
    severity = Severity.WARNING
    stage = "loader"
    fixable = True
    fails = _HEAD + "  steps: 8400  # trainlint: disable=TL401\n"
    passes = _HEAD + "  learning_rate_unet: 1e-4  # trainlint: disable=TL010 kept as the trainer's docs write it\n"
