"""Reading traps in trainers' configs (TL5xx): what a trainer does with a file that its author
probably did not mean.

Each trainer's input format knows its trainer (inputs/, with the trainer's sources cited) and
reports what it found as a `Note` of a kind; each rule here words and places the notes of one
kind, so the traps share codes, severities, suppressions and documentation with every other
finding. The examples are real inputs of the trainer formats they name.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any, ClassVar

from ..diagnostics import Finding, Fix, Severity
from ..inputs import base as notes
from .base import Context, Rule, finding
from .yaml11 import yaml11_fix

TRAINERS = ("kohya_ss", "sd-scripts", "ai-toolkit", "onetrainer", "simpletuner", "diffusers", "scenario")

# Examples in the trainers' formats, here and in training.py: each trainer's smallest config (the keys
# its own tools write, a dataset folder `img/10_style` where the file names one), with the keys an
# example is about laid over it. The file is named for the trainer; its content tells the format.
EXAMPLE_FILES = {
    "kohya_ss": "kohya_ss.json",
    "sd-scripts": "sd_scripts.toml",
    "ai-toolkit": "ai_toolkit.yaml",
    "onetrainer": "onetrainer.json",
    "simpletuner": "simpletuner.json",
    "diffusers": "diffusers.sh",
    "scenario": "scenario.json",
}
Example = tuple[str, str, str, dict[str, str]]


def _json(base: dict[str, Any], changes: dict[str, Any]) -> str:
    """A JSON config as the trainer's own tools write it: `base` with `changes` over it (None drops a key)."""
    return json.dumps({k: v for k, v in {**base, **changes}.items() if v is not None}, indent=2) + "\n"


def _scalar(value: Any) -> str:
    """A TOML, YAML or shell value as people write it: `1e-4` rather than `0.0001`, `true`, text as it is."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and 0 < abs(value) < 1e-3:
        mantissa, exponent = f"{value:e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    return str(value)


def kohya_ss(**fields: Any) -> str:
    """A kohya_ss GUI config saved from the LoRA tab (SD 1.5); without `LoRA_type`, the DreamBooth tab."""
    return _json(
        {
            "LoRA_type": "Standard",
            "pretrained_model_name_or_path": "runwayml/stable-diffusion-v1-5",
            "sdxl": False,
            "train_data_dir": "img",
            "optimizer": "AdamW8bit",
            "train_batch_size": 1,
            "epoch": 10,
            "caption_extension": ".txt",
            "save_model_as": "safetensors",
        },
        fields,
    )


def sd_scripts(**keys: Any) -> str:
    """An sd-scripts `--config_file` for sdxl_train_network.py."""
    keys = {
        "pretrained_model_name_or_path": "stabilityai/stable-diffusion-xl-base-1.0",
        "network_module": "networks.lora",
        "train_data_dir": "img",
        "train_batch_size": 1,
        "learning_rate": 1e-4,
        **keys,
    }
    return "".join(
        f"{key} = {json.dumps(v) if isinstance(v, str) else _scalar(v)}\n" for key, v in keys.items() if v is not None
    )


def ai_toolkit(model: str = "black-forest-labs/FLUX.1-dev\n        is_flux: true", **train: Any) -> str:
    """An ai-toolkit job training a FLUX.1 LoRA; `train` holds the keys of its `train:` section."""
    return (
        "job: extension\nconfig:\n  name: example\n  process:\n    - type: sd_trainer\n"
        "      network:\n        type: lora\n      datasets:\n        - folder_path: img/10_style\n"
        f"      model:\n        name_or_path: {model}\n      train:\n"
        + "".join(f"        {key}: {_scalar(v)}\n" for key, v in train.items())
    )


def onetrainer(**fields: Any) -> str:
    """A OneTrainer config for an SD 1.5 LoRA with one concept."""
    return _json(
        {
            "__version": 11,
            "model_type": "STABLE_DIFFUSION_15",
            "training_method": "LORA",
            "batch_size": 1,
            "learning_rate": 1e-4,
            "concepts": [{"name": "style", "path": "img/10_style"}],
        },
        fields,
    )


def simpletuner(**options: Any) -> str:
    """A SimpleTuner config.json for an SDXL LoRA (its data backends: `SIMPLETUNER_DATA`)."""
    return _json(
        {
            "model_family": "sdxl",
            "model_type": "lora",
            "pretrained_model_name_or_path": "stabilityai/stable-diffusion-xl-base-1.0",
            "data_backend_config": "multidatabackend.json",
            "output_dir": "output",
            "train_batch_size": 1,
            "learning_rate": 1e-4,
        },
        options,
    )


SIMPLETUNER_DATA = {
    "multidatabackend.json": json.dumps(
        [
            {"id": "style", "type": "local", "instance_data_dir": "img/10_style", "caption_strategy": "filename"},
            {
                "id": "text-embeds",
                "type": "local",
                "dataset_type": "text_embeds",
                "default": True,
                "cache_dir": "cache",
            },
        ],
        indent=2,
    )
    + "\n"
}


def diffusers(*flags: str, script: str = "train_dreambooth_lora_sdxl.py", **options: Any) -> str:
    """A shell script launching one of diffusers' DreamBooth scripts (SDXL LoRA); `flags` are switches."""
    given = [f"--{flag}" for flag in flags] + [f"--{key}={_scalar(v)}" for key, v in options.items()]
    return (
        f"accelerate launch --num_processes 1 {script} \\\n"
        "  --pretrained_model_name_or_path=stabilityai/stable-diffusion-xl-base-1.0 \\\n"
        "  --instance_data_dir=img/10_style --instance_prompt='in the style of TOK' \\\n"
        f"  {' '.join(given)}\n"
    )


