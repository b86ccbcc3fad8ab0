"""The settings that decide how a run shows its images, read from real trainer configs (outside the project,
tests/helpers.py REAL_CONFIGS) as each trainer reads them: the images one step shows (batch size x the batches a
step accumulates: `samples_per_step`, with the key it comes from) and whether the optimizer estimates its own
step size (an ADAPTIVE_OPTIMIZER note at its key). Each expectation was worked out by hand from the file and the
trainer's source cited in inputs/knowledge/."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REAL_CONFIGS

from trainlint.document import Limits
from trainlint.inputs import detect_trainer
from trainlint.inputs.base import ADAPTIVE_OPTIMIZER, SAMPLES_PER_STEP, Hints
from trainlint.inputs.workspace import FolderWorkspace

KOHYA = "kohya_ss/presets/lora/"
# file -> (trainer, samples per step and the key it comes from, or None for one image a step; where the adaptive
# optimizer's note stands, or None)
CASES: dict[str, tuple[str, tuple[float, str] | None, tuple[str | int, ...] | None]] = {
    # train_batch_size 6; Prodigy (optimizer_type prodigy, sd-scripts get_optimizer)
    KOHYA + "SDXL - LoRA kudou-reira prodigy v4.0.json": ("kohya_ss", (6, "train_batch_size"), ("optimizer",)),
    # named after Prodigy, trains AdamW8bit at a batch of one and accumulation 1.0
    "kohya_ss/test/config/loha-Prodigy.json": ("kohya_ss", None, None),
    # named after D-Adaptation, trains Adafactor with relative_step=False: the learning rate is a step size
    KOHYA + "locon-dadaptation-sdxl.json": ("kohya_ss", None, None),
    # Adafactor with relative_step=True: the learning rate only starts Adafactor's own schedule; batch 4
    "kohya_ss/presets/finetune/adafactor.json": ("kohya_ss", (4, "train_batch_size"), ("optimizer",)),
    # --train_batch_size=1 x --gradient_accumulation_steps=4, the accumulation the key; --optimizer="prodigy"
    "diffusers/dreambooth_README_flux_L147-170_train_dreambooth_lora_flux.sh": (
        "diffusers",
        (4, "--gradient_accumulation_steps"),
        ("commands", 0, "args", "--optimizer"),
    ),
    # --train_batch_size=3 x 1; prodigy
    "diffusers/advanced_README_L138-170_train_dreambooth_lora_sdxl_advanced.sh": (
        "diffusers",
        (3, "--train_batch_size"),
        ("commands", 0, "args", "--optimizer"),
    ),
    # --train_batch_size=1 x 1, the default AdamW
    "diffusers/dreambooth_README_L340-357_train_dreambooth_lora.sh": ("diffusers", None, None),
    # batch_size 3 x gradient_accumulation 2 ("total batch size is 6 here"); adamw8bit
    "ai-toolkit/config/examples/train_flex_redux.yaml": ("ai-toolkit", (6, "train.batch_size"), None),
    # "dadaptation" only in a comment; optimizer adamw, batch 1
    "ai-toolkit/config/examples/train_slider.example.yml": ("ai-toolkit", None, None),
    # optimi-lion: prodigy_steps alone does not make it Prodigy; batch 1 x 1
    "SimpleTuner/simpletuner/examples/hidream.peft-lora/config.json": ("simpletuner", None, None),
    # batch_size 2; ADAFACTOR, which OneTrainer's is_adaptive does not list
    "OneTrainer/training_presets/Chroma/#chroma Finetune 16GB.json": ("onetrainer", (2, "batch_size"), None),
    # batch_size 4; no optimizer in the preset (OneTrainer's default, AdamW)
    "OneTrainer/training_presets/SD1.5/#sd 1.5 LoRA.json": ("onetrainer", (4, "batch_size"), None),
}


@pytest.mark.skipif(not REAL_CONFIGS.is_dir(), reason=f"the real trainer configs are not at {REAL_CONFIGS}")
@pytest.mark.parametrize("rel", sorted(CASES), ids=lambda rel: Path(rel).name)
def test_batch_accumulation_and_adaptive_optimizer_of_real_configs(rel: str) -> None:
    trainer, samples, adaptive_at = CASES[rel]
    path = REAL_CONFIGS / rel
    raw = path.read_bytes()
    fmt = detect_trainer(raw, path.suffix.lower())
    assert fmt is not None and fmt.name == trainer, rel
    doc = fmt.read(raw, path.name, Limits())
    adapted = fmt.adapt(doc, FolderWorkspace(path.parent, REAL_CONFIGS, Limits()), Hints())
    assert adapted is not None
    recorded = adapted.values.get(SAMPLES_PER_STEP)
    if samples is None:
        assert recorded is None, recorded
    else:
        assert recorded is not None and (recorded.value, recorded.key) == (float(samples[0]), samples[1])
        assert recorded.path is not None and recorded.path in doc.spans  # a position to show and place findings at
    notes = [note.path for note in adapted.notes if note.kind == ADAPTIVE_OPTIMIZER]
    assert notes == ([adaptive_at] if adaptive_at else [])
