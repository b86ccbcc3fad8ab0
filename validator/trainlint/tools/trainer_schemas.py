"""JSON Schemas of the trainers' own config files, generated from the adapters' knowledge tables.

The keys, defaults, units, types, enums and sources an adapter reads a trainer's file with
(`inputs/knowledge/`) become a schema that editors use for completion, hover and squiggles:
one per file format (`schema/trainers/<name>.schema.json`, listed in `schema/catalog.json`).
What a schema refuses is what the trainer refuses or cannot use: a value of the wrong type
where the trainer uses it as read, a value outside a set the trainer's parser checks, a key
where the trainer's parser stops on unknown keys (SimpleTuner's arguments, sd-scripts' dataset
config). A key a trainer ignores silently stays allowed (kohya_ss' shipped presets carry such
keys); `trainlint check` reports it (TL507) with a did-you-mean. A key trainlint knows the
trainer reads but whose type it has not recorded is offered for completion with no type.
Every description ends with the trainer's source (repository, commit, file:line).

The diffusers scripts have no config file (only command-line flags in a launch script), so
they have no schema; `SKIPPED` says why and `trainlint schema --for diffusers` prints that.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..inputs.base import KeyInfo
from ..resources import TRAINER_SCHEMA_BASE, TRAINER_SCHEMAS, trainer_schema_path, trainer_schema_url

DRAFT = "http://json-schema.org/draft-07/schema#"  # what Taplo, yaml-language-server and VS Code all take

_JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v),
    "array": lambda v: isinstance(v, list | tuple),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


class Origin:
    """Where a trainer's facts come from: the repository and the commit its sources are pinned to."""

    def __init__(self, trainer: str, repository: str, commit: str | None) -> None:
        self.trainer, self.repository, self.commit = trainer, repository, commit

    def cite(self, source: str) -> str:
        """The source sentence; a source that names the commit it was read at keeps it alone."""
        at = f"@{self.commit[:12]}" if self.commit and "@" not in source and "read at" not in source else ""
        return f"Source: {self.repository}{at} {source}."