def scenario(model: str = "flux.1-lora", images: int = 10, **parameters: Any) -> str:
    """A Scenario model: its type, the number of training images and the training parameters."""
    return _json({"type": model, "trainingImagesNumber": images, "parameters": parameters}, {})


def example(
    trainer: str, fails: str, passes: str, training_type: str | None = None, beside: dict[str, str] | None = None
) -> Example:
    """A `more_examples` entry in a trainer's format, with the training type said the way that format
    allows: a `# trainlint:` comment, or for JSON, which holds no comments, the configuration beside it."""
    name, files = EXAMPLE_FILES[trainer], dict(beside or {})
    if training_type is not None and name.endswith(".json"):
        files["trainlint.toml"] = f'[per-file-training-type]\n"{name}" = "{training_type}"\n'
    elif training_type is not None:
        said = f"# trainlint: training_type={training_type}\n"
        fails, passes = said + fails, said + passes
    return name, fails, passes, files


class TrainerNoteRule(Rule):
    """Findings for the notes of one kind that a trainer's input format reported."""

    kind: ClassVar[str]
    formats = TRAINERS

    def check(self, ctx: Context) -> Iterable[Finding]:
        if ctx.adapted is None:
            return
        for note in ctx.adapted.notes:
            if note.kind == self.kind:
                yield finding(type(self), note.message, note.path, on_key=note.on_key, hint=note.hint)


