"""What a rule is: code, name, severity, thresholds (data), examples and a docstring.

The docstring is the rule's documentation (`trainlint rule CODE`, docs/rules.md, SARIF
help), written in fixed sections that `Rule.doc` reads:

    One line: what the rule catches (`trainlint rules` and the table of docs/rules.md).

    Why: the rationale, quoting the guide or the trainer where the rule rests on them.

    Fix safety: what the fix changes and why that is safe (fixable rules only).

    Source: where the rule's facts come from: the guide, the catalog's source, the
    trainer's file and lines.

A section runs from its label to the next label, over as many paragraphs as it needs.
Every built-in rule has a summary, Why and Source, and Fix safety exactly when it is
fixable (the tests hold them to it); a plugin's rule may keep a plain docstring, whose
text after the summary is read as its Why. `fails` and `passes` are configs that the test
suite runs through the real pipeline, so a rule's examples can never go stale.

Rules of the `loader` and `schema` stages have no `check`: the loader and the schema
layer emit their codes. They are rules all the same, so selection, severities,
suppressions and documentation treat every finding alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, Literal, NamedTuple

from ..catalog import Catalog, Preset
from ..diagnostics import ConfigPath, Finding, Severity
from ..document import Document
from ..effective import Effective
from ..inputs.base import Adapted

Stage = Literal["loader", "schema", "preset", "rules"]


class Context:
    """Everything a semantic rule may look at for one config.

    For trainlint's own format `config` is the config and the effective values come from its
    preset; for a trainer's config `adapted` holds what its input format read (values with
    their keys and positions, reading traps), `config` is the trainer's own data, and the
    effective config's preset is the one the user named for it (None when none was: rules
    that compare with a preset then stay silent).
    """

    __slots__ = ("doc", "config", "catalog", "effective", "thresholds", "adapted", "configured")

    def __init__(
        self,
        doc: Document,
        config: dict[str, Any],
        catalog: Catalog,
        effective: Effective,
        thresholds: Mapping[str, Any],
        adapted: Adapted | None = None,
        configured: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.doc, self.config, self.catalog = doc, config, catalog
        self.effective = effective
        self.thresholds = thresholds  # the running rule's
        self.adapted = adapted
        self.configured = configured or {}  # the project's threshold overrides, by code

    def thresholds_of(self, code: str) -> dict[str, Any]:
        """Another rule's thresholds as this project configured them: a hint keeps inside the values that
        rule accepts, so that following it leads into no finding of that rule."""
        rule = Rule.registry[code]
        return {**rule.thresholds, **self.configured.get(code, {})}

    @property
    def input_format(self) -> str:
        return "trainlint" if self.adapted is None else self.adapted.input_format

    def where(self, key: str) -> ConfigPath:
        """Point at `training.<key>` when the config sets it, else at the `preset` that supplied it;
        in a trainer's config, at the trainer's own key (the file's start for a trainer default)."""
        if self.adapted is not None:
            value = self.adapted.values.get(key)
            return value.path if value is not None and value.path is not None else ()
        if key == "steps" and "steps" not in self.training and "steps_per_image" in self.training:
            key = "steps_per_image"
        return ("training", key) if key in self.training else ("preset",)

    def named(self, key: str, label: str) -> str:
        """How a message names a value: trainlint's label, or the trainer's own key in backquotes."""
        if self.adapted is None:
            return label
        value = self.adapted.values.get(key)
        return f"`{value.key}`" if value is not None and value.key else label

    @property
    def preset(self) -> Preset:
        """The preset a trainlint config is compared with: its rules run only once it resolved."""
        assert self.effective.preset is not None, "rules of trainlint's own format run with a resolved preset"
        return self.effective.preset

    @property
    def training_type(self) -> str | None:
        """The config's training type, else its preset's (for a trainer's config: what the user said)."""
        if self.adapted is not None:
            return self.adapted.training_type or (
                self.effective.preset.training_type if self.effective.preset else None
            )
        declared = self.config.get("training_type")
        if isinstance(declared, str):
            return declared
        return self.effective.preset.training_type if self.effective.preset else None

    @property
    def training(self) -> dict[str, Any]:
        training = self.config.get("training")
        return training if isinstance(training, dict) else {}

    @property
    def is_custom(self) -> bool:
        return self.config.get("classification") == "Custom"


# the labels that open a docstring's sections, in the order they come
SECTIONS = ("Why", "Fix safety", "Source")


# A rule's docstring read into its sections (`Rule.doc`): the summary (its first paragraph, on one line); Why
# (in a docstring without sections, the text after the summary); Fix safety and Source (None when absent); the
# labels the docstring has, in its order (none: a plain docstring). Made by a call rather than a class statement,
# whose annotations this module's `from __future__ import annotations` would have compiled at start-up
# (diagnostics.py says why that costs every check).
RuleDoc = NamedTuple(  # noqa: UP014 - the class statement is what compiles the annotations
    "RuleDoc",
    [("summary", str), ("why", str), ("fix_safety", str | None), ("source", str | None), ("labels", tuple[str, ...])],
)


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    stage: ClassVar[Stage] = "rules"
    # the input formats the rule applies to (None: every format); TL2xx and TL3xx judge trainlint's own keys
    formats: ClassVar[tuple[str, ...] | None] = None
    # the file name of the examples (its suffix tells the format), and more examples in other formats:
    # (file name, failing, passing) or (file name, failing, passing, {file: text} beside them)
    example_file: ClassVar[str] = "config.yaml"
    more_examples: ClassVar[tuple[tuple[str, str, str] | tuple[str, str, str, dict[str, str]], ...]] = ()
    fixable: ClassVar[bool] = False
    # when the config decides the severity of a finding (`Finding.severity`), how: "error on a Custom config";
    # `trainlint rules`, `trainlint rule CODE` and docs/rules.md show it beside the severity
    severity_note: ClassVar[str | None] = None
    thresholds: ClassVar[dict[str, Any]] = {}
    # examples: config texts; `files` are created beside them (dataset folders)
    fails: ClassVar[str]
    passes: ClassVar[str]
    files: ClassVar[dict[str, str]] = {}
    example_limits: ClassVar[dict[str, int]] = {}
    # a rule about the file itself rather than its text: what its failing example is made into
    # before it is checked ("a named pipe"); None: the example is checked as written
    example_as: ClassVar[str | None] = None

    registry: ClassVar[dict[str, type[Rule]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__:
            if cls.code in Rule.registry:
                raise RuntimeError(f"rule code {cls.code} registered twice")
            Rule.registry[cls.code] = cls

    def check(self, ctx: Context) -> Iterable[Finding]:
        """Rules of the `rules` stage: findings for one config whose preset resolved."""
        return ()

    def check_document(self, doc: Document) -> Iterable[Finding]:
        """Rules of the `loader` stage that judge what the reader recorded (TL010): findings for
        any document that loaded, before the schema layer runs."""
        return ()

    @classmethod
    def rationale(cls) -> str:
        """The whole docstring, its indentation removed."""
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def doc(cls) -> RuleDoc:
        """The docstring's sections: the summary, then the text of each label up to the next one."""
        paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", cls.rationale()) if p.strip()]
        summary = paragraphs[0].replace("\n", " ") if paragraphs else ""
        texts: dict[str, list[str]] = {}
        current, labels = "", []
        for paragraph in paragraphs[1:]:
            label = next((s for s in SECTIONS if paragraph.startswith(s + ":")), None)
            if label is not None and label not in texts:
                current = label
                labels.append(label)
                paragraph = paragraph[len(label) + 1 :].strip()
            texts.setdefault(current, []).append(paragraph)
        joined = {label: "\n\n".join(p for p in parts if p) for label, parts in texts.items()}
        unlabelled = joined.get("", "")  # a plain docstring's body, or text before the first label
        why = "\n\n".join(t for t in (unlabelled, joined.get("Why", "")) if t)
        return RuleDoc(summary, why, joined.get("Fix safety"), joined.get("Source"), tuple(labels))

    @classmethod
    def summary(cls) -> str:
        return cls.doc().summary

    @classmethod
    def severity_text(cls) -> str:
        """The severity as the documentation shows it: `warning`, or `warning; error on a Custom config`."""
        return f"{cls.severity}; {cls.severity_note}" if cls.severity_note else str(cls.severity)


def finding(rule: type[Rule] | Rule, message: str, path: ConfigPath = (), **extra: Any) -> Finding:
    """A finding of `rule` (the class, or the instance that is checking)."""
    return Finding(rule.code, message, path, **extra)


def fmt_ratio(ratio: float) -> str:
    return f"{ratio:.3g}x"


def iter_rules() -> Iterator[type[Rule]]:
    return iter([rule for _, rule in sorted(Rule.registry.items())])  # codes are unique: no key function needed
