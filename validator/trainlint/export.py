"""`trainlint export`: a trainlint config as a trainer's config that trains the same values.

The config's effective values (effective.py: the preset overlaid by the config, steps worked out
from the image count) become a `Target`; the trainer's exporter (exporters/<trainer>.py) turns it
into key assignments, with a `Change` for each value the trainer cannot hold as asked; the
assignments become a fresh file (exporters/writing.py) or edit an existing one in place
(exporters/into.py). Before anything is written, the text is read back through the trainer's own
input format, and what the adapter says it trains must be what the plan promised: an exporter that
disagrees with the reader is a bug, reported rather than written.
"""

from __future__ import annotations

import importlib
import math
import os
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from . import schema_layer
from .catalog import TRAINING_KEYS
from .diagnostics import Severity, fmt_number
from .document import Document, Limits
from .effective import Dataset, Effective, adaptive_optimizer, build
from .engine import effective_config
from .errors import PresetError, UsageError
from .exporters import writing
from .exporters.base import Change, Missing, Plan, Target
from .inputs import trainer_format
from .inputs.base import ADAPTIVE_OPTIMIZER, SAMPLES_PER_STEP, Adapted, Hints, Workspace
from .inputs.workspace import FolderWorkspace
from .inputs.yaml_reader import load_bytes
from .repository import read_candidate, repo_root
from .settings import Settings
from .text import printable

# trainer format -> the module of its exporter (imported when asked for)
EXPORTERS = {
    "kohya_ss": "kohya_ss",
    "sd-scripts": "sd_scripts",
    "ai-toolkit": "ai_toolkit",
    "onetrainer": "onetrainer",
    "simpletuner": "simpletuner",
    "diffusers": "diffusers",
    "scenario": "scenario",
}


def exporter(name: str) -> ModuleType:
    return importlib.import_module(f".exporters.{EXPORTERS[name]}", __package__)


class Written(NamedTuple):
    """What an export makes: the main file's text, other files by path, what changed, what to fill in."""

    text: str
    others: dict[Path, str]
    changes: tuple[Change, ...]
    notes: tuple[str, ...]
    plan: Plan


def target_of(path: Path, display: str, settings: Settings, images: int | None, out_dir: Path) -> Target:
    """The trainlint config's effective values, with `images` standing in for a dataset folder that is
    not there; UsageError for a file that is not a usable trainlint config."""
    try:
        candidate = read_candidate(path, settings, explicit=True)
    except OSError as exc:
        raise UsageError(f"{display}: cannot read: {exc.strerror or exc}") from None
    assert candidate is not None
    if candidate.trainer is not None:
        raise UsageError(
            f"{display} is a {candidate.trainer.name} config; export takes a trainlint config "
            f"(`trainlint import {display}` makes one)"
        )
    doc = load_bytes(candidate.raw, display, settings.limits)
    errors = [f for f in [*doc.findings, *(schema_layer.check(doc) if doc.ok else [])] if _is_error(f.code)]
    if not doc.ok or errors or not isinstance(doc.data.get("preset"), str):
        why = f": {errors[0].message}" if errors else ""
        raise UsageError(f"{display} is not a valid trainlint config{why}; `trainlint check {display}` says why")
    config = doc.data
    try:
        eff = effective_config(config, path.parent, settings)
    except PresetError as exc:
        raise UsageError(f"{display}: {exc}") from None
    eff = _with_images(eff, config, images, display)
    assert eff.preset is not None
    values = eff.values
    dataset = None
    if eff.dataset.path is not None:
        dataset = Path(os.path.relpath(os.path.abspath(eff.dataset.path), os.path.abspath(out_dir))).as_posix()
    name = config.get("name") if isinstance(config.get("name"), str) else path.stem
    training_type = config.get("training_type") if isinstance(config.get("training_type"), str) else None
    training = config.get("training") if isinstance(config.get("training"), dict) else {}
    optimizer = training.get("optimizer")
    return Target(
        name=name,
        base_model=eff.preset.base_model,
        training_type=training_type or eff.preset.training_type,
        steps=_required(values, "steps"),
        learning_rate_unet=_required(values, "learning_rate_unet"),
        learning_rate_text_encoder=_required(values, "learning_rate_text_encoder"),
        text_encoder_ratio=_required(values, "text_encoder_ratio"),
        images=eff.images,
        dataset=dataset,
        samples_per_step=eff.samples_per_step,
        optimizer=optimizer if isinstance(optimizer, str) else None,
    )


