"""One config through the pipeline: load -> schema -> preset -> effective -> rules.

The result is a list of `Diagnostic`s with positions resolved here, once, from the
spans the loader kept. Nothing in this module prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import catalog as presets_mod
from . import codes, reads, schema_layer, suppressions
from . import effective as effective_mod
from . import plugins as plugins_mod
from .diagnostics import ConfigPath, Diagnostic, Finding, Severity, Span
from .document import Document
from .errors import PresetError
from .inputs.base import (
    ADAPTIVE_OPTIMIZER,
    Adapted,
    Hints,
    InputFormat,
    Workspace,
    directive_hints,
)
from .inputs.yaml_reader import load_text
from .paths import repo_root
from .results import FileResult
from .rules import Context, Rule
from .rules import editor as editor_rules
from .selection import Selection
from .settings import Settings


def check_text(
    text: str, file: str = "<string>", settings: Settings | None = None, base_dir: Path | None = None
) -> FileResult:
    settings = Settings() if settings is None else settings
    doc = load_text(text, file, settings.limits)
    return FileResult(file, run(doc, base_dir or Path.cwd(), settings), doc, fail_on=settings.fail_on)


def run(doc: Document, base_dir: Path, settings: Settings, keep_blocked_fixes: bool = False) -> list[Diagnostic]:
    """A trainlint config's diagnostics. Their fixes are what `fix` would apply: none while the file has a
    finding that makes `fix` leave it alone (`fix_blocker`), unless `keep_blocked_fixes` (the fixer asks
    so, to tell a file it refuses from one with nothing to fix)."""
    plugins_mod.load(settings.plugins)  # no-op once loaded; worker processes load them here
    findings = list(doc.findings)
    selection = Selection.of(settings)
    for check_document in selection.document_checks():
        findings.extend(check_document(doc))
    if selection.enabled(codes.STALE_EDITOR_SCHEMA):
        name = doc.file.replace("\\", "/").rpartition("/")[2]
        findings.extend(editor_rules.findings(doc, name, base_dir, settings.root or repo_root(base_dir)))
    stages: set[str] = set()  # which stages ran: a suppression is unused only if its rule had its chance
    if doc.ok:  # else the text did not even load (YAML error, not a mapping): nothing had its chance
        stages.update(("loader", "schema"))
        schema_findings = schema_layer.check(doc)
        findings.extend(schema_findings)
        if not any(f.code == codes.UNSUPPORTED_SCHEMA_VERSION for f in schema_findings):
            semantic, complete = _semantic(doc, base_dir, settings, {f.path for f in schema_findings})
            findings.extend(semantic)
            stages.update(("preset", "rules") if complete else ())
    offer = keep_blocked_fixes or fix_blocker(doc) is None
    return place(doc, findings, settings, frozenset(stages), offer_fixes=offer)


def run_preset(doc: Document, path: Path, settings: Settings) -> list[Diagnostic]:
    """A repository preset file checked on its own: what reading it found, the preset schema's findings
    (unknown keys with the closest name, quoted numbers, bounds) at its own lines, and whether the preset
    it `extends` resolves (a misspelt name, a missing file, a cycle), at `extends`. No rule of a config
    runs: a preset has no dataset and trains nothing by itself. Fixes are not offered (`fix` leaves
    preset files alone)."""
    plugins_mod.load(settings.plugins)
    findings = list(doc.findings)
    for check_document in Selection.of(settings).document_checks():
        findings.extend(check_document(doc))
    stages: set[str] = set()
    if doc.ok:
        stages.update(("loader", "schema", "preset"))
        schema_findings = schema_layer.check(doc, kind="preset")
        findings.extend(schema_findings)
        extends = doc.data.get("extends")
        if isinstance(extends, str) and not any(f.path[:1] == ("extends",) for f in schema_findings):
            root = settings.root or repo_root(path.parent)
            try:
                own = (path.resolve(),)  # so that a chain leading back here is a cycle
                presets_mod.resolve(extends, path.parent, root, own, limits=settings.limits, also=settings.preset_dirs)
            except PresetError as exc:
                findings.append(Finding(exc.code, str(exc), ("extends",), hint=exc.hint))
    return place(doc, findings, settings, frozenset(stages), offer_fixes=False)


# input formats whose files `fix` may rewrite: YAML, which the fixes of TL508 respell byte-exactly
FIXABLE_FORMATS = frozenset({"ai-toolkit"})


def run_trainer(
    doc: Document, fmt: InputFormat, workspace: Workspace, settings: Settings, keep_blocked_fixes: bool = False
) -> list[Diagnostic] | None:
    """A trainer's config through its input format and the rules; None when the format, having
    read the file, finds it is not its own after all. Fixes are offered where `fix` applies them:
    files of FIXABLE_FORMATS without a finding that blocks fixing (see `run`)."""
    plugins_mod.load(settings.plugins)
    findings = list(doc.findings)
    stages: set[str] = set()
    if trainer_data(doc):
        trainer = adapt_trainer(doc, fmt, workspace, settings)
        if trainer is None:
            return None
        adapted, eff, preset_findings = trainer
        stages.update(("loader", "schema", "preset", "rules"))
        findings.extend(preset_findings)
        ctx = Context(doc, doc.data, presets_mod.catalog(), eff, {}, adapted, settings.thresholds)
        for check, thresholds in Selection.of(settings).checks(fmt.name):
            ctx.thresholds = thresholds
            _run_rule(check, ctx, findings)
    offer = fmt.name in FIXABLE_FORMATS and (keep_blocked_fixes or fix_blocker(doc) is None)
    return place(doc, findings, settings, frozenset(stages), offer_fixes=offer)


def trainer_data(doc: Document) -> bool:
    """Whether a trainer's file loaded into data its format can adapt: a mapping, or a list (a OneTrainer
    concepts file, a SimpleTuner data backend list, which a training config names); the format decides."""
    return isinstance(doc.data, (dict, list))


def adapt_trainer(
    doc: Document, fmt: InputFormat, workspace: Workspace, settings: Settings
) -> tuple[Adapted, effective_mod.Effective, list[Finding]] | None:
    """What a trainer's config trains, as trainlint's effective config: the format's reading with the
    user's training type and preset applied, the preset it is compared with, and the findings about
    that preset; None when the format finds the file is not its own."""
    hints = _hints(doc, settings)
    adapted = fmt.adapt(doc, workspace, hints)
    if adapted is None:
        return None
    adapted = adapted._replace(training_type=hints.training_type, preset=hints.preset, hints_source=hints.source)
    preset, findings = _trainer_preset(adapted)
    adaptive = any(note.kind == ADAPTIVE_OPTIMIZER for note in adapted.notes)
    return adapted, effective_mod.from_trainer(adapted, preset, ignore_learning_rates=adaptive), findings


def _hints(doc: Document, settings: Settings) -> Hints:
    """What the user said of the training type and preset: a `# trainlint:` directive in the file,
    else the configuration's per-file mapping, else the command line (settings carry both)."""
    said = directive_hints(doc.text, doc.spans)
    if said.source is not None:
        return said
    if settings.hints_source is not None:
        return Hints(settings.training_type, settings.preset, settings.hints_source)
    return Hints()


