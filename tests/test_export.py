"""`trainlint export`: every built-in preset at several image counts, to every trainer, read back
through that trainer's own input format, trains the config's values or exactly the changes the
export names; every key written is one the trainer reads, with the type it reads."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import run_cli, write_tree

from trainlint.catalog import TRAINING_KEYS, catalog
from trainlint.document import Limits
from trainlint.export import EXPORTERS, exporter, make, refusal, target_of, verify
from trainlint.exporters.base import Target
from trainlint.exporters.writing import nest
from trainlint.inputs import detect_trainer, trainer_format
from trainlint.inputs.base import UNKNOWN_KEY, Hints
from trainlint.inputs.knowledge import ai_toolkit as AT
from trainlint.inputs.knowledge import diffusers as DF
from trainlint.inputs.knowledge import kohya_ss as KS
from trainlint.inputs.knowledge import onetrainer as OT
from trainlint.inputs.knowledge import scenario as SC
from trainlint.inputs.knowledge import sd_scripts as SD
from trainlint.inputs.knowledge import simpletuner as ST
from trainlint.inputs.workspace import FolderWorkspace
from trainlint.settings import Settings

PRESETS = [preset.ref for versions in catalog().presets.values() for preset in versions.values()]
IMAGE_COUNTS = (1, 7, 24)
TRAINERS = tuple(EXPORTERS)


def project(tmp: Path, preset: str, images: int, training: str = "", dataset: bool = True) -> Path:
    """A repository with a trainlint config of that preset and a dataset folder of `images` captioned images."""
    (tmp / ".git").mkdir(exist_ok=True)
    files = {f"data/{i:03}.png": "x" for i in range(images)} if dataset else {}
    files.update({f"data/{i:03}.txt": "a caption" for i in range(images)} if dataset else {})
    cat = catalog().get(preset)
    assert cat is not None
    lines = [
        "schema_version: 1",
        "name: run",
        f"base_model: {cat.base_model}",
        f"training_type: {cat.training_type}",
        f"preset: {preset}",
        "classification: Custom" if training else f"classification: {preset}",
        "dataset:",
        "  path: ./data" if dataset else f"  images: {images}",
    ]
    if training:
        lines += ["training:", *(f"  {line}" for line in training.strip().splitlines())]
    files["config.yaml"] = "\n".join(lines) + "\n"
    write_tree(tmp, files)
    return tmp / "config.yaml"


def export_files(config: Path, to: str, images: int | None = None) -> tuple[Target, Any, dict[str, str]]:
    """The target, plan and written files (main file first) of an export beside the config."""
    settings = Settings(root=config.parent)
    target = target_of(config, config.name, settings, images, config.parent)
    module = exporter(to)
    name = f"exported{module.SUFFIX}"
    plan, text, others = make(target, to, name)
    return target, plan, {name: text, **others}


def adapt_file(folder: Path, name: str, to: str, root: Path | None = None):
    raw = (folder / name).read_bytes()
    fmt = trainer_format(to)
    doc = fmt.read(raw, name, Limits())
    adapted = fmt.adapt(doc, FolderWorkspace(folder, root or folder, Limits()), Hints())
    assert adapted is not None, name
    return doc, adapted


def close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    )


@pytest.mark.parametrize("to", TRAINERS)
@pytest.mark.parametrize("images", IMAGE_COUNTS)
@pytest.mark.parametrize("preset", PRESETS)
def test_round_trip_every_preset(tmp_path: Path, preset: str, images: int, to: str) -> None:
    config = project(tmp_path, preset, images)
    target, plan, files = export_files(config, to)
    assert not plan.missing
    write_tree(tmp_path, files)
    main = next(iter(files))
    # the trainer's own detection claims the file, so `trainlint check` reads it as that trainer's
    fmt = detect_trainer(files[main].encode(), Path(main).suffix)
    assert fmt is not None and fmt.name == to
    doc, adapted = adapt_file(tmp_path, main, to)
    read = {key: adapted.values[key].value if key in adapted.values else None for key in TRAINING_KEYS}
    assert adapted.base_model == target.base_model
    assert adapted.method == "lora" or (to == "scenario" and target.base_model == "sd-1.5")
    assert not [n for n in adapted.notes if n.kind == UNKNOWN_KEY]
    untrained = plan.trains["text_encoder_ratio"] == 0 and read["text_encoder_ratio"] == 0
    for key in TRAINING_KEYS:
        if key == "learning_rate_text_encoder" and untrained:
            continue  # judged below: the file gives no rate
        assert close(read[key], plan.trains[key]), (key, read[key], plan.trains[key])
    # what differs from the config is exactly what the export says it changed
    wanted = target._asdict()
    changed = {c.key: c for c in plan.changes}
    for key in TRAINING_KEYS:
        if key in changed:
            assert close(changed[key].wanted, wanted[key])
            expected = changed[key].written
        else:
            expected = wanted[key]
        if key == "learning_rate_text_encoder" and not plan.trains["text_encoder_ratio"]:
            # not trained: the file writes no rate; what is read back is none or the trainer's own default
            assert read[key] is None or adapted.values[key].source == "trainer-default", adapted.values[key]
            continue
        if key == "text_encoder_ratio" and to == "onetrainer" and key not in changed:
            # a stop after whole steps: round(ratio x steps) of the steps (docs/export-import.md)
            expected = round(wanted[key] * read["steps"]) / read["steps"]
        assert close(read[key], expected), (key, read[key], expected)
    # refused without --approximate exactly when something changed
    assert (refusal(to, plan, approximate=False) is None) == (not plan.changes)
    assert refusal(to, plan, approximate=True) is None


def test_exact_where_the_trainer_can_hold_the_values(tmp_path: Path) -> None:
    """A share of 0 or 1 with rates a trainer keeps apart is exported without a change to every trainer
    but those with one rate for every part (ai-toolkit; diffusers' SD 1.5 script)."""
    config = project(tmp_path, "sdxl/subject@1", 10, "text_encoder_ratio: 1\nlearning_rate_text_encoder: 5.0e-5")
    for to in TRAINERS:
        _, plan, _ = export_files(config, to)
        keys = {c.key for c in plan.changes}
        assert keys == ({"learning_rate_text_encoder"} if to == "ai-toolkit" else set()), (to, plan.changes)


def test_onetrainer_epochs_and_samples() -> None:
    from trainlint.exporters.onetrainer import epochs_and_samples

    assert epochs_and_samples(3500, 10) == (350, 10)
    assert epochs_and_samples(1000, 24) == (40, 25)  # 25 is the divisor of 1000 nearest 24
    assert epochs_and_samples(97, 10) == (97, 1)  # a prime: one sample an epoch
    for steps, images in ((175, 1), (8400, 24), (1500, 60), (550, 7)):
        epochs, samples = epochs_and_samples(steps, images)
        assert epochs * samples == steps


def test_steps_need_the_image_count(tmp_path: Path) -> None:
    """Steps per image without a folder or a count: refused and said; --images gives the count."""
    config = project(tmp_path, "sdxl/style@1", 10, dataset=False)
    config.write_text(config.read_text().replace("  images: 10\n", "  path: ./gone\n"))
    result = run_cli("export", str(config), "--to", "ai-toolkit", "--approximate", cwd=tmp_path)
    assert result.returncode == 2
    assert "image count" in result.stderr and "--images" in result.stderr
    assert result.stdout == ""
    result = run_cli("export", str(config), "--to", "ai-toolkit", "--approximate", "--images", "12", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "steps: 4200\n" in result.stdout  # 350 per image x 12


def test_onetrainer_needs_the_image_count(tmp_path: Path) -> None:
    config = project(tmp_path, "sdxl/style@1", 10, "steps: 2000", dataset=False)
    config.write_text(config.read_text().replace("  images: 10\n", "  path: ./gone\n"))
    result = run_cli("export", str(config), "--to", "onetrainer", cwd=tmp_path)
    assert result.returncode == 2
    assert "image count" in result.stderr and "OneTrainer counts epochs" in result.stderr


def test_refusal_names_the_value_and_the_trainer(tmp_path: Path) -> None:
    config = project(tmp_path, "sdxl/style@1", 10)
    result = run_cli("export", str(config), "--to", "kohya_ss", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "text_encoder_ratio 0.15 -> 0" in result.stderr and "--approximate" in result.stderr
    assert "lora_gui.py" in result.stderr  # the trainer's source
    result = run_cli("export", str(config), "--to", "kohya_ss", "--approximate", cwd=tmp_path)
    assert result.returncode == 0
    assert "changed: text_encoder_ratio 0.15 -> 0" in result.stderr
    data = json.loads(result.stdout)
    assert data["max_train_steps"] == 3500 and data["additional_parameters"] == "--network_train_unet_only"


def test_writes_files_and_never_overwrites(tmp_path: Path) -> None:
    config = project(tmp_path, "sd-1.5/style@1", 4)
    out = tmp_path / "kohya" / "style.toml"
    result = run_cli("export", str(config), "--to", "sd-scripts", "--approximate", "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    dataset = tmp_path / "kohya" / "style-dataset.toml"
    assert 'dataset_config = "style-dataset.toml"' in out.read_text()
    assert 'image_dir = "../data"' in dataset.read_text()  # relative to the written file
    before = out.read_bytes()
    again = run_cli("export", str(config), "--to", "sd-scripts", "--approximate", "-o", str(out), cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    assert out.read_bytes() == before
    # read back from where it lies, the dataset config counts the images
    _, adapted = adapt_file(out.parent, out.name, "sd-scripts", tmp_path)
    assert adapted.images == 4


def test_trainer_config_is_not_exported(tmp_path: Path) -> None:
    write_tree(tmp_path, {".git/HEAD": "", "k.json": json.dumps(dict.fromkeys(KS.SIGNATURE_KEYS[:6], 0))})
    result = run_cli("export", "k.json", "--to", "sd-scripts", cwd=tmp_path)
    assert result.returncode == 2 and "trainlint import" in result.stderr


def test_invalid_config_is_refused(tmp_path: Path) -> None:
    config = project(tmp_path, "sdxl/style@1", 3, "steps: '5600'")
    result = run_cli("export", str(config), "--to", "sd-scripts", cwd=tmp_path)
    assert result.returncode == 2 and "not a valid trainlint config" in result.stderr


def test_verification_refuses_a_disagreeing_file(tmp_path: Path) -> None:
    """The read-back is a real check: a plan promising other values than the text holds is refused."""
    from trainlint.errors import UsageError

    config = project(tmp_path, "sdxl/style@1", 10)
    _, plan, files = export_files(config, "ai-toolkit")
    name, text = next(iter(files.items()))
    wrong = plan._replace(trains={**plan.trains, "steps": plan.trains["steps"] + 1})
    with pytest.raises(UsageError, match="would not train what the config says"):
        verify("ai-toolkit", text, name, {}, tmp_path, Settings(root=tmp_path), wrong)
    verify("ai-toolkit", text, name, {}, tmp_path, Settings(root=tmp_path), plan)


def test_scenario_leaves_out_the_rate_of_a_text_encoder_it_does_not_train(tmp_path: Path) -> None:
    """FLUX.1 with the text encoder off: no learningRateTextEncoder (Scenario reads its default 1e-5, which
    trains nothing at a share of 0), a note on what the reference leaves open, and the rate outside
    Scenario's range is no change to refuse; the read-back still judges the share and every other value."""
    from trainlint.errors import UsageError

    config = project(tmp_path, "flux.1/subject@2", 12, "learning_rate_text_encoder: 2.0e-3")
    _, plan, files = export_files(config, "scenario")
    name, text = next(iter(files.items()))
    parameters = json.loads(text)["parameters"]
    assert "learningRateTextEncoder" not in parameters and parameters["textEncoderTrainingRatio"] == 0
    assert not plan.changes and plan.trains["learning_rate_text_encoder"] is None
    assert any("does not say whether FLUX.1 LoRA training honours it" in note for note in plan.notes)
    settings = Settings(root=tmp_path)
    verify("scenario", text, name, {}, tmp_path, settings, plan)  # the default rate read back trains nothing
    with_rate = json.dumps({**json.loads(text), "parameters": {**parameters, "learningRateTextEncoder": 3e-4}})
    verify("scenario", with_rate, name, {}, tmp_path, settings, plan)
    trained = json.dumps({**json.loads(text), "parameters": {**parameters, "textEncoderTrainingRatio": 0.2}})
    with pytest.raises(UsageError, match="text_encoder_ratio: 0.2 read back, 0 meant"):
        verify("scenario", trained, name, {}, tmp_path, settings, plan)
    # where the text encoder trains, its rate is written and judged
    (tmp_path / "on").mkdir()
    config = project(tmp_path / "on", "flux.1/subject@1", 12)
    _, plan, files = export_files(config, "scenario")
    name, text = next(iter(files.items()))
    data = json.loads(text)
    assert data["parameters"]["learningRateTextEncoder"] == plan.trains["learning_rate_text_encoder"]
    data["parameters"]["learningRateTextEncoder"] = 3e-4
    with pytest.raises(UsageError, match="learning_rate_text_encoder: 3e-4 read back"):
        verify("scenario", json.dumps(data), name, {}, tmp_path / "on", Settings(root=tmp_path / "on"), plan)


# --- every key written is one the trainer reads, with its type -----------------------------------


def _kind(default: Any) -> type | tuple[type, ...] | None:
    if isinstance(default, bool):
        return bool
    if isinstance(default, int):
        return int
    if isinstance(default, float):
        return (int, float)
    if isinstance(default, str):
        return str
    return None


def _accepted(to: str, path: tuple[Any, ...], value: Any, data: dict[str, Any]) -> tuple[bool, Any]:
    """Whether the trainer reads the key at `path`, and the KeyInfo default that says its type (or None)."""
    if to == "kohya_ss":
        return path[0] in KS.ACCEPTED_KEYS, getattr(KS.KEYS.get(path[0]), "default", None)
    if to == "sd-scripts":
        return path[0] in SD.ARGUMENTS, getattr(SD.KEYS.get(path[0]), "default", None)
    if to == "ai-toolkit":
        if len(path) == 1:
            return path[0] in AT.TOP_KEYS, None
        if len(path) == 2:
            return path[1] in AT.CONFIG_KEYS, None
        section, key = path[3], path[-1]
        if len(path) == 4:
            return section in AT.PROCESS_KEYS, None
        table = {
            "train": (AT.TRAIN_KEYS, AT.TRAIN),
            "model": (AT.MODEL_KEYS, AT.MODEL),
            "network": (AT.NETWORK_KEYS, AT.NETWORK),
            "datasets": (AT.DATASET_KEYS, AT.DATASET),
        }[section]
        return key in table[0], getattr(table[1].get(key), "default", None)
    if to == "onetrainer":
        if len(path) == 1:
            return path[0] in OT.KEYS, getattr(OT.KEYS.get(path[0]), "default", None)
        if path[0] == "concepts":
            return path[-1] in OT.CONCEPT_KEYS or path[-1] == "name", getattr(
                OT.CONCEPT_KEYS.get(path[-1]), "default", None
            )
        part = OT.PART_DEFAULTS.get(str(path[0]), {})
        return path[0] in OT.PART_DEFAULTS and path[1] in OT.PART_FIELDS, getattr(
            part.get(str(path[1])), "default", None
        )
    if to == "simpletuner":
        return path[0] in ST.OPTIONS, getattr(ST.KEYS.get(path[0]), "default", None)
    if to == "diffusers":
        if path[-1] in ("launcher", "script"):
            return True, None
        script = DF.SCRIPTS[data["commands"][0]["script"]]
        return path[-1] in script.accepted, getattr(script.keys.get(path[-1]), "default", None)
    assert to == "scenario"
    if path[0] == "parameters":
        return path[1] in SC.PARAMETER_KEYS, 0.0 if path[1] in SC.NUMBER_FIELDS else None
    return path[0] in ("type", "name", "trainingImagesNumber"), None


@pytest.mark.parametrize("to", TRAINERS)
@pytest.mark.parametrize("preset", ["sd-1.5/subject@1", "sdxl/style@1", "flux.1/character@1"])
def test_every_key_written_is_read_by_the_trainer(tmp_path: Path, preset: str, to: str) -> None:
    config = project(tmp_path, preset, 12)
    _, plan, _ = export_files(config, to)
    data = nest(plan.assign)
    for path, value in plan.assign.items():
        accepted, default = _accepted(to, path, value, data)
        assert accepted, (to, path)
        kind = _kind(default)
        if kind is not None and value is not None:
            assert isinstance(value, kind), (to, path, value, default)
        if to == "diffusers" and path[-1] in DF.INT_FLAGS:
            assert isinstance(value, int), (path, value)
        if to == "diffusers" and path[-1] in DF.FLOAT_FLAGS:
            assert isinstance(value, (int, float)), (path, value)
        if to == "diffusers" and path[-1] in DF.STORE_TRUE:
            assert value is True, (path, value)


# --- --into: the managed values in place, every other byte as it was ---------------------------

FIXTURES = Path(__file__).parent / "fixtures"
# (trainer, fixture file, the preset of its base model, the training values of the config)
INTO_CASES = [
    ("kohya_ss", "kohya_ss/lora-gui-steps.json", "sd-1.5/subject@1", "text_encoder_ratio: 1\nbatch_size: 2"),
    ("sd-scripts", "sd-scripts/lora-sdxl.toml", "sdxl/style@1", "text_encoder_ratio: 0"),
    ("sd-scripts", "sd-scripts/flux.toml", "flux.1/subject@1", "steps: 1800\ntext_encoder_ratio: 1"),
    ("ai-toolkit", "ai-toolkit/flux_lora.yaml", "flux.1/style@1", "steps: 900\ntext_encoder_ratio: 0"),
    (
        "ai-toolkit",
        "ai-toolkit/defaults_sd15.yaml",
        "sd-1.5/subject@1",
        "text_encoder_ratio: 1\nlearning_rate_text_encoder: 1.0e-4",
    ),
    ("onetrainer", "onetrainer/sd15_lora.json", "sd-1.5/style@1", "steps: 300\nbatch_size: 2"),
    ("onetrainer", "onetrainer/sdxl_concept_file.json", "sdxl/subject@1", ""),
    ("simpletuner", "simpletuner/config/config.json", "sdxl/subject@1", "text_encoder_ratio: 1\nbatch_size: 4"),
    ("simpletuner", "simpletuner/config/config.toml", "flux.1/style@1", "text_encoder_ratio: 0\noptimizer: prodigy"),
    ("sd-scripts", "sd-scripts/launch.sh", "sdxl/style@1", "text_encoder_ratio: 0\nbatch_size: 2"),
    ("diffusers", "diffusers/sdxl_te_lr_set.sh", "sdxl/style@1", "text_encoder_ratio: 0\nbatch_size: 4"),
    (
        "diffusers",
        "diffusers/sd15_clean.sh",
        "sd-1.5/subject@1",
        "text_encoder_ratio: 1\nlearning_rate_text_encoder: 1.0e-4\nbatch_size: 4",
    ),
    ("scenario", "scenario/sdxl_legacy_ratio.json", "sdxl/subject@1", ""),
    # a model as the API returns it: the parameters inside `model`
    ("scenario", "scenario/flux_model.json", "flux.1/character@2", "batch_size: 2"),
]


def _changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    import difflib

    gone, added = [], []

    def lines(text: str) -> list[str]:  # a shell line's continuation comes and goes with the line after it
        return [line.rstrip().removesuffix("\\").rstrip() for line in text.splitlines()]

    for line in difflib.ndiff(lines(old), lines(new)):
        if line.startswith("- "):
            gone.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return gone, added


@pytest.mark.parametrize(("to", "fixture", "preset", "training"), INTO_CASES, ids=lambda v: str(v).split("/")[-1])
def test_into_changes_only_the_managed_keys(tmp_path: Path, to: str, fixture: str, preset: str, training: str) -> None:
    import shutil

    shutil.copytree((FIXTURES / fixture).parent, tmp_path / "trainer")
    existing = tmp_path / "trainer" / Path(fixture).name
    config = project(tmp_path, preset, 10, training)
    old = existing.read_bytes()
    result = run_cli("export", str(config), "--to", to, "--into", str(existing), "--approximate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "updated" in result.stdout
    new = existing.read_bytes()
    assert new != old
    module = exporter(to)
    gone, added = _changed_lines(old.decode(), new.decode())
    # every line that changed holds a key trainlint manages, or opens or closes the section it goes in
    sections = ("train", *OT.PART_DEFAULTS)
    # the same line on both sides but for a comma: JSON's separator before a sibling added after it
    comma_only = {line.rstrip().rstrip(",") for line in gone} & {line.rstrip().rstrip(",") for line in added}
    for line in gone + added:
        bare = line.strip().strip('"{},:[]')
        if not bare or bare in sections or line.rstrip().rstrip(",") in comma_only:
            continue
        assert any(key.lstrip("-") in line for key in (*module.MANAGED, "max_train_epochs")), line
    # read back through the trainer's format, the file trains the config's values (or the changes said)
    _, adapted = adapt_file(existing.parent, existing.name, to, tmp_path)
    target = target_of(config, config.name, Settings(root=tmp_path), None, existing.parent)
    said = result.stderr
    assert close(adapted.values["learning_rate_unet"].value, target.learning_rate_unet)
    if "changed: steps" not in said:
        assert close(adapted.values["steps"].value, target.steps)
    if "changed: text_encoder_ratio" not in said and to != "onetrainer":
        assert close(adapted.values["text_encoder_ratio"].value, target.text_encoder_ratio)
    # a second run finds nothing to do and leaves every byte
    again = run_cli("export", str(config), "--to", to, "--into", str(existing), "--approximate", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "already up to date" in again.stdout
    assert existing.read_bytes() == new


def test_into_keeps_comments_spelling_and_line_ends(tmp_path: Path) -> None:
    """CRLF line ends, comments, a BOM-less UTF-8 name and a value spelt `1e-4` that already holds the rate."""
    existing = tmp_path / "run.toml"
    text = (
        "# team settings\r\n"
        "[model]\r\n"
        'pretrained_model_name_or_path = "models/sdxl-é.safetensors"  # ours\r\n'
        "[train]\r\n"
        "learning_rate = 1e-4   # keep\r\n"
        "max_train_epochs = 12\r\n"
        "max_train_steps = 10\r\n"
        'network_module = "networks.lora"\r\n'
        "network_dim = 64\r\n"
    )
    existing.write_bytes(text.encode())
    config = project(tmp_path, "sdxl/style@1", 10, "text_encoder_ratio: 0")
    result = run_cli("export", str(config), "--to", "sd-scripts", "--into", str(existing), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert existing.read_bytes().decode() == (
        "# team settings\r\n"
        "unet_lr = 0.0001\r\n"
        "network_train_unet_only = true\r\n"
        "\r\n"
        "[model]\r\n"
        'pretrained_model_name_or_path = "models/sdxl-é.safetensors"  # ours\r\n'
        "[train]\r\n"
        "learning_rate = 1e-4   # keep\r\n"
        "max_train_steps = 3500\r\n"
        'network_module = "networks.lora"\r\n'
        "network_dim = 64\r\n"
    )


def test_into_refuses_another_model_and_leaves_the_file(tmp_path: Path) -> None:
    import shutil

    shutil.copy(FIXTURES / "ai-toolkit" / "flux_lora.yaml", tmp_path / "job.yaml")
    before = (tmp_path / "job.yaml").read_bytes()
    config = project(tmp_path, "sdxl/style@1", 10, "text_encoder_ratio: 0")
    result = run_cli("export", str(config), "--to", "ai-toolkit", "--into", "job.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "trains flux.1" in result.stderr
    assert (tmp_path / "job.yaml").read_bytes() == before
    result = run_cli("export", str(config), "--to", "kohya_ss", "--into", "job.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "not a kohya_ss config" in result.stderr
    assert (tmp_path / "job.yaml").read_bytes() == before


def test_into_refuses_when_other_settings_override(tmp_path: Path) -> None:
    """kohya_ss's additional_parameters come after the config on sd-scripts' command line: a rate there wins,
    so writing the fields would not train the config's values; nothing is written."""
    existing = tmp_path / "gui.json"
    data = json.loads((FIXTURES / "kohya_ss" / "lora-gui-steps.json").read_text())
    data["additional_parameters"] = "--unet_lr 3e-4"
    existing.write_text(json.dumps(data, indent=2))
    before = existing.read_bytes()
    config = project(tmp_path, "sd-1.5/subject@1", 10, "text_encoder_ratio: 1")
    result = run_cli("export", str(config), "--to", "kohya_ss", "--into", "gui.json", cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert "learning_rate_unet" in result.stderr and "nothing written" in result.stderr
    assert existing.read_bytes() == before


@pytest.mark.parametrize("to", TRAINERS)
def test_batch_sizes_and_adaptive_optimizers_are_refused_not_dropped(tmp_path: Path, to: str) -> None:
    """The exporters write a batch of one and no optimizer: a config that counts 4 samples a step, or whose
    learning rates are an adaptive optimizer's multipliers, is refused rather than written as another run; any
    other optimizer is said in a note."""
    config = project(tmp_path, "sdxl/style@1", 10, "steps: 875\nbatch_size: 2\ngradient_accumulation_steps: 2")
    result = run_cli("export", str(config), "--to", to, "--approximate", cwd=tmp_path)
    assert result.returncode == 2 and not result.stdout
    assert "batch_size x gradient_accumulation_steps 4: export writes a batch of one" in result.stderr
    config = project(tmp_path, "sdxl/style@1", 10, "learning_rate_unet: 1.0\noptimizer: Prodigy")
    result = run_cli("export", str(config), "--to", to, "--approximate", cwd=tmp_path)
    assert result.returncode == 2 and "optimizer Prodigy: export writes no optimizer" in result.stderr
    config = project(tmp_path, "sdxl/style@1", 10, "optimizer: adamw8bit")
    result = run_cli("export", str(config), "--to", to, "--approximate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "note: optimizer adamw8bit is not written" in result.stderr


def test_into_refuses_a_file_whose_batch_or_optimizer_changes_the_run(tmp_path: Path) -> None:
    """diffusers' scripts default to a batch of 4: written into such a script, a config counted for a batch of one
    would train four times the samples; a Prodigy file would take AdamW rates as multipliers. Declared in the
    config, the same file is updated."""
    shutil.copytree(FIXTURES / "diffusers", tmp_path / "trainer")
    script = tmp_path / "trainer" / "sd15_clean.sh"
    before = script.read_bytes()
    config = project(tmp_path, "sd-1.5/subject@1", 10, "text_encoder_ratio: 1\nlearning_rate_text_encoder: 1.0e-4")
    result = run_cli("export", str(config), "--to", "diffusers", "--into", str(script), cwd=tmp_path)
    assert result.returncode == 2 and "samples per step: 4 read back (--train_batch_size), 1 meant" in result.stderr
    assert script.read_bytes() == before
    (tmp_path / "on").mkdir()
    prodigy = project(tmp_path / "on", "flux.1/style@1", 10, "text_encoder_ratio: 0")
    toml = tmp_path / "trainer" / "config.toml"
    shutil.copy(FIXTURES / "simpletuner" / "config" / "config.toml", toml)
    result = run_cli("export", str(prodigy), "--to", "simpletuner", "--into", str(toml), cwd=tmp_path)
    assert result.returncode == 2 and "an adaptive optimizer read back" in result.stderr
    config = project(tmp_path, "sd-1.5/subject@1", 10, "text_encoder_ratio: 1\nbatch_size: 4")
    result = run_cli("export", str(config), "--to", "diffusers", "--into", str(script), "--approximate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("to", TRAINERS)
def test_a_hostile_name_stays_a_value(tmp_path: Path, to: str) -> None:
    """A config's name with line breaks, quotes, `$(...)` and DEL is the name in the trainer's file: it
    never becomes a command, a key or a second line of the header comment."""
    config = project(tmp_path, "sdxl/subject@1", 3, "text_encoder_ratio: 1")
    hostile = "x\nrm -rf ~ # $(touch pwned) '\"\x7f\u2028job: evil"
    config.write_text(config.read_text().replace("name: run", f"name: {json.dumps(hostile)}"))
    target, plan, files = export_files(config, to)
    assert target.name == hostile
    write_tree(tmp_path, files)
    main = next(iter(files))
    doc, adapted = adapt_file(tmp_path, main, to)
    assert not doc.findings, doc.findings
    assert adapted.values["steps"].value == plan.trains["steps"]
    text = files[main]
    if not main.endswith(".json"):  # the header is two comment lines, the name escaped on the first
        first, second = text.split("\n")[:2]
        assert first.startswith("# x\\nrm -rf") or first.startswith("# x rm -rf"), first
        assert second == "# trainlint: training_type=subject"
    if to == "diffusers":
        assert len(doc.data["commands"]) == 1 and doc.data["commands"][0]["args"]["--instance_prompt"] == hostile
    if to == "ai-toolkit":
        assert doc.data["config"]["name"] == hostile and doc.data["job"] == "extension"
    assert not (tmp_path / "pwned").exists()


def test_output_suffix_must_be_the_trainers(tmp_path: Path) -> None:
    config = project(tmp_path, "sdxl/style@1", 3)
    result = run_cli("export", str(config), "--to", "sd-scripts", "--approximate", "-o", "run.json", cwd=tmp_path)
    assert result.returncode == 2 and "written as .toml" in result.stderr
    assert not (tmp_path / "run.json").exists()
