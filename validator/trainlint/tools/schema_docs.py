"""The parts of the JSON Schema that mirror the preset catalog, generated from it.

Editors show the schema's text as completion and hover documentation, so the
enums (base models, training types, preset names), their descriptions, the
per-preset defaults under each training key and the snippets' choice lists are
derived from `schema/presets.yaml` here instead of being copied by hand: a new
preset or a changed default reaches the editor by regenerating, and the drift
test fails until that is done. Everything else in the schema is written by hand.
"""

from __future__ import annotations

from typing import Any

from ..catalog import Catalog, Preset, ValueSpec
from ..init import yaml_number

# What the generator appends to a hand-written description; everything from the marker on is replaced.
DEFAULTS_MARK = "\n\n**Preset defaults**"
DEFAULTS_MARK_TEXT = " Preset defaults: "

_SHORT = {
    "steps": "steps",
    "learning_rate_unet": "{denoiser} lr",
    "learning_rate_text_encoder": "text encoder lr",
    "text_encoder_ratio": "text encoder ratio",
}


def newest(cat: Catalog) -> list[Preset]:
    """The preset each plain name (`sdxl/style`) stands for: its highest version."""
    return [versions[max(versions)] for versions in cat.presets.values()]


def _steps_per_image(spec: ValueSpec) -> str:
    """`steps_per_image` can only express a pure per-image rule; say so for the others."""
    if spec.per_image is not None and not spec.base:
        return spec.describe().removesuffix(" per image")
    return f"none (steps are {spec.describe()})"


def _who(names: list[str], presets: list[Preset]) -> str:
    """The shortest honest label for a group: `every preset`, `sdxl/*`, `*/subject, */object`, or the names."""
    chosen = set(names)
    if chosen == {p.name for p in presets}:
        return "every preset"
    for attr, wildcard in (("base_model", "{}/*"), ("training_type", "*/{}")):
        groups: dict[str, set[str]] = {}
        for p in presets:
            groups.setdefault(getattr(p, attr), set()).add(p.name)
        covering = [value for value, group in groups.items() if group <= chosen]
        if covering and set().union(*(groups[v] for v in covering)) == chosen:
            return ", ".join(f"`{wildcard.format(v)}`" for v in covering)
    return ", ".join(f"`{n}`" for n in names)


def default_rows(key: str, cat: Catalog) -> list[tuple[str, str]]:
    """(which presets, default) for one training key, presets with the same default grouped."""
    presets = newest(cat)
    spec_key = "steps" if key == "steps_per_image" else key
    groups: dict[str, list[str]] = {}
    for p in presets:
        spec = p.values.get(spec_key)
        if spec is None:
            continue
        shown = _steps_per_image(spec) if key == "steps_per_image" else spec.describe()
        groups.setdefault(shown, []).append(p.name)
    return [(_who(names, presets), shown) for shown, names in groups.items()]


def _with_defaults(prop: dict[str, Any], rows: list[tuple[str, str]]) -> None:
    """Replace the generated tail of a property's descriptions with the current defaults; a key no preset
    sets (`optimizer`, `batch_size`, ...) gets no tail."""
    md = prop["markdownDescription"].split(DEFAULTS_MARK)[0]
    text = prop["description"].split(DEFAULTS_MARK_TEXT)[0]
    if not rows:
        prop["markdownDescription"], prop["description"] = md, text
        return
    table = "\n".join(f"| {who} | {value} |" for who, value in rows)
    prop["markdownDescription"] = (
        f"{md}{DEFAULTS_MARK} (when the key is missing)\n\n| preset | default |\n|---|---|\n{table}"
    )
    plain = "; ".join(f"{who.replace('`', '')} {value}" for who, value in rows)
    prop["description"] = f"{text}{DEFAULTS_MARK_TEXT}{plain}."


def _preset_summary(p: Preset, cat: Catalog) -> str:
    """The preset's values in short; FLUX.1's `learning_rate_unet` is its transformer's (catalog `denoiser`)."""
    denoiser = cat.denoiser(p.base_model)
    values = " · ".join(
        f"{_SHORT[k].format(denoiser=denoiser)} {p.values[k].describe()}" for k in _SHORT if k in p.values
    )
    return values + (f". {p.note}" if p.note else "")


def preset_descriptions(cat: Catalog) -> list[str]:
    """One markdown line per entry of `Catalog.refs()`, in the same order."""
    out = []
    for ref in cat.refs():
        name, _, version = ref.partition("@")
        p = cat.get(ref)
        assert p is not None  # refs() lists only what get() finds
        title = f"{cat.base_models[p.base_model]['title']}, {cat.training_types[p.training_type]['title']}"
        when = f"pinned to version {version}" if version else f"the newest version, now {p.version}"
        out.append(f"**{title}** ({when}): {_preset_summary(p, cat)}")
    return out


def _choice(values: list[str]) -> str:
    """A snippet choice placeholder body; `,` `|` `$` `}` `\\` would need escaping and never occur in names."""
    return "|" + ",".join(values) + "|"


def snippets(cat: Catalog) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`defaultSnippets` for a whole new config and for the `training` block."""
    presets = newest(cat)
    first = presets[0]
    config = [
        {
            "label": "New trainlint config",
            "description": "Every required key, from a built-in preset; pick the base model, type and preset.",
            "body": {
                "schema_version": 1,
                "name": "${1:my-model}",
                "base_model": "${2" + _choice(list(cat.base_models)) + "}",
                "training_type": "${3" + _choice(list(cat.training_types)) + "}",
                "preset": "${4" + _choice([p.name for p in presets]) + "}",
                "dataset": {"path": "${5:./data}"},
            },
        }
    ]
    per_image = first.values["steps"].per_image or 1
    training = [
        {
            "label": "training (every preset key)",
            "description": "All advanced parameters a preset sets; the numbers are placeholders, keep only the keys you change.",
            "body": {
                "steps_per_image": f"^${{1:{per_image:g}}}",
                "learning_rate_unet": f"^${{2:{yaml_number(first.values['learning_rate_unet'].at(10) or 0)}}}",
                "learning_rate_text_encoder": f"^${{3:{yaml_number(first.values['learning_rate_text_encoder'].at(10) or 0)}}}",
                "text_encoder_ratio": f"^${{4:{first.values['text_encoder_ratio'].at(10):g}}}",
            },
        }
    ]
    return config, training


def fill(schema: dict[str, Any], cat: Catalog) -> dict[str, Any]:
    """Write every catalog-derived part into `schema` (in place) and return it."""
    defs = schema["$defs"]
    defs["base_model"]["enum"] = list(cat.base_models)
    defs["base_model"]["markdownEnumDescriptions"] = [m["title"] for m in cat.base_models.values()]
    defs["training_type"]["enum"] = list(cat.training_types)
    defs["training_type"]["markdownEnumDescriptions"] = [
        f"**{t['title']}**: {t['description']}" for t in cat.training_types.values()
    ]
    defs["preset"]["anyOf"][0]["enum"] = cat.refs()
    defs["preset"]["anyOf"][0]["markdownEnumDescriptions"] = preset_descriptions(cat)
    for enum_schema in (defs["base_model"], defs["training_type"], defs["preset"]["anyOf"][0]):
        # plain text for clients without markdown: the server falls back to these
        enum_schema["enumDescriptions"] = [d.replace("**", "") for d in enum_schema["markdownEnumDescriptions"]]
    training = schema["properties"]["training"]
    for key, prop in training["properties"].items():
        _with_defaults(prop, default_rows(key, cat))
    schema["defaultSnippets"], training["defaultSnippets"] = snippets(cat)
    return schema