class NumberAsString(TrainerNoteRule):
    """A number written as a string (or `""`) where the trainer wants a number.

    Why: What happens then depends on the trainer, and none of it is what the author meant:
    kohya_ss's GUI converts the text with `int()` or `float()` on load and turns what they cannot
    read into 0 (`max_train_steps: ""` means sd-scripts' default of 1,600 steps, `"1e3"` steps
    become 0; `kohya_gui/common_gui.py:379-509`), while a text they read (`learning_rate: "1e-4"`)
    trains as the number it shows and is not reported; sd-scripts uses TOML values raw, so a
    quoted learning rate reaches the optimizer as a string (`library/train_util.py:4700-4763`);
    argparse-based scripts refuse `--max_train_steps=1e3`. Each message says what that trainer does.

    Source: The trainers' loaders, cited per trainer in trainlint's trainer pages (docs/trainers/).
    """

    code, name = "TL501", "number-as-string"
    severity = Severity.WARNING
    kind = notes.NUMBER_AS_STRING
    example_file = EXAMPLE_FILES["sd-scripts"]
    fails = sd_scripts(learning_rate="1e-4")
    passes = sd_scripts(learning_rate=1e-4)
    more_examples = (
        example(
            "kohya_ss",
            kohya_ss(learning_rate=1e-4, max_train_steps="1e3"),
            kohya_ss(learning_rate="1e-4", max_train_steps=1000),
        ),
        example("ai-toolkit", ai_toolkit(steps=1000, lr='"1e-4"'), ai_toolkit(steps=1000, lr=1e-4)),
        example("onetrainer", onetrainer(epochs="1e2"), onetrainer(epochs=100)),
        example("simpletuner", simpletuner(max_train_steps="1e3"), simpletuner(max_train_steps=1000)),
        example("diffusers", diffusers(max_train_steps="1e3"), diffusers(max_train_steps=1000)),
        example("scenario", scenario(maxTrainSteps="1000"), scenario(maxTrainSteps=1000)),
    )


class EpochsOverrideSteps(TrainerNoteRule):
    """An epoch count that silently replaces a step count written beside it.

    Why: sd-scripts computes `max_train_steps` from `max_train_epochs` whenever that is set, whatever
    `max_train_steps` says (`train_network.py:798-805`); the kohya_ss GUI passes both on. The
    steps a reader of the file sees are not the steps that train.

    Source: kohya-ss/sd-scripts `train_network.py:798-805`; bmaltais/kohya_ss `lora_gui.py:2252-2255`.
    """

    code, name = "TL502", "epochs-override-steps"
    severity = Severity.WARNING
    kind = notes.EPOCHS_OVERRIDE_STEPS
    example_file = EXAMPLE_FILES["sd-scripts"]
    fails = sd_scripts(max_train_steps=2000, max_train_epochs=10)
    passes = sd_scripts(max_train_steps=2000)
    more_examples = (
        example(
            "kohya_ss",
            kohya_ss(max_train_steps=2000, max_train_epochs=10),
            kohya_ss(max_train_steps=2000, max_train_epochs=0),
        ),
    )


class TextEncoderStopIgnored(TrainerNoteRule):
    """A text-encoder stop the trainer ignores: the text encoder trains for the whole run.

    Why: The kohya_ss GUI's LoRA tab logs "not yet supported. Ignoring" for a "Stop TE (% of total
    steps)" above 0 and resets it (`lora_gui.py:1600-1605`); sd-scripts' LoRA scripts and
    `sdxl_train.py` have no such option (only `train_db.py` has) and take the key from a TOML
    without a word. A style LoRA meant to stop the text encoder early trains it to the end. It is
    reported where the text encoder trains; the hint offers the whole run or none, by the trainer's
    switch rather than a learning rate of 0.

    Source: bmaltais/kohya_ss `kohya_gui/lora_gui.py:1600-1605`.
    """

    code, name = "TL503", "text-encoder-stop-ignored"
    severity = Severity.WARNING
    kind = notes.TE_STOP_IGNORED
    example_file = EXAMPLE_FILES["kohya_ss"]
    fails = kohya_ss(learning_rate=1e-4, unet_lr=1e-4, text_encoder_lr=5e-5, stop_text_encoder_training=30)
    passes = kohya_ss(
        learning_rate=1e-4,
        unet_lr=1e-4,
        text_encoder_lr=5e-5,
        stop_text_encoder_training=0,
        additional_parameters="--network_train_unet_only",
    )
    more_examples = (
        example(
            "sd-scripts",
            sd_scripts(network_module=None, train_text_encoder=True, stop_text_encoder_training=100),
            sd_scripts(network_module=None, train_text_encoder=False),
        ),
    )


