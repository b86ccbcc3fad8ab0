"""Codes the schema layer emits: every JSON Schema failure is a finding with a code."""

from __future__ import annotations

from .. import codes
from ..diagnostics import Severity
from .base import Rule
from .reading import _VALID


class SchemaRule(Rule):
    stage = "schema"
    severity = Severity.ERROR
    passes = _VALID


class UnsupportedSchemaVersion(SchemaRule):
    """`schema_version` names a version this trainlint does not know.

    Why: Each schema version has its own JSON Schema with a stable `$id`; validating a
    config against the wrong one would report nonsense. The message names the
    supported versions.

    Source: schema/v1/config.schema.json; docs/versioning.md, what a schema version may change.
    """

    code, name = codes.UNSUPPORTED_SCHEMA_VERSION, "unsupported-schema-version"
    fails = _VALID.replace("schema_version: 1", "schema_version: 7")


class UnknownKey(SchemaRule):
    """A key the schema does not define, usually a typo.

    Why: Most trainers silently drop unknown keys, so a misspelt `learning_rate_unte`
    trains with the default and nobody notices. The message suggests the closest
    valid key.

    Source: schema/v1/config.schema.json (`additionalProperties: false`), the schema editors read too.
    """

    code, name = codes.UNKNOWN_KEY, "unknown-key"
    fails = (
        _VALID.replace("classification: sdxl/style", "classification: Custom")
        + "training:\n  learning_rate_unte: 2.0e-4\n"
    )


class WrongType(SchemaRule):
    """A value of the wrong type: a quoted number, a list where a number belongs, a date.

    Why: `"1e-4"` in quotes is a string to every YAML reader; a trainer either crashes on
    it or, worse, coerces it silently.

    Source: schema/v1/config.schema.json (`type`).
    """

    code, name = codes.WRONG_TYPE, "wrong-type"
    fails = _VALID + 'training:\n  steps: "8400"\n'


class OutOfRange(SchemaRule):
    """A value outside what a trainer accepts (hard bounds), such as a ratio above 1 or 0 steps.

    Why: These are not style advice: a trainer rejects them or does something undefined.
    The advisory ranges are separate rules (TL402, TL407).

    Source: schema/v1/config.schema.json, its bounds (`minimum`, `maximum`, `exclusiveMinimum`, `minLength`).
    """

    code, name = codes.OUT_OF_RANGE, "out-of-range"
    fails = _VALID + "training:\n  text_encoder_ratio: 1.5\n"


class InvalidValue(SchemaRule):
    """A value that is not one of the allowed names (base model, training type, preset).

    Why: The message suggests the closest valid name, so `sdxl/styel` points to
    `sdxl/style`. A training type given for a trainer's config (`# trainlint:
    training_type=...`) that is none of the catalog's is reported here too, and so is a
    value the schema refuses for a reason it has no words for, in the validator's own words.

    Source: schema/v1/config.schema.json, whose names are generated from the preset catalog
    (schema/presets.yaml) by `python -m trainlint.tools.generate`.
    """

    code, name = codes.INVALID_VALUE, "invalid-value"
    fails = _VALID.replace("base_model: sdxl", "base_model: sdxl-1.0")


class MissingKey(SchemaRule):
    """A required key is missing (`schema_version`, `base_model`, `training_type`, `preset`, `dataset`).

    Why: Without them trainlint cannot tell which preset the config starts from, nor
    check the values against it.

    Source: schema/v1/config.schema.json (`required`); docs/reference.md, "The config (schema
    version 1)".
    """

    code, name = codes.MISSING_KEY, "missing-key"
    fails = _VALID.replace("training_type: style\n", "")
