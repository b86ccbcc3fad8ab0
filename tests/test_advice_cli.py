"""Advice an ML engineer accepts, through the real CLI: hints in the unit written and with their numbers,
the right diagnosis, severities said where they are decided, the text encoder left out as a choice, FLUX.1's
transformer, adaptive optimizers and batch sizes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers import REPO, run_cli, write_tree

from trainlint.rules.trainer_traps import ai_toolkit, kohya_ss, sd_scripts

HEAD = "schema_version: 1\nbase_model: {model}\ntraining_type: {kind}\npreset: {preset}\nclassification: {tag}\n"


def config(
    model: str = "sdxl",
    kind: str = "style",
    preset: str | None = None,
    tag: str = "Custom",
    images: int | None = 10,
    dataset: str | None = None,
    **training: Any,
) -> str:
    text = HEAD.format(model=model, kind=kind, preset=preset or f"{model}/{kind}", tag=tag)
    text += "dataset:\n" + (f"  path: {dataset}\n" if dataset else "") + (f"  images: {images}\n" if images else "")
    if training:
        text += "training:\n" + "".join(f"  {key}: {value}\n" for key, value in training.items())
    return text


def check(tmp_path: Path, text: str, name: str = "config.yaml", *args: str) -> list[dict[str, Any]]:
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / name).write_text(text, encoding="utf-8")
    done = run_cli("check", "--isolated", "--format", "json", *args, name, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    found: list[dict[str, Any]] = json.loads(done.stdout)["diagnostics"]
    return found


def only(found: list[dict[str, Any]], code: str) -> dict[str, Any]:
    [one] = [d for d in found if d["code"] == code]
    return one


# --- hints that add up -----------------------------------------------------------------------------------


def test_tl401_stays_inside_tl403_and_lowers_the_learning_rate_too(tmp_path: Path) -> None:
    # lr 4x and 2x the steps on SD 1.5 style: the steps the learning rate asks for (a quarter) are past TL403's
    # half, so the hint stops at half and brings the learning rate back to 2x
    found = check(tmp_path, config("sd-1.5", steps=3500, learning_rate_unet="4.0e-4"))
    hint = only(found, "TL401")["hint"]
    assert "keep steps at 1,750 (175 per image)" in hint
    assert "lower them to 875 (88 per image)" in hint and "UNet learning rate to about 2e-4" in hint


def test_tl401_hint_in_steps_per_image_when_written_so(tmp_path: Path) -> None:
    found = check(tmp_path, config("sdxl", steps_per_image=525, learning_rate_unet="1.5e-4"))
    hint = only(found, "TL401")["hint"]
    assert hint == "keep steps_per_image at 350 or lower it to about 233 with this learning rate"


def test_tl403_and_tl404_give_numbers_in_the_unit_written(tmp_path: Path) -> None:
    found = check(tmp_path, config("sdxl", images=40, steps_per_image=900))
    assert only(found, "TL403")["hint"] == "set steps_per_image between 50 and 100"
    assert only(found, "TL404")["hint"] == "set steps_per_image between 50 and 100"
    found = check(tmp_path, config("sd-1.5", steps=5000))
    assert only(found, "TL403")["hint"] == "set steps between 875 (88 per image) and 3,500 (350 per image)"


def test_tl406_gives_the_numbers(tmp_path: Path) -> None:
    found = check(tmp_path, config("sdxl", "subject", text_encoder_ratio=0.2, learning_rate_unet="4.0e-4"))
    ratio, rate = (d for d in found if d["code"] == "TL406" and "ratio" in d["message"]), None
    [ratio] = list(ratio)
    # TL406's 0.3-1.2 inside TL402's usual 0.4-0.8 for subjects: no number that another rule reports
    assert ratio["hint"].startswith("set it between 0.4 and 0.8: at most 2x up or 0.5x down from the preset's 0.6")
    [rate] = [d for d in found if d["code"] == "TL406" and "learning rate" in d["message"]]
    assert rate["hint"].startswith("set it between 5e-5 and 2e-4")


def test_tl305_does_not_ask_to_declare_what_is_declared(tmp_path: Path) -> None:
    declared = only(check(tmp_path, config("sdxl", images=24, dataset="../../elsewhere")), "TL305")
    assert "declare `dataset.images`" not in declared["hint"]
    assert "the declared 24 images are used" in declared["hint"]
    assert declared["severity"] == "info"
    undeclared = only(check(tmp_path, config("sdxl", images=None, dataset="../../elsewhere")), "TL305")
    assert "declare `dataset.images`" in undeclared["hint"]


def test_tl504_hint_for_a_labelled_95_percent_stays_below_the_extreme(tmp_path: Path) -> None:
    # the DreamBooth tab's 95 "%" is step 95 of 3,000; 95 % would be extreme for TL407, so the hint stops at 90 %
    write_tree(tmp_path, {f"img/10_style/{n:02}.png": "" for n in range(10)})
    (tmp_path / "trainlint.toml").write_text('[per-file-training-type]\n"kohya_ss.json" = "subject"\n')
    text = kohya_ss(
        LoRA_type=None, learning_rate=1e-5, learning_rate_te=5e-6, max_train_steps=3000, stop_text_encoder_training=95
    )
    (tmp_path / ".git").mkdir()
    (tmp_path / "kohya_ss.json").write_text(text)
    done = run_cli("check", "--format", "json", "kohya_ss.json", cwd=tmp_path)
    found = json.loads(done.stdout)["diagnostics"]
    hint = only(found, "TL504")["hint"]
    assert "--stop_text_encoder_training 2700" in hint and "90% of the run" in hint
    followed = json.loads(text)
    followed["additional_parameters"] = "--stop_text_encoder_training 2700"
    (tmp_path / "kohya_ss.json").write_text(json.dumps(followed))
    after = json.loads(run_cli("check", "--format", "json", "kohya_ss.json", cwd=tmp_path).stdout)["diagnostics"]
    assert {d["code"] for d in after} <= {d["code"] for d in found} - {"TL504"}


# --- the right diagnosis ---------------------------------------------------------------------------------


def test_quoted_schema_version_is_a_quoted_number(tmp_path: Path) -> None:
    found = check(tmp_path, config().replace("schema_version: 1", 'schema_version: "1"'))
    version = only(found, "TL102")
    assert version["message"] == "`schema_version` must be a whole number, not '1'"
    assert version["hint"] == "remove the quotes so YAML reads a number"
    assert "TL100" not in {d["code"] for d in found}


def test_invalid_values_are_never_a_preset_match(tmp_path: Path) -> None:
    text = config("sdxl", images=24, steps='"8400"')
    found = check(tmp_path, text)
    assert [d["code"] for d in found] == ["TL102"]  # no "matches preset sdxl/style" from the refused value
    done = run_cli("fix", "--isolated", "config.yaml", cwd=tmp_path)
    assert (tmp_path / "config.yaml").read_text() == text, done.stdout + done.stderr  # no tag written
    # a value that is valid and differs still makes it Custom
    found = check(tmp_path, config("sdxl", images=24, tag="sdxl/style", steps='"8400"', learning_rate_unet="2.0e-4"))
    assert "deviates from preset sdxl/style@1 in learning_rate_unet" in only(found, "TL205")["message"]


def test_a_preset_value_that_moved_with_the_image_count_says_so(tmp_path: Path) -> None:
    # FLUX.1's learning rate is 1e-4 up to 24 images and 2e-4 from 25: the config did not lower anything
    found = check(tmp_path, config("flux.1", images=25, tag="flux.1/style", learning_rate_unet="1.0e-4", steps=1500))
    message = only(found, "TL401")["message"]
    assert "lowered" not in message and "below preset flux.1/style@2's for 25 images" in message
    assert "the preset's value moved with the image count: 1e-4 is its transformer learning rate for 9-24" in message
    assert "the preset's value moved with the image count" in only(found, "TL205")["message"]


# --- severity shown where it is decided ------------------------------------------------------------------


def test_config_decided_severity_in_rules_rule_and_docs(tmp_path: Path) -> None:
    listing = run_cli("rules", "--isolated", cwd=tmp_path).stdout
    [line] = [line for line in listing.splitlines() if line.startswith("TL303")]
    assert line.endswith("(severity: error on a Custom config)")
    page = run_cli("rule", "TL303", cwd=tmp_path).stdout
    assert "severity `warning` (error on a Custom config)" in page
    docs = (REPO / "docs" / "rules.md").read_text()
    assert "| missing-captions | warning; error on a Custom config |" in docs
    captions = {"data/a.png": "", "data/b.png": "", "data/a.txt": "a"}
    write_tree(tmp_path, captions)
    custom = only(check(tmp_path, config(images=None, dataset="./data")), "TL303")
    preset = only(check(tmp_path, config(images=None, dataset="./data", tag="sdxl/style")), "TL303")
    assert (custom["severity"], preset["severity"]) == ("error", "warning")


# --- the text encoder left out, FLUX.1's transformer -----------------------------------------------------


def test_text_encoder_left_out_is_one_informational_finding(tmp_path: Path) -> None:
    found = check(tmp_path, config("sdxl", "subject", text_encoder_ratio=0))
    assert [(d["code"], d["severity"]) for d in found] == [("TL402", "info")]
    assert "the text encoder is not trained" in found[0]["message"] and "a common choice" in found[0]["message"]


def test_trainers_that_leave_the_text_encoder_out_give_one_informational_finding(tmp_path: Path) -> None:
    # sd-scripts' network_train_unet_only and ai-toolkit's default on an SDXL subject: TL402 as information, with
    # the trainer's own switch to train it, and nothing else about the text encoder
    write_tree(tmp_path, {f"img/10_style/{n:02}.png": "" for n in range(10)})
    sdxl = "stabilityai/stable-diffusion-xl-base-1.0\n        is_xl: true"
    head = "# trainlint: training_type=subject\n"
    files = {
        "sd.toml": head + sd_scripts(max_train_steps=3500, network_train_unet_only=True),
        "ait.yaml": head + ai_toolkit(sdxl, steps=3500, lr=1e-4),
    }
    switch = {"sd.toml": "without network_train_unet_only", "ait.yaml": "set train.train_text_encoder to true"}
    for name, text in files.items():
        found = check(tmp_path, text, name)
        assert [(d["code"], d["severity"]) for d in found] == [("TL402", "info")], (name, found)
        assert "the text encoder is not trained" in found[0]["message"] and switch[name] in found[0]["hint"]
    # the same trainer training it for the whole run is quiet: the nearer of its two settings to 0.4-0.8
    trained = head + sd_scripts(max_train_steps=3500, text_encoder_lr=1e-5)
    assert check(tmp_path, trained, "sd.toml") == []


def test_flux_without_the_text_encoder_is_quiet(tmp_path: Path) -> None:
    # the trainers people use leave FLUX.1's text encoders out: no finding, on version 1 of the preset too
    assert check(tmp_path, config("flux.1", "subject", tag="flux.1/subject")) == []
    found = check(tmp_path, config("flux.1", "subject", preset="flux.1/subject@1", text_encoder_ratio=0))
    assert found == []


def test_flux_share_outside_the_range_is_told_leaving_it_out_is_usual(tmp_path: Path) -> None:
    found = check(tmp_path, config("flux.1", "character", text_encoder_ratio=0.15))
    hint = only(found, "TL402")["hint"]
    assert hint.startswith("try a value between 0.4 and 0.8") and "leave the text encoder out (0)" in hint
    followed = check(tmp_path, config("flux.1", "character", text_encoder_ratio=0))
    assert [d["code"] for d in followed] == ["TL205"]  # following it: only "this is the preset now"
    found = check(tmp_path, config("sdxl", "character", text_encoder_ratio=0.15))
    assert "leave the text encoder out" not in only(found, "TL402")["hint"]  # SDXL LoRAs usually train it


def test_flux_says_transformer(tmp_path: Path) -> None:
    found = check(tmp_path, config("flux.1", learning_rate_unet="8.0e-4"))
    assert only(found, "TL406")["message"].startswith("transformer learning rate 8e-4 is 8x the preset's 1e-4")
    shown = run_cli("show", "config.yaml", cwd=tmp_path).stdout
    assert "learning_rate_unet (transformer)" in shown
    schema = json.loads((REPO / "schema" / "v1" / "config.schema.json").read_text())
    assert "transformer" in schema["properties"]["training"]["properties"]["learning_rate_unet"]["description"]


def test_flux_presets_leave_the_text_encoder_out_with_their_source(tmp_path: Path) -> None:
    shown = run_cli("presets", "flux.1/character", cwd=tmp_path).stdout
    assert "text_encoder_ratio: 0\n    source (community): How FLUX.1 LoRAs are trained: ostris/ai-toolkit" in shown
    # Scenario's steps and learning rates beside the trainers' text encoder choice, each with its source
    assert "steps: 500 + 50 per image\n    source: Scenario" in shown
    assert "learning_rate_unet (transformer): 5e-5 for 1-8 images" in shown
    assert "scenario-character-post" not in shown  # notes say what they mean, not a citation id
    assert "Scenario advises keeping the Subject preset for characters" in shown


def test_kohya_unet_only_and_readable_text_are_no_traps(tmp_path: Path) -> None:
    write_tree(tmp_path, {f"img/10_style/{n:02}.png": "" for n in range(10)})
    (tmp_path / ".git").mkdir()
    text = kohya_ss(learning_rate="1e-4", unet_lr=1e-4, text_encoder_lr=0, max_train_steps=1750)
    (tmp_path / "kohya_ss.json").write_text(text)
    done = run_cli("check", "--format", "json", "--training-type", "style", "kohya_ss.json", cwd=tmp_path)
    assert {d["code"] for d in json.loads(done.stdout)["diagnostics"]} & {"TL501", "TL506"} == set()


# --- adaptive optimizers, batch sizes --------------------------------------------------------------------


def test_adaptive_optimizer_learning_rates_are_not_judged(tmp_path: Path) -> None:
    rates = {"learning_rate_unet": "1.0", "learning_rate_text_encoder": "1.0", "steps": 12000}
    judged = {d["code"] for d in check(tmp_path, config("sdxl", images=24, **rates))}
    assert {"TL406", "TL407", "TL401"} <= judged
    # as each trainer spells them: sd-scripts, ai-toolkit, OneTrainer, a module path, D-Adaptation
    for name in (
        "Prodigy",
        "prodigy8bit",
        "PRODIGY_ADV",
        "prodigyopt.Prodigy",
        "DAdaptAdam",
        "dadaptation",
        "DADAPT_LION",
    ):
        quiet = {d["code"] for d in check(tmp_path, config("sdxl", images=24, optimizer=name, **rates))}
        assert quiet & {"TL401", "TL406", "TL407", "TL408"} == set(), name
    # an optimizer that takes step sizes is judged as AdamW is, whatever its name says besides
    for name in ("adamw8bit", "Lion", "Adafactor"):
        judged = {d["code"] for d in check(tmp_path, config("sdxl", images=24, optimizer=name, **rates))}
        assert {"TL406", "TL407"} <= judged, name


def test_trainer_adaptive_optimizers_are_not_judged_as_step_sizes(tmp_path: Path) -> None:
    # sd-scripts with Prodigy at its usual 1.0: one informational TL510, no learning-rate rule; AdamW at 1.0 is judged
    write_tree(tmp_path, {f"img/10_style/{n:02}.png": "" for n in range(10)})
    rates = {"max_train_steps": 3500, "learning_rate": 1.0, "text_encoder_lr": 1.0}
    head = "# trainlint: training_type=subject\n"
    prodigy = check(tmp_path, head + sd_scripts(optimizer_type="Prodigy", **rates), "sd.toml")
    assert [(d["code"], d["severity"]) for d in prodigy] == [("TL510", "info")]
    adamw = {d["code"] for d in check(tmp_path, head + sd_scripts(optimizer_type="AdamW8bit", **rates), "sd.toml")}
    assert {"TL406", "TL407"} <= adamw


def test_repeats_and_optimizer_are_no_deviation_from_the_preset(tmp_path: Path) -> None:
    # repeats split the steps into epochs and an optimizer is not part of the preset: the config still matches it
    matching = config("sdxl", "subject", tag="sdxl/subject", repeats=10, optimizer="AdamW8bit")
    assert check(tmp_path, matching) == []
    done = run_cli("fix", "--isolated", "config.yaml", cwd=tmp_path)
    assert done.returncode == 0 and (tmp_path / "config.yaml").read_text() == matching
    # its values are checked like every other key's
    found = check(tmp_path, config("sdxl", "subject", tag="sdxl/subject", repeats=0))
    assert [(d["code"], d["message"]) for d in found] == [("TL103", "`training.repeats` is 0; it must be at least 1")]
    found = check(tmp_path, config("sdxl", "subject", tag="sdxl/subject", repeat=10))
    assert "did you mean `repeats`?" in only(found, "TL101")["message"]


def test_steps_compare_samples_seen_per_image(tmp_path: Path) -> None:
    # 2,100 steps at batch 4 show each of 24 images 350 times: SDXL's preset, not a quarter of it
    found = check(tmp_path, config("sdxl", images=24, tag="sdxl/style", steps=2100, batch_size=4))
    assert found == []
    found = check(tmp_path, config("sdxl", images=24, steps=8400, batch_size=2, gradient_accumulation_steps=2))
    far = only(found, "TL403")
    assert far["message"].startswith("1,400 samples per image (batch x accumulation 4) is 4x the preset's 350")
    assert far["hint"] == "set steps between 1,050 (175 samples per image) and 4,200 (700 samples per image)"


def test_trainer_batch_sizes_count_as_samples(tmp_path: Path) -> None:
    # ai-toolkit at batch 4: 1,000 steps show each of 10 images 400 times, 4x the FLUX.1 preset's 100
    write_tree(tmp_path, {f"img/10_style/{n:02}.png": "" for n in range(10)})
    text = "# trainlint: training_type=style\n" + ai_toolkit(steps=1000, lr=1e-4, batch_size=4)
    far = only(check(tmp_path, text, "ai_toolkit.yaml"), "TL403")
    assert far["message"].startswith("400 samples per image (batch x accumulation 4) is 4x the preset's 100")
    assert "TL403" not in {
        d["code"] for d in check(tmp_path, text.replace("steps: 1000", "steps: 250"), "ai_toolkit.yaml")
    }