class TextEncoderStopUnit(TrainerNoteRule):
    """A text-encoder stop counted in another unit than it looks.

    Why: The kohya_ss DreamBooth tab labels `stop_text_encoder_training` a percentage but passes the
    number unchanged to `train_db.py`, which reads it as a step count (`dreambooth_gui.py:1081-1083`):
    30 means "after 30 steps", not 30 %. It is reported where the number cannot be the step its author
    meant: one the slider offers (1 to 100) that, as a step, stops the text encoder within the first
    tenth of a run of 200 steps or more; the hint gives the step of the labelled percent.

    OneTrainer's `STEP` unit counts batches, not optimizer updates, so with gradient accumulation
    the stop comes that many times earlier in the run than a count of updates would. It is reported
    where, read as batches, the text encoder stops within the first tenth of the run while, read as
    updates, it would stop at a usual share; the hint multiplies the stop by the accumulation, which
    read as batches is that share.

    Source: bmaltais/kohya_ss `dreambooth_gui.py:1081-1083`; Nerogar/OneTrainer `modules/util/enum/TimeUnit.py`.
    """

    code, name = "TL504", "text-encoder-stop-unit"
    severity = Severity.WARNING
    kind = notes.TE_STOP_UNIT
    example_file = EXAMPLE_FILES["onetrainer"]
    # 10 images, 100 epochs at batch 1: 1,000 batches; after 50 batches is 5 % of the run, 50 updates 20 %
    files: ClassVar[dict[str, str]] = {f"img/10_style/{n:02}.png": "" for n in range(10)}
    fails = onetrainer(
        gradient_accumulation_steps=4,
        text_encoder={"train": True, "stop_training_after": 50, "stop_training_after_unit": "STEP"},
    )
    passes = onetrainer(
        gradient_accumulation_steps=4,
        text_encoder={"train": True, "stop_training_after": 200, "stop_training_after_unit": "STEP"},
    )
    more_examples = (
        example(
            "kohya_ss",
            kohya_ss(
                LoRA_type=None,
                learning_rate=1e-5,
                learning_rate_te=5e-6,
                max_train_steps=3000,
                stop_text_encoder_training=30,
            ),
            kohya_ss(
                LoRA_type=None,
                learning_rate=1e-5,
                learning_rate_te=5e-6,
                max_train_steps=3000,
                stop_text_encoder_training=30,
                additional_parameters="--stop_text_encoder_training 900",
            ),
        ),
    )


class TextEncoderFractionCoarse(TrainerNoteRule):
    """A text-encoder fraction the run has too few epochs to honour.

    Why: diffusers' advanced DreamBooth scripts stop the text encoder after
    `int(train_text_encoder_frac x num_train_epochs)` epochs: with one or two epochs a fraction of
    0.5 means no text-encoder training at all, or all of it.

    Source: huggingface/diffusers `examples/advanced_diffusion_training/train_dreambooth_lora_sdxl_advanced.py`.
    """

    code, name = "TL505", "text-encoder-fraction-coarse"
    severity = Severity.WARNING
    kind = notes.TE_FRACTION_COARSE
    example_file = EXAMPLE_FILES["diffusers"]
    fails = diffusers(
        "train_text_encoder",
        script="train_dreambooth_lora_sdxl_advanced.py",
        num_train_epochs=1,
        train_text_encoder_frac=0.5,
    )
    passes = diffusers(
        "train_text_encoder",
        script="train_dreambooth_lora_sdxl_advanced.py",
        num_train_epochs=10,
        train_text_encoder_frac=0.5,
    )