def _trainer_preset(adapted: Adapted) -> tuple[presets_mod.Preset | None, list[Finding]]:
    """The preset a trainer's config is judged by: the one the user named, else the catalog's
    preset for its base model and training type; None (rules that compare stay silent) otherwise."""
    cat = presets_mod.catalog()
    if adapted.training_type is not None and adapted.training_type not in cat.training_types:
        return None, [
            Finding(
                codes.INVALID_VALUE,
                f"training type {adapted.training_type!r} ({adapted.hints_source}) is not one of "
                f"{', '.join(cat.training_types)}",
                hint="fix the `# trainlint:` directive or the setting",
            )
        ]
    if adapted.preset is not None:
        preset = cat.get(adapted.preset)
        if preset is None:
            return None, [
                Finding(
                    codes.UNKNOWN_PRESET,
                    f"unknown preset {adapted.preset!r} ({adapted.hints_source})",
                    hint="see `trainlint presets` for the names",
                )
            ]
        if adapted.base_model is not None and preset.base_model != adapted.base_model:
            return None, [
                Finding(
                    codes.BASE_MODEL_MISMATCH,
                    f"preset {preset.ref} is for {preset.base_model}, but this "
                    f"{adapted.input_format} config trains {adapted.base_model} "
                    f"(from {adapted.base_model_key}); it is not compared with the preset",
                    hint=f"name a {adapted.base_model} preset",
                )
            ]
        return preset, []
    if adapted.training_type is not None and adapted.base_model is not None:
        return cat.get(f"{adapted.base_model}/{adapted.training_type}"), []
    return None, []


def _semantic(
    doc: Document, base_dir: Path, settings: Settings, schema_paths: set[ConfigPath]
) -> tuple[list[Finding], bool]:
    """The preset and rule findings, and whether the rules ran (not when the preset is unusable)."""
    config = doc.data
    ref = config.get("preset")
    if not isinstance(ref, str) or ("preset",) in schema_paths:
        return [], False
    try:
        eff = effective_config(config, base_dir, settings, schema_paths)
    except PresetError as exc:
        return [Finding(exc.code, str(exc), ("preset",), hint=exc.hint)], False
    findings: list[Finding] = []
    if eff.dataset.truncated:
        findings.append(
            Finding(
                codes.DATASET_SCAN_LIMIT,
                f"dataset folder has more than {settings.limits.max_dataset_files:,} images (or "
                f"{settings.limits.max_dataset_files * effective_mod.ENTRIES_PER_IMAGE:,} entries); they were not counted",
                ("dataset", "path"),
            )
        )
    ctx = Context(
        doc, config, presets_mod.catalog(), eff, {}, None, settings.thresholds
    )  # one per file; each rule gets its thresholds
    for check, thresholds in Selection.of(settings).checks("trainlint"):
        ctx.thresholds = thresholds
        _run_rule(check, ctx, findings)
    return findings, True


