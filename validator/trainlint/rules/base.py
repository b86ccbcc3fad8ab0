"""What a rule is: code, name, severity, thresholds (data), examples and a docstring.

The docstring is the rule's rationale and becomes its documentation (`trainlint rule
CODE`, docs/rules.md, SARIF help); `fails` and `passes` are configs that the test
suite runs through the real pipeline, so a rule's examples can never go stale.

Rules of the `loader` and `schema` stages have no `check`: the loader and the schema
layer emit their codes. They are rules all the same, so selection, severities,
suppressions and documentation treat every finding alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, Literal

from ..catalog import Catalog
from ..diagnostics import ConfigPath, Finding, Severity
from ..document import Document
from ..effective import Effective

Stage = Literal["loader", "schema", "preset", "rules"]


class Context:
    """Everything a semantic rule may look at for one config."""

    __slots__ = ("doc", "config", "catalog", "effective", "thresholds")

    def __init__(self, doc: Document, config: dict[str, Any], catalog: Catalog, effective: Effective,
                 thresholds: Mapping[str, Any]) -> None:
        self.doc, self.config, self.catalog = doc, config, catalog
        self.effective = effective  # rules run only once the preset resolved
        self.thresholds = thresholds  # the running rule's

    def where(self, key: str) -> ConfigPath:
        """Point at `training.<key>` when the config sets it, else at the `preset` that supplied it."""
        if key == "steps" and "steps" not in self.training and "steps_per_image" in self.training:
            key = "steps_per_image"
        return ("training", key) if key in self.training else ("preset",)

    @property
    def training(self) -> dict[str, Any]:
        training = self.config.get("training")
        return training if isinstance(training, dict) else {}

    @property
    def is_custom(self) -> bool:
        return self.config.get("classification") == "Custom"


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    stage: ClassVar[Stage] = "rules"
    fixable: ClassVar[bool] = False
    thresholds: ClassVar[dict[str, Any]] = {}
    # examples: config texts; `files` are created beside them (dataset folders)
    fails: ClassVar[str]
    passes: ClassVar[str]
    files: ClassVar[dict[str, str]] = {}
    example_limits: ClassVar[dict[str, int]] = {}

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
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        return cls.rationale().split("\n\n", 1)[0].replace("\n", " ")


def finding(rule: type[Rule], message: str, path: ConfigPath = (), **extra: Any) -> Finding:
    return Finding(rule.code, message, path, **extra)


def fmt_ratio(ratio: float) -> str:
    return f"{ratio:.3g}x"


def iter_rules() -> Iterator[type[Rule]]:
    return iter([rule for _, rule in sorted(Rule.registry.items())])  # codes are unique: no key function needed