class ZeroLearningRate(TrainerNoteRule):
    """A learning rate of 0, and what that trainer makes of it.

    Why: It means something different in every trainer: sd-scripts drops the parameter group (that
    part is not trained, `networks/lora.py:1187-1189`), the kohya_ss LoRA tab switches a U-Net rate
    of 0 to text-encoder-only training, ai-toolkit trains nothing, diffusers' SDXL script falls back
    to `--learning_rate` for the text encoder. The message says which.

    Not reported: a text encoder rate of 0 beside a U-Net rate in the kohya_ss LoRA tab, which is the
    tab's own way to train the U-Net only (it passes `network_train_unet_only`, `lora_gui.py:2066-2131`): leaving
    the text encoder out is a deliberate, common choice, which TL402 judges by training type.

    Source: Per trainer, in trainlint's trainer pages (docs/trainers/).
    """

    code, name = "TL506", "zero-learning-rate"
    severity = Severity.WARNING
    kind = notes.ZERO_LEARNING_RATE
    example_file = EXAMPLE_FILES["ai-toolkit"]
    fails = ai_toolkit(steps=1000, lr=0)
    passes = ai_toolkit(steps=1000, lr=1e-4)
    more_examples = (
        example(
            "kohya_ss",
            kohya_ss(learning_rate=1e-4, unet_lr=0, text_encoder_lr=5e-5),
            kohya_ss(learning_rate=1e-4, unet_lr=1e-4, text_encoder_lr=0),
        ),
        example("sd-scripts", sd_scripts(text_encoder_lr=0), sd_scripts(network_train_unet_only=True)),
        example(
            "onetrainer",
            onetrainer(text_encoder={"train": True, "learning_rate": 0}),
            onetrainer(text_encoder={"train": False}),
        ),
        example("simpletuner", simpletuner(learning_rate=0), simpletuner(learning_rate=1e-4)),
        example("diffusers", diffusers(learning_rate=0), diffusers(learning_rate=1e-4)),
        example("scenario", scenario(learningRate=0), scenario(learningRate=1e-4)),
    )


class UnknownTrainerKey(TrainerNoteRule):
    """A key (or flag) the trainer does not read, with the closest one it does.

    Why: Most trainers accept unknown keys silently (sd-scripts takes any TOML key into its
    namespace, `train_util.py:4700-4763`), so a typo such as `learnig_rate` leaves the default
    in force with no warning.

    Source: The accepted keys of each trainer at its pinned commit (inputs/knowledge/).
    """

    code, name = "TL507", "unknown-trainer-key"
    severity = Severity.WARNING
    kind = notes.UNKNOWN_KEY
    example_file = EXAMPLE_FILES["sd-scripts"]
    fails = sd_scripts(learning_rate=None, learnig_rate=1e-4)
    passes = sd_scripts()
    more_examples = (
        example("kohya_ss", kohya_ss(lerning_rate=1e-4), kohya_ss(learning_rate=1e-4)),
        example(
            "ai-toolkit", ai_toolkit(steps=1000, lr=1e-4, bacth_size=2), ai_toolkit(steps=1000, lr=1e-4, batch_size=2)
        ),
        example("onetrainer", onetrainer(learning_rate=None, learning_rte=1e-4), onetrainer()),
        example("simpletuner", simpletuner(learning_rate=None, lerning_rate=1e-4), simpletuner()),
        example("diffusers", diffusers(learnig_rate=1e-4), diffusers(learning_rate=1e-4)),
        example("scenario", scenario(learningRat=1e-4), scenario(learningRate=1e-4)),
    )