def _is_error(code: str) -> bool:
    from .rules import Rule

    rule = Rule.registry.get(code)
    return rule is not None and rule.severity >= Severity.ERROR


def _required(values: Mapping[str, float | None], key: str) -> float:
    value = values.get(key)
    return math.nan if value is None else float(value)


def _with_images(eff: Effective, config: dict[str, Any], images: int | None, display: str) -> Effective:
    if images is None:
        return eff
    if eff.dataset.exists and eff.dataset.found is not None and eff.dataset.found != images:
        raise UsageError(
            f"--images {images}, but the dataset folder of {display} holds {eff.dataset.found} images; "
            "the folder's count is used when it is there"
        )
    assert eff.preset is not None
    return build(config, eff.preset, Dataset(images, eff.dataset.path))


def make(target: Target, to: str, out_name: str | None) -> tuple[Plan, str, dict[str, str]]:
    """The plan and the texts of a fresh export: the main file, then other files by name."""
    unknown = [key for key in TRAINING_KEYS if math.isnan(getattr(target, key))]
    if unknown:
        raise UsageError(
            f"{to}: {', '.join(unknown)} depend on the image count, and the dataset folder is not there "
            "(pass --images N, or set dataset.images)"
        )
    module = exporter(to)
    plan = run_settings(module.plan(target, Path(out_name).stem if out_name else None), target)
    header = _header(target, module.SUFFIX)
    text = render(module, plan.assign, header)
    others = {
        name: writing.text_for(name, data, _header(target, Path(name).suffix)) for name, data in plan.extra.items()
    }
    return plan, text, others


def run_settings(plan: Plan, target: Target) -> Plan:
    """The plan, refusing what the exporters do not write yet: they write a batch of one and no optimizer.
    A batch size or accumulation above 1 would leave the trainer a fraction of the samples the config shows,
    and an adaptive optimizer's multipliers (1.0) would reach the trainer's default AdamW as step sizes; any
    other optimizer the config names is said in a note (the trainer's default trains instead)."""
    missing, notes = list(plan.missing), list(plan.notes)
    if target.samples_per_step != 1:
        missing.append(
            Missing(
                f"batch_size x gradient_accumulation_steps {fmt_number(target.samples_per_step)}: export writes a "
                "batch of one, so the trainer would show a fraction of the samples the config counts; export the "
                "steps for a batch of one (steps x batch_size x gradient_accumulation_steps) and set the batch in "
                "the trainer's file"
            )
        )
    if adaptive_optimizer(target.optimizer):
        missing.append(
            Missing(
                f"optimizer {target.optimizer}: export writes no optimizer, so the trainer's default (AdamW) would take "
                "the learning rates, multipliers of an adaptive optimizer, as step sizes"
            )
        )
    elif target.optimizer is not None:
        notes.append(
            f"optimizer {target.optimizer} is not written: the trainer's default optimizer trains unless you set it"
        )
    return plan._replace(missing=tuple(missing), notes=tuple(notes))


def render(module: ModuleType, assign: Mapping[Any, Any], header: str) -> str:
    return writing.text_for(module.SUFFIX, writing.nest(assign), header)


def _header(target: Target, suffix: str) -> str:
    if suffix == ".json":  # JSON holds no comments
        return ""
    directive = f"# trainlint: training_type={target.training_type}\n" if target.training_type else ""
    name = printable(target.name.replace("\r", " ").replace("\n", " "))  # one comment line, whatever it holds
    return f"# {name}: written by `trainlint export` from a trainlint config\n" + directive


class _WithFiles:
    """The file system, plus the files an export is about to write (read back before they exist)."""

    def __init__(
        self, inner: FolderWorkspace, files: Mapping[str, str], limits: Limits, target: Target | None = None
    ) -> None:
        self.inner, self.files, self.limits = inner, files, limits
        self.dataset, self.images = (target.dataset, target.images) if target is not None else (None, None)

    def read(self, path: str, format_name: str) -> Document | None:
        if path in self.files:
            return trainer_format(format_name).read(self.files[path].encode(), path, self.limits)
        return self.inner.read(path, format_name)

    def count_images(self, folder: str, recursive: bool = False, suffixes: frozenset[str] | None = None) -> int | None:
        counted = self.inner.count_images(folder, recursive, suffixes)
        if counted is None and self.dataset is not None and folder == self.dataset:
            return self.images  # the count the config gives for a folder that is not there yet
        return counted

    def subfolders(self, folder: str) -> list[str] | None:
        return self.inner.subfolders(folder)