def _types(json_type: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if json_type is None:
        return ()
    return (json_type,) if isinstance(json_type, str) else tuple(json_type)


def _fits(value: Any, json_type: str | tuple[str, ...] | None) -> bool:
    return not _types(json_type) or any(_JSON_TYPES[t](value) for t in _types(json_type))


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


# text a trainer's loader turns into a number (kohya_ss' update_my_data, OneTrainer's from_dict, SimpleTuner's
# argument parser); empty text stands for "not set" in all three (0, the default kept, the option left out)
NUMBER_TEXT = r"^\s*$|^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$"
INTEGER_TEXT = r"^\s*$|^\s*[+-]?[0-9]+\s*$"
# the words SimpleTuner's flags take as text (cmd_args.py _parse_bool_flag), in any case
BOOLEAN_TEXT = r"^\s*$|^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[Yy]([Ee][Ss])?|[Nn][Oo]?|[Oo][Nn]|[Oo][Ff][Ff]|1|0)$"


def numbers_as_text(table: Mapping[str, KeyInfo]) -> dict[str, str]:
    """The text pattern of each number key of a table whose loader converts text to numbers."""
    out = {}
    for key, info in table.items():
        types = _types(info.json_type)
        if "number" in types:
            out[key] = NUMBER_TEXT
        elif "integer" in types:
            out[key] = INTEGER_TEXT
    return out


def key_schema(key: str, info: KeyInfo, origin: Origin, *, text: str | None = None) -> dict[str, Any]:
    """One key's schema: its type, enum and default from the table, its description and source.

    `text`: the trainer's loader converts text to the key's value itself (kohya_ss' `update_my_data`,
    OneTrainer's `from_dict`, SimpleTuner's parser), so text matching this pattern is accepted too.
    """
    for t in _types(info.json_type):
        if t not in _JSON_TYPES:
            raise ValueError(f"{origin.trainer} {key}: unknown JSON type {t!r}")
    if info.default is not None and not _fits(info.default, info.json_type):
        raise ValueError(f"{origin.trainer} {key}: the default {info.default!r} is not of type {info.json_type}")
    if info.enum is not None and info.default is not None and info.default not in info.enum:
        raise ValueError(f"{origin.trainer} {key}: the default {info.default!r} is not one of {info.enum}")
    out: dict[str, Any] = {}
    types = list(_types(info.json_type))
    converted = text is not None and bool(types) and "string" not in types
    if converted:
        types.append("string")
    if types:
        out["type"] = types[0] if len(types) == 1 else types
    if converted:
        out["pattern"] = text  # a pattern constrains text only: numbers and flags pass as they are
    if info.enum is not None:
        out["enum"] = list(info.enum)
    if info.default is not None:
        out["default"] = info.default
    parts = [_sentence(info.description or info.unit)]
    if info.description and info.unit:
        parts.append(f"Unit: {_sentence(info.unit)}")
    parts.append(f"Default: {json.dumps(info.default)}." if info.default is not None else "No default.")
    parts.append(origin.cite(info.source))
    out["description"] = " ".join(parts)
    return out


def known_key(origin: Origin, source: str) -> dict[str, Any]:
    """A key the trainer reads whose type and default trainlint has not recorded."""
    return {
        "description": f"Read by {origin.trainer}; trainlint records no type or default for it. {origin.cite(source)}"
    }


def properties(
    table: Mapping[str, KeyInfo],
    origin: Origin,
    *,
    known: Iterable[str] = (),
    known_source: str = "",
    text: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The `properties` of a section: the table's keys with their schemas, then the other keys the
    trainer reads (`known`), in name order so the file diffs well; `text`: key -> the pattern of the
    text the trainer converts to the key's value."""
    text = text or {}
    out = {key: key_schema(key, info, origin, text=text.get(key)) for key, info in table.items()}
    for key in known:
        if key not in out:
            out[key] = known_key(origin, known_source)
    return dict(sorted(out.items()))


def document(name: str, title: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    """The schema document: draft, id, title and description first, then the body."""
    return {"$schema": DRAFT, "$id": trainer_schema_url(name), "title": title, "description": description, **body}


# --- ai-toolkit -----------------------------------------------------------------------------


def ai_toolkit() -> dict[str, Any]:
    from ..inputs.knowledge import ai_toolkit as K

    origin = Origin("ai-toolkit", K.REPOSITORY, K.COMMIT)
    loose = f"{K.MODULES} (kwargs.get, read at f699f4be)"

    def section(title: str, table: Mapping[str, KeyInfo], known: Iterable[str]) -> dict[str, Any]:
        return {
            "type": "object",
            "description": f"{title} {origin.cite(K.MODULES)}",
            "properties": properties(table, origin, known=known, known_source=loose),
        }

    process = {
        "type": "object",
        "description": (
            "One process of the job. Every key of a section is read with kwargs.get: a key ai-toolkit does "
            "not know is ignored, and no value is converted. " + origin.cite(K.PROCESS_TYPES)
        ),
        "properties": {
            **{key: known_key(origin, K.PROCESS_TYPES) for key in sorted(K.PROCESS_KEYS)},
            "type": {
                "type": "string",
                "description": "The process: sd_trainer (and the other image trainers) trains on images, slider "
                "on prompt pairs. " + origin.cite(K.PROCESS_TYPES),
                "examples": sorted(K.TRAINING_PROCESSES),
            },
            "train": {"$ref": "#/definitions/train"},
            "model": {"$ref": "#/definitions/model"},
            "network": {"$ref": "#/definitions/network"},
            "datasets": {
                "type": "array",
                "description": "The datasets trained on. " + origin.cite(K.MODULES),
                "items": {"$ref": "#/definitions/dataset"},
            },
            "save": {"$ref": "#/definitions/save"},
            "sample": {"$ref": "#/definitions/sample"},
            "logging": {"$ref": "#/definitions/logging"},
        },
    }
    return document(
        "ai-toolkit",
        "ai-toolkit job config",
        "A job file of ostris/ai-toolkit (YAML or JSON): job, config.name and config.process, a list of "
        "processes each with train, model, network, datasets, save and sample sections. "
        "Numbers such as 1e-4 are floats for ai-toolkit, which adds a float resolver to its YAML loader; "
        "a ${VAR} value is replaced from the environment before the file is read. "
        + origin.cite(f"{K.CONFIG}, {K.MODULES}"),
        {
            "type": "object",
            "properties": {
                "job": {
                    "type": "string",
                    "description": "The job kind: extension runs the processes of config.process "
                    "(sd_trainer and the other trainers). " + origin.cite(K.PROCESS_TYPES),
                },
                "config": {
                    "type": "object",
                    "description": "The job's settings and its processes. " + origin.cite(K.CONFIG),
                    "properties": {
                        **{key: known_key(origin, K.CONFIG) for key in sorted(K.CONFIG_KEYS)},
                        "name": {
                            "type": "string",
                            "description": "The job's name; [name] in the file is replaced by it. "
                            + origin.cite(K.ENV_AND_NAME),
                        },
                        "process": {
                            "type": "array",
                            "description": "The processes the job runs, in order. " + origin.cite(K.PROCESS_TYPES),
                            "items": {"$ref": "#/definitions/process"},
                        },
                    },
                },
                "meta": {"type": "object", "description": "Free-form metadata saved with the model."},
            },
            "definitions": {
                "process": process,
                "train": section("The train section (TrainConfig).", K.TRAIN, K.TRAIN_KEYS),
                "model": section("The model section (ModelConfig).", K.MODEL, K.MODEL_KEYS),
                "network": section(
                    "The network section (NetworkConfig): present, a network is trained; absent, the whole model.",
                    K.NETWORK,
                    K.NETWORK_KEYS,
                ),
                "dataset": section("One dataset (DatasetConfig).", K.DATASET, K.DATASET_KEYS),
                "save": section("The save section (SaveConfig).", K.SAVE, K.SAVE_KEYS),
                "sample": section("The sample section (SampleConfig).", K.SAMPLE, K.SAMPLE_KEYS),
                "logging": section("The logging section (LoggingConfig).", K.LOGGING, K.LOGGING_KEYS),
            },
        },
    )


# --- sd-scripts ---------------------------------------------------------------------------------


def sd_scripts() -> dict[str, Any]:
    from ..inputs.knowledge import sd_scripts as K

    origin = Origin("sd-scripts", K.REPOSITORY, K.COMMIT)
    table = {**K.ARGUMENT_INFO, **K.KEYS}
    props = properties(table, origin, known=K.ARGUMENTS, known_source="the training scripts' argument parsers")
    return document(
        "sd-scripts",
        "sd-scripts training config (--config_file TOML)",
        "The TOML of kohya-ss/sd-scripts' --config_file: the training script's command-line options without "
        "the leading --. Tables only group them: sd-scripts reads every table's keys into one namespace. "
        "Values bypass argparse, so each must already be of the option's type (a quoted number stays text). "
        "A key no script defines is accepted and never read (trainlint check reports it, TL507). "
        + origin.cite(K.CONFIG_FILE_LOADER),
        {
            "type": "object",
            "properties": props,
            "patternProperties": {
                "^metadata_": {
                    "type": "string",
                    "description": "Model metadata (title, author, ...). " + origin.cite("library/train_util.py"),
                }
            },
            # a table (`[model_arguments]`) holds options; any other key is ignored by sd-scripts
            "additionalProperties": {"if": {"type": "object"}, "then": {"$ref": "#/definitions/table"}},
            "definitions": {
                "table": {
                    "type": "object",
                    "description": "A table of options: its name is ignored, its keys are options. "
                    + origin.cite(K.CONFIG_FILE_LOADER),
                    "properties": {key: {"$ref": f"#/properties/{key}"} for key in props},
                }
            },
        },
    )


def sd_scripts_dataset() -> dict[str, Any]:
    from ..inputs.knowledge import sd_scripts as K

    origin = Origin("sd-scripts", K.REPOSITORY, K.COMMIT)
    table = {**K.DATASET_KEY_INFO, **K.DATASET_KEYS}

    def level(description: str, keys: Iterable[str], extra: dict[str, Any] | None = None) -> dict[str, Any]:
        props = properties(
            {k: table[k] for k in keys if k in table}, origin, known=keys, known_source=K.DATASET_SCHEMA_SOURCE
        )
        return {
            "type": "object",
            "description": f"{description} {origin.cite(K.DATASET_SCHEMA_SOURCE)}",
            "properties": {**props, **(extra or {})},
            "additionalProperties": False,
        }

    return document(
        "sd-scripts-dataset",
        "sd-scripts dataset config (--dataset_config)",
        "The dataset config of kohya-ss/sd-scripts (TOML, or JSON by its suffix): [general], then [[datasets]], "
        "each with [[datasets.subsets]] (one image folder each). A lower level overrides a higher one. "
        "sd-scripts checks the file against its own schema and stops on an unknown key or a wrong type. "
        + origin.cite(f"{K.DATASET_CONFIG_LOADER}; {K.DATASET_SCHEMA_SOURCE}"),
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "general": {"$ref": "#/definitions/general"},
                "datasets": {
                    "type": "array",
                    "description": "The datasets, each a [[datasets]] table. " + origin.cite(K.DATASET_SCHEMA_SOURCE),
                    "items": {"$ref": "#/definitions/dataset"},
                },
            },
            "definitions": {
                "general": level("Settings every dataset and subset starts from.", sorted(K.DATASET_GENERAL_KEYS)),
                "dataset": level(
                    "One dataset: its settings, then its subsets.",
                    sorted(K.DATASET_DATASET_KEYS - {"subsets"}),
                    {
                        "subsets": {
                            "type": "array",
                            "description": "The dataset's image folders, each a [[datasets.subsets]] table. "
                            + origin.cite(K.DATASET_SCHEMA_SOURCE),
                            "items": {"$ref": "#/definitions/subset"},
                        }
                    },
                ),
                "subset": level("One image folder and how it is read.", sorted(K.DATASET_SUBSET_KEYS)),
            },
        },
    )


# --- kohya_ss ---------------------------------------------------------------------------------


def kohya_ss() -> dict[str, Any]:
    from ..inputs.knowledge import kohya_ss as K

    origin = Origin("kohya_ss", K.REPOSITORY, K.COMMIT)
    patterns = {**dict.fromkeys(K.INT_ON_LOAD, INTEGER_TEXT), **dict.fromkeys(K.FLOAT_ON_LOAD, NUMBER_TEXT)}
    props = properties(
        K.KEYS, origin, known=K.ACCEPTED_KEYS, known_source=f"{K.LOAD_OVERLAY} (the GUI's fields)", text=patterns
    )
    return document(
        "kohya_ss",
        "kohya_ss GUI config (JSON)",
        "A config or preset saved by the bmaltais/kohya_ss GUI: a flat JSON object of the GUI's fields. Loading "
        "it is an overlay: each field takes the file's value, and a field the file leaves out keeps what the GUI "
        "shows. The keys the GUI converts on load may hold their number as text (text that is no number becomes "
        "0, an empty text too); a key that is no field is ignored (trainlint check reports it, TL507). "
        + origin.cite(f"{K.LOAD_OVERLAY}; {K.UPDATE_MY_DATA}"),
        {"type": "object", "properties": props},
    )


# --- OneTrainer -------------------------------------------------------------------------------


def onetrainer() -> dict[str, Any]:
    from ..inputs.knowledge import onetrainer as K

    origin = Origin("OneTrainer", K.REPOSITORY, K.COMMIT)
    top = {key: info for key, info in K.KEYS.items() if "." not in key}
    props = properties(
        top,
        origin,
        known=[*K.TOP_LEVEL_KEYS, *K.LEGACY_KEYS],
        known_source=f"{K.TOP_LEVEL_SOURCE}; migrations {K.MIGRATION_SOURCE}",
        text=numbers_as_text(top),
    )

    def part(defaults: Mapping[str, KeyInfo], what: str) -> dict[str, Any]:
        return {
            "type": "object",
            "description": f"{what} {origin.cite(next(iter(defaults.values())).source if defaults else K.TOP_LEVEL_SOURCE)}",
            "properties": properties(
                defaults, origin, known=K.PART_KEYS, known_source=K.TOP_LEVEL_SOURCE, text=numbers_as_text(defaults)
            ),
        }

    for name in sorted(K.PART_NAMES):
        kind = K.PART_DEFAULTS.get(name)
        ref = "other_part" if kind is None else "text_encoder" if kind is K.TEXT_ENCODER_DEFAULTS else "denoiser"
        props[name] = {"$ref": f"#/definitions/{ref}"}
    optimizer = K.KEYS["optimizer.optimizer"]
    props["optimizer"] = {
        # files of the first versions name the optimizer alone; the migrations make it this object
        "type": ["object", "string"],
        "description": "The optimizer and its settings (a file of an early version names the optimizer alone, "
        "which the migration turns into this object). " + origin.cite(f"{optimizer.source}; {K.MIGRATION_SOURCE}"),
        "properties": {"optimizer": key_schema("optimizer.optimizer", optimizer, origin)},
    }
    props["concepts"] = {
        **props["concepts"],
        "items": {"$ref": "#/definitions/concept"},
    }
    return document(
        "onetrainer",
        "OneTrainer training config (JSON)",
        "A training config or preset of Nerogar/OneTrainer. OneTrainer migrates a file from its __version, then "
        "takes every key it knows, converting numbers written as text and enum names; a value it cannot convert "
        "is 'Could not set' and the default stays, and a key it does not know is ignored (trainlint check "
        "reports it, TL507). " + origin.cite(K.CONVERSION_SOURCE),
        {
            "type": "object",
            "properties": dict(sorted(props.items())),
            "definitions": {
                "denoiser": part(K.DENOISER_DEFAULTS, "The denoiser (unet, transformer or prior) and how it trains."),
                "text_encoder": part(K.TEXT_ENCODER_DEFAULTS, "A text encoder and how it trains."),
                "other_part": part({}, "A model part (VAE, decoder, ...)."),
                "concept": onetrainer_concept(),
            },
        },
    )


def onetrainer_concept() -> dict[str, Any]:
    from ..inputs.knowledge import onetrainer as K

    origin = Origin("OneTrainer", K.REPOSITORY, K.COMMIT)
    return {
        "type": "object",
        "description": "One concept: a folder of images and how often it is seen. "
        + origin.cite(K.CONCEPT_KEYS["path"].source),
        "properties": properties(K.CONCEPT_KEYS, origin, text=numbers_as_text(K.CONCEPT_KEYS)),
    }


def onetrainer_concepts() -> dict[str, Any]:
    from ..inputs.knowledge import onetrainer as K

    origin = Origin("OneTrainer", K.REPOSITORY, K.COMMIT)
    return document(
        "onetrainer-concepts",
        "OneTrainer concepts file (JSON)",
        "The concepts file a OneTrainer config names (concept_file_name, training_concepts/concepts.json by "
        "default): a list of concepts, each a folder of images with how often it is seen. "
        + origin.cite(K.KEYS["concept_file_name"].source),
        {"type": "array", "items": {"$ref": "#/definitions/concept"}, "definitions": {"concept": onetrainer_concept()}},
    )


# --- SimpleTuner ------------------------------------------------------------------------------


def simpletuner() -> dict[str, Any]:
    from ..inputs.knowledge import simpletuner as K

    origin = Origin("SimpleTuner", K.REPOSITORY, K.COMMIT)
    flags = {key: BOOLEAN_TEXT for key, info in K.KEYS.items() if info.json_type == "boolean"}
    props = properties(
        K.KEYS,
        origin,
        known=K.OPTIONS,
        known_source=K.OPTIONS_SOURCE,
        text={**numbers_as_text(K.KEYS), **flags},
    )
    for schema in props.values():
        # null and "" are left out before the parser sees the options: the option is not given
        if "type" in schema:
            types = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
            schema["type"] = [*types, "null"]
    for key, what in K.HANDLED_BEFORE_PARSER.items():
        props.setdefault(key, {"description": f"Not an option of the parser: {what}. {origin.cite(K.CLI_SOURCE)}"})
    dashed = {f"--{key}": {"$ref": f"#/properties/{key}"} for key in props}
    return document(
        "simpletuner",
        "SimpleTuner config.json",
        "The config.json (or config.toml) of bghira/SimpleTuner: the trainer's command-line options as a flat map, "
        "each key with or without the leading --. Each value is turned into --key=value text for the argument "
        "parser, which converts it to the option's type: a number may be written as text, true gives the bare "
        "flag, false, null and empty text leave the option out. The parser refuses an option it does not know, "
        "so an unknown key is an error, unless its value is a table, which never reaches the parser. "
        + origin.cite(f"{K.CLI_SOURCE}; {K.PARSER_SOURCE}"),
        {
            "type": "object",
            "properties": dict(sorted({**props, **dashed}.items())),
            "additionalProperties": {
                "type": "object",
                "description": "A table is set aside before the parser: it configures nothing here. "
                + origin.cite(K.CLI_SOURCE),
            },
        },
    )


def simpletuner_dataloader() -> dict[str, Any]:
    from ..inputs.knowledge import simpletuner as K

    origin = Origin("SimpleTuner", K.REPOSITORY, K.COMMIT)
    backend = {
        "type": "object",
        "description": "One data backend: a dataset of images (or of cached embeddings) and how it is read. "
        + origin.cite(K.BACKEND_KEYS["id"].source),
        "properties": properties(K.BACKEND_KEYS, origin),
    }
    return document(
        "simpletuner-dataloader",
        "SimpleTuner data backend list (multidatabackend.json)",
        "The data backend list SimpleTuner's data_backend_config names: a list of backends, each a dataset "
        "with its folder, repeats and type. " + origin.cite(K.BACKEND_KEYS["id"].source),
        {"type": "array", "items": {"$ref": "#/definitions/backend"}, "definitions": {"backend": backend}},
    )


# --- Scenario ---------------------------------------------------------------------------------


def scenario() -> dict[str, Any]:
    from ..inputs.knowledge import scenario as K

    origin = Origin("Scenario API", "Scenario", None)
    fields = properties(K.PARAMETERS, origin)
    for key in K.DEPRECATED:
        fields[key]["deprecated"] = True  # an annotation editors show (draft 2019-09 names it; draft-07 ignores it)
    parameters = {
        "type": "object",
        "description": "The training parameters; which apply depends on the model's type (Flux LoRA only: "
        "batchSize, nbEpochs, nbRepeats, ...). A field the reference does not list is not a parameter "
        "(trainlint check reports it, TL507). " + origin.cite(K.DOCS),
        "properties": fields,
    }
    model_type = {
        "type": "string",
        "description": "The model's type, which decides the trainer (flux.1-lora, sd-xl-lora, ...). "
        + origin.cite(K.TYPE_SOURCE),
        "examples": sorted(K.TYPES),
    }
    return document(
        "scenario",
        "Scenario training request (JSON)",
        'The JSON body of Scenario\'s PUT /models/{modelId}/train ({"parameters": {...}}), of a model created '
        'or updated with its type, or a model as the API returns it ({"model": {...}}). '
        + origin.cite(f"{K.DOCS}; {K.SDK}"),
        {
            "type": "object",
            "properties": {
                "parameters": {"$ref": "#/definitions/parameters"},
                "type": model_type,
                "model": {
                    "type": "object",
                    "description": "A model as the API returns it. " + origin.cite(K.CREATE),
                    "properties": {
                        "type": model_type,
                        "trainingImagesNumber": {
                            "type": "integer",
                            "description": "The number of training images. " + origin.cite(K.DOCS),
                        },
                        "parameters": {"$ref": "#/definitions/parameters"},
                    },
                },
            },
            "definitions": {"parameters": parameters},
        },
    )


BUILDERS: dict[str, Callable[[], dict[str, Any]]] = {
    "kohya_ss": kohya_ss,
    "sd-scripts": sd_scripts,
    "sd-scripts-dataset": sd_scripts_dataset,
    "ai-toolkit": ai_toolkit,
    "onetrainer": onetrainer,
    "onetrainer-concepts": onetrainer_concepts,
    "simpletuner": simpletuner,
    "simpletuner-dataloader": simpletuner_dataloader,
    "scenario": scenario,
}

# trainers with no schema, and why (trainlint schema --for NAME says it)
SKIPPED = {
    "diffusers": (
        "the diffusers training scripts read no config file: every setting is a command-line flag of an "
        "`accelerate launch` script, which no JSON Schema can describe (docs/trainer-schemas.md)"
    ),
}

# the catalog entry of each schema (SchemaStore's catalog format): a name, a description without
# "schema" or a final period, and the file patterns an editor binds it to without a modeline. Trainers
# give their files no fixed names, so the patterns are the trainer's own folders (a checkout of the
# trainer, named as its repository) and a naming convention, `NAME.<trainer>.<suffix>`
CATALOG: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "kohya_ss": (
        "kohya_ss GUI config",
        "Config or preset saved by the bmaltais/kohya_ss GUI (LoRA, DreamBooth, fine-tune tabs)",
        ("*.kohya_ss.json", "**/kohya_ss/presets/**/*.json"),
    ),
    "sd-scripts": (
        "sd-scripts training config",
        "Training options of kohya-ss/sd-scripts given with --config_file (TOML)",
        ("*.sd-scripts.toml", "**/sd-scripts/config/**/*.toml"),
    ),
    "sd-scripts-dataset": (
        "sd-scripts dataset config",
        "Datasets and image folders of kohya-ss/sd-scripts given with --dataset_config (TOML)",
        ("*.sd-scripts-dataset.toml", "dataset_config.toml", "**/sd-scripts/dataset/**/*.toml"),
    ),
    "ai-toolkit": (
        "ai-toolkit job config",
        "Training job of ostris/ai-toolkit: train, model, network, datasets, save and sample sections",
        (
            "*.ai-toolkit.yaml",
            "*.ai-toolkit.yml",
            "*.ai-toolkit.json",
            "**/ai-toolkit/config/**/*.yaml",
            "**/ai-toolkit/config/**/*.yml",
        ),
    ),
    "onetrainer": (
        "OneTrainer training config",
        "Training config or preset of Nerogar/OneTrainer",
        ("*.onetrainer.json", "**/OneTrainer/training_presets/**/*.json"),
    ),
    "simpletuner": (
        "SimpleTuner config",
        "Trainer options of bghira/SimpleTuner (config.json or config.toml)",
        ("*.simpletuner.json", "**/SimpleTuner/config/**/config.json", "**/SimpleTuner/config/**/config.toml"),
    ),
    "onetrainer-concepts": (
        "OneTrainer concepts file",
        "Concepts (image folders and how often each is seen) of a Nerogar/OneTrainer config",
        ("*.onetrainer-concepts.json", "**/OneTrainer/training_concepts/*.json"),
    ),
    "simpletuner-dataloader": (
        "SimpleTuner data backend list",
        "Datasets of a bghira/SimpleTuner run (multidatabackend.json)",
        ("multidatabackend*.json", "*.simpletuner-dataloader.json"),
    ),
    "scenario": (
        "Scenario training request",
        "Body of a Scenario API training call: PUT /models/{modelId}/train",
        ("*.scenario.json",),
    ),
}