class TrainerYaml11Reading(TrainerNoteRule):
    """A plain YAML value that the trainer's own YAML loader reads otherwise than meant.

    Why: ai-toolkit patches PyYAML so that `1e-4` is a float, but the rest of YAML 1.1 still applies:
    `no` and `on` are booleans, `0755` is octal, `2024-05-01` a date (which stops the job when
    it is written out as JSON). The message says whether the trainer is affected.

    Fix safety: The fix writes the spelling both YAML versions read alike, TL010's (`no`
    quoted, `0755` as `755`), so that ai-toolkit reads what the file shows: the YAML 1.2 data
    stays as it was, only its spelling changes. The job is read again by ai-toolkit's format
    after each pass, and before anything is written ruamel.yaml reads the old and the new text,
    which must hold the same data. A date gets no fix: quoting it would change its data for
    YAML 1.2 readers such as ruamel.yaml, so its author decides. Only ai-toolkit's YAML jobs are
    rewritten; JSON and TOML trainer configs are checked, not fixed.

    Source: ostris/ai-toolkit `toolkit/config.py:55-67`.
    """

    code, name = "TL508", "trainer-yaml11-reading"
    severity = Severity.WARNING
    kind = notes.YAML11_READING
    fixable = True

    def check(self, ctx: Context) -> Iterable[Finding]:
        """The notes, each with the spelling both YAML versions read alike where there is one (TL010's
        fix: `no` quoted, `0755` as 755), so `fix` makes the trainer read what the file shows."""
        readings = {reading.path: reading for reading in ctx.doc.yaml11}
        for found in super().check(ctx):
            reading = readings.get(found.path)
            edits = () if reading is None or isinstance(reading.value11, datetime.date) else yaml11_fix(reading)
            yield found._replace(fix=Fix(f"write it as {edits[0].text}", edits)) if edits else found

    example_file = EXAMPLE_FILES["ai-toolkit"]
    fails = ai_toolkit(steps=1000, lr=1e-4).replace("      network:", "      trigger_word: no\n      network:")
    passes = ai_toolkit(steps=1000, lr=1e-4).replace("      network:", '      trigger_word: "no"\n      network:')


class UnsupportedModel(TrainerNoteRule):
    """A model family the guide's advice was not written for (SD3, Wan, Qwen-Image, ...).

    Why: The presets and thresholds are those of SD 1.5, SDXL and FLUX.1; another family is named
    rather than misread as one of them, and the rules that compare with a preset stay silent.

    Source: Scenario's guide covers SD 1.5, SDXL and FLUX.1 (reference-values in the docs).
    """

    code, name = "TL509", "unsupported-model"
    severity = Severity.INFO
    kind = notes.UNSUPPORTED_MODEL
    example_file = EXAMPLE_FILES["ai-toolkit"]
    fails = ai_toolkit("Qwen/Qwen-Image\n        arch: qwen_image", steps=1000, lr=1e-4)
    passes = ai_toolkit(steps=1000, lr=1e-4)
    more_examples = (
        example("kohya_ss", kohya_ss(sd3_checkbox=True), kohya_ss(sd3_checkbox=False)),
        example(
            "sd-scripts",
            sd_scripts(
                pretrained_model_name_or_path="stabilityai/stable-diffusion-3-medium",
                network_module="networks.lora_sd3",
            ),
            sd_scripts(),
        ),
        example("onetrainer", onetrainer(model_type="STABLE_DIFFUSION_3"), onetrainer()),
        example("simpletuner", simpletuner(model_family="sd3"), simpletuner()),
        example(
            "diffusers",
            diffusers(script="train_dreambooth_lora_sd3.py").replace(
                "stabilityai/stable-diffusion-xl-base-1.0", "stabilityai/stable-diffusion-3-medium-diffusers"
            ),
            diffusers(),
        ),
        example("scenario", scenario("qwen-image-lora"), scenario()),
    )