def _run_rule(check: Callable[[Context], Iterable[Finding]], ctx: Context, findings: list[Finding]) -> None:
    """Add a rule's findings; a rule that raises becomes one error finding under its code on this file,
    and the other rules and files go on (plugin rules are contained the same way, in plugins.py)."""
    try:
        findings.extend(check(ctx))
    except Exception as exc:  # one file's surprise must not end everyone's report
        rule = getattr(check, "__self__", None)
        code = getattr(rule, "code", None)
        if code is None:
            raise
        findings.append(
            Finding(
                code,
                f"rule {code} failed on this file ({type(exc).__name__}: {exc}); it did not check it",
                severity=Severity.ERROR,
                hint="please report this with the file and the configuration",
            )
        )


def effective_config(
    config: dict[str, Any],
    base_dir: Path,
    settings: Settings,
    skip: set[ConfigPath] | frozenset[ConfigPath] = frozenset(),
) -> effective_mod.Effective:
    """Resolve the preset, count the dataset, overlay the config's training values (but those at
    `skip`, which the schema layer reported); PresetError when the preset cannot be used."""
    ref = config["preset"]
    root = settings.root or repo_root(base_dir)
    preset = presets_mod.resolve(
        ref, preset_dir(ref, base_dir, settings), root, limits=settings.limits, also=settings.preset_dirs
    )
    dataset = effective_mod.scan_dataset(config.get("dataset"), base_dir, settings.limits.max_dataset_files, root)
    training = config.get("training")
    clean = {k: v for k, v in training.items() if ("training", k) not in skip} if isinstance(training, dict) else {}
    invalid = frozenset(k for k in training if ("training", k) in skip) if isinstance(training, dict) else frozenset()
    if ("training",) in skip:  # not a mapping: none of its values is known
        invalid |= {"training"}
    if {("dataset",), ("dataset", "images")} & set(skip) and not dataset.exists:  # the steps' image count is unknown
        invalid |= {"steps"}
    return effective_mod.build({**config, "training": clean}, preset, dataset, invalid)


def preset_dir(ref: str, base_dir: Path, settings: Settings) -> Path:
    """Where a preset file reference resolves: beside the config, else the first `preset-paths` folder holding it."""
    if not presets_mod.is_file_ref(ref) or presets_mod.is_file(base_dir / ref):
        return base_dir
    for folder in settings.preset_dirs:
        reads.looked_at(reads.FILE, folder / ref)
        if presets_mod.is_file(folder / ref):
            return folder
    return base_dir


_ALL_STAGES = frozenset(("loader", "schema", "preset", "rules"))
# reading findings after which `fix` leaves a file alone (syntax, duplicate keys, tags, numbers, limits):
# its text is not trustworthy enough to splice into, so no report may call anything in it fixable
FIX_BLOCKERS = ("TL00", "TL09")


def fix_blocker(doc: Document) -> Finding | None:
    """The first finding of reading the file that makes `fix` refuse to rewrite it, if any."""
    return next((f for f in doc.findings if f.code.startswith(FIX_BLOCKERS)), None)


def place(
    doc: Document,
    findings: list[Finding],
    settings: Settings,
    stages: frozenset[str] = _ALL_STAGES,
    offer_fixes: bool = True,
) -> list[Diagnostic]:
    """Findings become diagnostics; then the file's suppression comments drop theirs and report idle ones,
    but only for rules whose stage ran: a YAML error must not make every suppression look stale.
    Without `offer_fixes` no diagnostic carries a fix: check, its JSON and SARIF offer what `fix` does."""
    selection = Selection.of(settings)
    placed = [_diagnostic(doc, f, selection) for f in findings if selection.enabled(f.code)]

    def judged(code: str) -> bool:
        return selection.enabled(code) and all(
            r.stage in stages for c, r in Rule.registry.items() if c.startswith(code)
        )

    kept, unused = suppressions.apply(doc, placed, judged, _is_rule_prefix)
    out = kept + [_diagnostic(doc, f, selection) for f in unused if selection.enabled(f.code)]
    out.sort(key=Diagnostic.sort_key)
    return out if offer_fixes else [d._replace(fix=None) if d.fix is not None else d for d in out]


def _diagnostic(doc: Document, f: Finding, selection: Selection) -> Diagnostic:
    rule: type[Rule] = Rule.registry[f.code]
    span = f.span or _locate(doc, f)
    severity = selection.severity_of(f.code, f.severity or rule.severity)
    return Diagnostic(
        doc.file,
        span.line + 1,
        span.col + 1,
        span.end_line + 1,
        span.end_col + 1,
        f.code,
        rule.name,
        severity,
        f.message,
        f.hint,
        f.fix,
        f.advice,
    )


def _is_rule_prefix(code: str) -> bool:
    return any(known.startswith(code) for known in Rule.registry)


def _locate(doc: Document, f: Finding) -> Span:
    """The key or value at the finding's path, or the nearest enclosing one that exists."""
    path = f.path
    while path and path not in doc.spans:
        path = path[:-1]
    if path not in doc.spans:
        return Span(0, 0, 0, 0)
    key, value = doc.spans[path]
    if key is not None and (f.on_key or path != f.path):
        return key
    return value