assert set(BUILDERS) == set(TRAINER_SCHEMAS) == set(CATALOG), "every shipped trainer schema has a builder and an entry"


def build(name: str) -> dict[str, Any]:
    return BUILDERS[name]()


def render(name: str) -> str:
    return json.dumps(build(name), indent=2, ensure_ascii=False) + "\n"


def catalog_entries() -> list[dict[str, Any]]:
    return [
        {
            "name": CATALOG[name][0],
            "description": CATALOG[name][1],
            "fileMatch": list(CATALOG[name][2]),
            "url": trainer_schema_url(name),
        }
        for name in TRAINER_SCHEMAS
    ]


def catalog_with_trainers(text: str) -> str:
    """The catalog (schema/catalog.json) with its trainer entries regenerated after the others."""
    catalog = json.loads(text)
    own = [entry for entry in catalog["schemas"] if not str(entry.get("url", "")).startswith(TRAINER_SCHEMA_BASE)]
    catalog["schemas"] = own + catalog_entries()
    return json.dumps(catalog, indent=2, ensure_ascii=False) + "\n"


# the input format whose reader reads a schema's files
FORMAT_OF = {
    "sd-scripts-dataset": "sd-scripts",
    "onetrainer-concepts": "onetrainer",
    "simpletuner-dataloader": "simpletuner",
}


def violations(name: str, raw: bytes, file: str) -> list[str] | None:
    """What the shipped schema `name` says of a file read as its trainer reads it (the input format's
    own reader): one line per failure, `path: message`; None when the file has no data to judge."""
    from jsonschema import Draft7Validator

    from ..document import Limits
    from ..inputs import trainer_format

    doc = trainer_format(FORMAT_OF.get(name, name)).read(raw, file, Limits())
    if doc.data is None:
        return None
    validator = Draft7Validator(json.loads(trainer_schema_path(name).read_text(encoding="utf-8")))
    return sorted(
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator.iter_errors(doc.data)
    )