class AdaptiveOptimizer(TrainerNoteRule):
    """An adaptive optimizer (Prodigy, D-Adaptation): the learning rate is a multiplier.

    Why: With these optimizers `1.0` is the usual learning rate; the step size is estimated during
    training. The learning-rate rules, written for AdamW step sizes, are not applied to the file.

    Source: The Prodigy and D-Adaptation papers' recommended settings; kohya_ss and diffusers
    examples use a learning rate of 1.0 with them.
    """

    code, name = "TL510", "adaptive-optimizer"
    severity = Severity.INFO
    kind = notes.ADAPTIVE_OPTIMIZER
    example_file = EXAMPLE_FILES["diffusers"]
    fails = diffusers(optimizer="prodigy", learning_rate=1.0)
    passes = diffusers(optimizer="adamw", learning_rate=1e-4)
    more_examples = (
        example(
            "kohya_ss",
            kohya_ss(optimizer="Prodigy", learning_rate=1.0, unet_lr=1.0, text_encoder_lr=1.0),
            kohya_ss(optimizer="AdamW8bit", learning_rate=1e-4, unet_lr=1e-4, text_encoder_lr=5e-5),
        ),
        example(
            "sd-scripts",
            sd_scripts(optimizer_type="Prodigy", learning_rate=1.0),
            sd_scripts(optimizer_type="AdamW8bit"),
        ),
        example(
            "ai-toolkit",
            ai_toolkit(steps=1000, lr=1.0, optimizer="prodigy"),
            ai_toolkit(steps=1000, lr=1e-4, optimizer="adamw8bit"),
        ),
        example(
            "onetrainer",
            onetrainer(learning_rate=1.0, optimizer={"optimizer": "PRODIGY"}),
            onetrainer(optimizer={"optimizer": "ADAMW"}),
        ),
        example(
            "simpletuner", simpletuner(optimizer="prodigy", learning_rate=1.0), simpletuner(optimizer="adamw_bf16")
        ),
    )


class TrainingTypeUnknown(Rule):
    """A trainer's config with no training type: the type-dependent rules stay silent.

    Why: No trainer stores whether a run trains a style, a subject, a character or an object, and
    the guide's advice depends on it (the text-encoder ratio above all). Say it in the file
    (`# trainlint: training_type=style`, in YAML, TOML and shell comments), in the configuration
    (`[tool.trainlint.per-file-training-type]`, for JSON files, which hold no comments), or with
    `--training-type`; `preset=sdxl/style` names the preset to compare with as well.

    Source: Scenario's guide, "Training type" (docs/rules.md lists the rules that need it).
    """

    code, name = "TL511", "training-type-unknown"
    severity = Severity.INFO
    formats = TRAINERS
    example_file = EXAMPLE_FILES["sd-scripts"]
    fails = sd_scripts(network_train_unet_only=True)
    passes = "# trainlint: training_type=style\n" + sd_scripts(network_train_unet_only=True)
    more_examples = (
        (
            EXAMPLE_FILES["ai-toolkit"],
            ai_toolkit(steps=1000, lr=1e-4),
            "# trainlint: training_type=style\n" + ai_toolkit(steps=1000, lr=1e-4),
        ),
        (
            "simpletuner.toml",
            'model_family = "sdxl"\nmodel_type = "lora"\nlearning_rate = 1e-4\n',
            '# trainlint: training_type=style\nmodel_family = "sdxl"\nmodel_type = "lora"\nlearning_rate = 1e-4\n',
        ),
        (
            EXAMPLE_FILES["diffusers"],
            diffusers(learning_rate=1e-4),
            "# trainlint: training_type=style\n" + diffusers(learning_rate=1e-4),
        ),
    )

    def check(self, ctx: Context) -> Iterable[Finding]:
        if ctx.adapted is None or ctx.training_type is not None or ctx.adapted.base_model is None:
            return  # a family trainlint has no presets for is named by TL509 instead
        mapped = "map it in [tool.trainlint.per-file-training-type]"
        yield finding(
            type(self),
            f"no training type for this {ctx.adapted.input_format} config: rules that depend on it "
            "(text encoder ratio, steps against a preset) stay silent",
            (),
            hint=f"{mapped} (a JSON file holds no comments), or pass --training-type"
            if ctx.doc.file.lower().endswith((".json", ".jsonc"))
            else "add `# trainlint: training_type=style` (or subject, character, object) as a comment, "
            f"{mapped}, or pass --training-type",
        )
