"""Semantic rules beyond their documented examples: thresholds, positions, messages."""

from __future__ import annotations

import pytest
from helpers import codes

from trainlint.catalog import catalog
from trainlint.diagnostics import Severity

HEAD = """\
schema_version: 1
base_model: {model}
training_type: {kind}
preset: {preset}
classification: {classification}
dataset:
  images: {images}
"""


def config(preset: str = "sdxl/style", images: int = 24, classification: str | None = None, training: str = "") -> str:
    p = catalog().get(preset)
    text = HEAD.format(
        model=p.base_model, kind=p.training_type, preset=preset, classification=classification or preset, images=images
    )
    return text + (f"training:\n{training}" if training else "")


PRESETS = catalog().refs()


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("images", [1, 8, 10, 25, 30, 31, 120])
def test_a_config_built_from_a_preset_has_no_warning(snippet, preset, images):
    found = snippet(config(preset, images))
    assert [d for d in found if d.severity >= Severity.WARNING] == []


@pytest.mark.parametrize("preset", PRESETS)
def test_spelling_out_every_preset_value_is_still_the_preset(snippet, preset):
    values = catalog().get(preset).at(24)
    # `1.000000e-04` reads as the same float in YAML 1.1 and 1.2, so TL010 stays quiet too
    training = "".join(f"  {k}: {int(v) if k == 'steps' else format(v, '.6e')}\n" for k, v in values.items())
    found = snippet(config(preset, 24, training=training))
    assert [d for d in found if d.severity >= Severity.WARNING] == [], training


def test_tl401_message_and_hint_follow_the_guide(snippet):
    found = snippet(config(classification="Custom", training="  learning_rate_unet: 2.0e-4\n  steps: 12600\n"))
    (d,) = [d for d in found if d.code == "TL401"]
    assert (d.line, d.col) == (10, 3)  # the `steps` key
    assert "both raised from preset sdxl/style@1 (lr 2x, steps 1.5x)" in d.message
    assert "when you raise the learning rate, lower the steps" in d.message
    assert (
        d.hint
        == "keep steps at 8,400 (350 per image) or lower them to about 4,200 (175 per image) with this learning rate"
    )


def test_tl401_both_lowered_and_opposite_directions(snippet):
    lowered = snippet(config(classification="Custom", training="  learning_rate_unet: 5.0e-5\n  steps: 6000\n"))
    assert any(d.code == "TL401" and "undertraining" in d.message for d in lowered)
    opposite = snippet(config(classification="Custom", training="  learning_rate_unet: 1.5e-4\n  steps: 6000\n"))
    assert "TL401" not in codes(opposite)


def test_tl401_steps_from_preset_point_at_the_preset_line(snippet):
    found = snippet(config(images=24, classification="Custom", training="  learning_rate_unet: 5.0e-5\n"))
    assert "TL401" not in codes(found)  # steps unchanged: only one axis moved


def test_thresholds_are_data(tmp_path):
    from helpers import write_tree

    from trainlint.api import check_file
    from trainlint.settings import Settings

    write_tree(
        tmp_path, {".git/x": "", "c.yaml": config(classification="Custom", training="  learning_rate_unet: 1.5e-4\n")}
    )
    default = check_file(tmp_path / "c.yaml", "c.yaml", Settings()).diagnostics
    strict = check_file(tmp_path / "c.yaml", "c.yaml", Settings(thresholds={"TL406": {"high": 1.2}})).diagnostics
    assert "TL406" not in codes(default) and "TL406" in codes(strict)


def test_text_encoder_ratio_ranges_by_training_type(snippet):
    style_high = snippet(config(classification="Custom", training="  text_encoder_ratio: 0.5\n"))
    assert any(d.code == "TL402" and "high for style" in d.message for d in style_high)
    subject_low = snippet(config("sdxl/subject", 10, classification="Custom", training="  text_encoder_ratio: 0.2\n"))
    assert any(d.code == "TL402" and "low for subject" in d.message for d in subject_low)


def test_large_dataset_hint_is_info_only(snippet):
    found = snippet(config(images=60))
    (d,) = [d for d in found if d.code == "TL404"]
    assert d.severity == Severity.INFO and d.hint == "set steps between 3,000 (50 per image) and 6,000 (100 per image)"


def test_extreme_steps_per_image(snippet):
    found = snippet(config(classification="Custom", training="  steps_per_image: 20\n"))
    assert any(d.code == "TL407" and "20 steps per image is extremely low" in d.message for d in found)


def test_captions_are_louder_on_custom_configs(snippet):
    files = {"data/a.png": "", "data/b.png": "", "data/a.txt": "x"}
    base = config().replace("  images: 24", "  path: ./data")
    plain = snippet(base, files)
    custom = snippet(
        base.replace("classification: sdxl/style", "classification: Custom")
        + "training:\n  learning_rate_unet: 1.2e-4\n",
        files,
    )
    assert [d.severity for d in plain if d.code == "TL303"] == [Severity.WARNING]
    assert [d.severity for d in custom if d.code == "TL303"] == [Severity.ERROR]


def test_missing_dataset_with_declared_count_is_info(snippet):
    found = snippet(config().replace("  images: 24", "  path: ./elsewhere\n  images: 24"))
    assert [(d.code, d.severity) for d in found if d.code == "TL301"] == [("TL301", Severity.INFO)]


def test_classification_missing_points_at_preset(snippet):
    text = config(classification="X").replace("classification: X\n", "")
    (d,) = [d for d in snippet(text) if d.code == "TL205"]
    assert d.line == 4 and "no classification" in d.message and d.fixable


def test_classification_custom_but_matching(snippet):
    (d,) = [d for d in snippet(config(classification="Custom")) if d.code == "TL205"]
    assert "matches preset" in d.message and d.hint == "set classification: sdxl/style"


def test_schema_errors_do_not_feed_rules(snippet):
    found = snippet(config(classification="Custom", training="  text_encoder_ratio: 1.5\n"))
    assert "TL103" in codes(found) and "TL402" not in codes(found)


def test_unknown_preset_is_reported_once(snippet):
    found = snippet(config().replace("preset: sdxl/style", "preset: sdxl/styel"))
    assert codes(found).count("TL104") == 1 and "TL201" not in codes(found)