def adapt_back(to: str, text: str, name: str, workspace: Workspace, limits: Limits) -> Adapted | None:
    """The text read through the trainer's own input format, as `trainlint check` reads it."""
    fmt = trainer_format(to)
    doc = fmt.read(text.encode("utf-8"), name, limits)
    return fmt.adapt(doc, workspace, Hints()) if isinstance(doc.data, (dict, list)) else None


def read_back(adapted: Adapted | None) -> dict[str, float | None]:
    """What the trainer's adapter says the text trains, in trainlint's keys."""
    if adapted is None:
        return {}
    return {key: (adapted.values[key].value if key in adapted.values else None) for key in TRAINING_KEYS}


def run_disagreement(target: Target, adapted: Adapted | None) -> list[str]:
    """How the file's own run settings would change what the config trains: more or fewer images a step than
    the config counts (a batch size or accumulation the file keeps), or an adaptive optimizer that would take
    the config's learning rates as multipliers."""
    if adapted is None:
        return []
    out = []
    value = adapted.values.get(SAMPLES_PER_STEP)
    shown = value.value if value is not None and value.value else 1.0
    if not math.isclose(shown, target.samples_per_step, rel_tol=1e-9):
        key = f" ({value.key})" if value is not None and value.key else ""
        out.append(
            f"samples per step: {fmt_number(shown)} read back{key}, {fmt_number(target.samples_per_step)} meant "
            "(batch_size x gradient_accumulation_steps)"
        )
    adaptive = any(note.kind == ADAPTIVE_OPTIMIZER for note in adapted.notes)
    if adaptive and not adaptive_optimizer(target.optimizer):
        out.append("an adaptive optimizer read back, which takes the learning rates as multipliers; none meant")
    elif not adaptive and adaptive_optimizer(target.optimizer):
        out.append(
            f"no adaptive optimizer read back, so the learning rates are step sizes; {target.optimizer} meant, "
            "whose learning rates are multipliers"
        )
    return out


def disagreement(promised: Mapping[str, float | None], read: Mapping[str, float | None]) -> list[str]:
    """The keys whose value read back is not the one promised. The text encoder's rate is judged only
    where it trains: with a share of 0 both promised and read back, a rate the trainer still reads (its
    default, as Scenario's FLUX.1 one) trains nothing."""
    out = []
    untrained = promised.get("text_encoder_ratio") == 0 and read.get("text_encoder_ratio") == 0
    for key in TRAINING_KEYS:
        want, got = promised.get(key), read.get(key)
        if want is None and got is None:
            continue
        if key == "learning_rate_text_encoder" and untrained:
            continue
        if want is None or got is None or not math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-12):
            out.append(f"{key}: {_shown(got)} read back, {_shown(want)} meant")
    return out


def _shown(value: float | None) -> str:
    return "none" if value is None else fmt_number(value)


def verify(
    to: str,
    text: str,
    name: str,
    others: Mapping[str, str],
    base: Path,
    settings: Settings,
    plan: Plan,
    target: Target | None = None,
    why: str = "Please report this with the config",
) -> None:
    """Refuse to write a file its own trainer's reading disagrees with (UsageError naming the values)."""
    root = settings.root or repo_root(base)
    workspace = _WithFiles(FolderWorkspace(base, root, settings.limits), others, settings.limits, target)
    adapted = adapt_back(to, text, name, workspace, settings.limits)
    wrong = disagreement(plan.trains, read_back(adapted))
    if target is not None:
        wrong += run_disagreement(target, adapted)
    if wrong:
        raise UsageError(
            f"the {to} file would not train what the config says ({'; '.join(wrong)}); nothing written. {why}"
        )


# the kind of text a file is edited as, by suffix
KINDS = {
    ".json": "json",
    ".jsonc": "json",
    ".toml": "toml",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".sh": "shell",
    ".bash": "shell",
}
# trainers that read one level of keys wherever they stand (sd-scripts flattens TOML tables; SimpleTuner takes
# `--key` or `key`)
FLAT = frozenset({"sd-scripts", "simpletuner"})


class Updated(NamedTuple):
    """An update in place: the bytes read, the bytes to write (the same when nothing changes) and the plan."""

    raw: bytes
    new: bytes
    plan: Plan


def update(target: Target, to: str, path: Path, display: str, settings: Settings) -> Updated:
    """The managed values of `target` written into the trainer file at `path`, every other byte kept;
    UsageError when the file is not that trainer's, trains another model, or has no safe place for a value."""
    from .exporters.into import IntoError, edits
    from .fixer import encode
    from .inputs.yaml_edit import apply_edits
    from .inputs.yaml_reader import read_head

    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise UsageError(
            f"{display}: --into edits JSON, TOML, YAML and shell files; not a {path.suffix or 'suffix-less'} file"
        )
    try:
        raw = read_head(path, settings.limits)
    except OSError as exc:
        raise UsageError(f"{display}: cannot read: {exc.strerror or exc}") from None
    fmt = trainer_format(to)
    if not fmt.detect(raw, path.suffix.lower()):
        raise UsageError(f"{display} is not a {to} config")
    doc = fmt.read(raw, display, settings.limits)
    blocker = next((f for f in doc.findings if f.code.startswith(("TL00", "TL09"))), None)
    if blocker is not None or doc.text is None:
        raise UsageError(f"{display}: cannot be edited safely: {blocker.message if blocker else 'not readable'}")
    root = settings.root or repo_root(path.parent)
    workspace = FolderWorkspace(path.parent, root, settings.limits)
    adapted = fmt.adapt(doc, workspace, Hints()) if isinstance(doc.data, dict) else None
    if adapted is None:
        raise UsageError(f"{display} is not a {to} config")
    if adapted.base_model is not None and adapted.base_model != target.base_model:
        raise UsageError(
            f"{display} trains {adapted.base_model} (from {adapted.base_model_key}), the config {target.base_model}; "
            f"export to a new file with -o instead"
        )
    if adapted.method == "full":
        raise UsageError(f"{display} is a full fine-tune; the config's values are a LoRA's")
    module = exporter(to)
    plan = module.plan_into(target, doc, adapted) if hasattr(module, "plan_into") else module.plan(target, None)
    managed = {p: v for p, v in plan.assign.items() if _managed(module, p)}
    if kind == "shell" and to == "sd-scripts":  # a launch script: the same options as flags of its one command
        commands = doc.data.get("commands") if isinstance(doc.data, dict) else None
        if not isinstance(commands, list) or len(commands) != 1:
            raise UsageError(f"{display}: --into updates a launch script with one training command")
        managed = {("commands", 0, "args", f"--{p[-1]}"): v for p, v in managed.items()}
        plan = plan._replace(remove=tuple(("commands", 0, "args", f"--{p[-1]}") for p in plan.remove))
    try:
        new_text = apply_edits(doc.text, edits(kind, doc, managed, plan.remove, to in FLAT))
    except IntoError as exc:
        raise UsageError(f"{display}: {exc}") from None
    new = encode(doc, new_text) if new_text != doc.text else raw
    plan = plan._replace(assign=managed, notes=())
    if not plan.missing:
        verify(
            to,
            new_text,
            display,
            {},
            path.parent,
            settings,
            plan,
            target,
            why=f"{display} has other settings that decide these values; see `trainlint show {display}`",
        )
    return Updated(raw, new, plan)


def _managed(module: ModuleType, path: tuple[str | int, ...]) -> bool:
    """The keys `--into` writes: the training values, never the model, the dataset or the file's layout."""
    return isinstance(path[-1], str) and path[-1] in module.MANAGED and "concepts" not in path


def refusal(to: str, plan: Plan, approximate: bool) -> str | None:
    """Why the export is refused, or None."""
    lines = [f"  {m.what}" for m in plan.missing]
    if not approximate:
        lines += [f"  {c.describe()}" for c in plan.changes]
    if not lines:
        return None
    tail = "" if plan.missing else "\n--approximate writes the nearest values and says what changed"
    return f"{to} cannot train this config as it is:\n" + "\n".join(lines) + tail
