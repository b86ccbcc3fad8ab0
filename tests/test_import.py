"""`trainlint import`: trainers' configs as trainlint configs that check clean of schema errors, start
from the closest preset, hold only what differs, and list what the format has no key for; imported
then exported to the same trainer, the project's fixtures train their original values."""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import pytest
from helpers import REAL_CONFIGS, REPO, check_snippet, codes, run_cli, write_tree

from trainlint.catalog import TRAINING_KEYS
from trainlint.diagnostics import fmt_number
from trainlint.document import Limits
from trainlint.errors import UsageError
from trainlint.export import exporter, make, target_of, update, verify
from trainlint.importer import import_file
from trainlint.inputs import SEARCHED_SUFFIXES, trainer_format
from trainlint.inputs.base import ADAPTIVE_OPTIMIZER, SAMPLES_PER_STEP, Hints
from trainlint.inputs.workspace import FolderWorkspace
from trainlint.inputs.yaml_reader import load_text
from trainlint.repository import read_candidate
from trainlint.rules.trainer_traps import ai_toolkit
from trainlint.settings import Settings

FIXTURES = REPO / "tests" / "fixtures"
TRAINERS = {
    "kohya_ss": "kohya_ss",
    "sd-scripts": "sd-scripts",
    "ai-toolkit": "ai-toolkit",
    "onetrainer": "onetrainer",
    "simpletuner": "simpletuner",
    "diffusers": "diffusers",
    "scenario": "scenario",
}


def _fixtures() -> list[tuple[str, Path]]:
    out = []
    for trainer, folder in TRAINERS.items():
        for path in sorted((FIXTURES / folder).rglob("*")):
            if path.is_file() and "traps" not in path.parts and path.suffix.lower() in SEARCHED_SUFFIXES:
                out.append((trainer, path))
    return out


FIXTURE_FILES = _fixtures()
# the kinds of file an import refuses, said in its message
REFUSED = ("full fine-tune", "no presets for", "which base model", "not a trainer's config", "cannot be read", "is for")


def _copy(tmp: Path, trainer: str) -> Path:
    """The trainer's fixtures in a repository of their own."""
    (tmp / ".git").mkdir(parents=True, exist_ok=True)
    shutil.copytree(FIXTURES / TRAINERS[trainer], tmp / "trainer", dirs_exist_ok=True)
    return tmp / "trainer"


def _adapt(path: Path, root: Path, name: str):
    fmt = trainer_format(name)
    doc = fmt.read(path.read_bytes(), path.name, Limits())
    return fmt.adapt(doc, FolderWorkspace(path.parent, root, Limits()), Hints(training_type="subject"))


@pytest.mark.parametrize(("trainer", "fixture"), FIXTURE_FILES, ids=lambda v: v if isinstance(v, str) else v.name)
def test_import_then_export_gives_back_the_original_values(tmp_path: Path, trainer: str, fixture: Path) -> None:
    folder = _copy(tmp_path, trainer)
    source = folder / fixture.relative_to(FIXTURES / TRAINERS[trainer])
    settings = Settings(root=tmp_path, training_type="subject", hints_source="command line")
    candidate = read_candidate(source, settings, explicit=True)
    if candidate is None or candidate.trainer is None or candidate.trainer.name != trainer:
        pytest.skip("another format's file (a dataset config, a concepts list)")
    try:
        imported = import_file(source, source.name, settings, tmp_path)
    except UsageError as exc:
        assert any(word in str(exc) for word in REFUSED), exc
        pytest.skip(f"not importable: {exc}")
    config = tmp_path / "imported.yaml"
    config.write_text(imported.text)
    # the imported config is a valid trainlint config: no schema or reading error
    assert not [c for c in codes(check_snippet(tmp_path, imported.text, name="imported.yaml")) if c < "TL200"]
    original = _adapt(source, tmp_path, trainer)
    assert original is not None
    # the images a step shows come along (batch_size x gradient_accumulation_steps), so the imported config's
    # steps compare with the presets as the source's do
    samples = original.values.get(SAMPLES_PER_STEP)
    carried = math.prod(int(imported.run.get(key, "1")) for key in ("batch_size", "gradient_accumulation_steps"))
    assert carried == (samples.value if samples is not None else 1), (imported.run, samples)
    target = target_of(config, config.name, Settings(root=tmp_path), None, tmp_path)
    if math.isnan(target.steps):
        pytest.skip("the steps depend on an image count the source does not give")
    name = f"back{exporter(trainer).SUFFIX}"
    try:
        if imported.run:  # a batch or an optimizer a fresh file would not hold: back into the source, which keeps them
            plan = update(target, trainer, source, source.name, Settings(root=tmp_path)).plan
        else:
            plan, text, others = make(target, trainer, name)
            if not plan.missing:
                verify(trainer, text, name, others, tmp_path, Settings(root=tmp_path), plan, target)
    except UsageError as exc:  # a value of the preset that depends on an image count nobody gives
        assert any(why in str(exc) for why in ("image count", "--into edits", "--into updates a script")), exc
        pytest.skip(str(exc))
    if plan.missing:
        pytest.skip(f"{plan.missing[0].what}")
    assert not plan.changes, plan.changes  # what a trainer wrote, it can hold
    adaptive = any(note.kind == ADAPTIVE_OPTIMIZER for note in original.notes)
    for key in TRAINING_KEYS:
        before = original.values.get(key)
        multiplier = adaptive and "optimizer" not in imported.run and key.startswith("learning_rate")
        if before is None or before.value is None or multiplier:
            assert key in imported.unknown or key not in imported.training
            continue
        if key == "learning_rate_text_encoder" and not original.values["text_encoder_ratio"].value:
            continue  # not trained: no rate to give back
        if key in imported.unknown:  # a value the format cannot hold (a rate of 0): said, with the value
            assert fmt_number(before.value) in imported.unknown[key]
            continue
        assert math.isclose(plan.trains[key] or 0.0, before.value, rel_tol=1e-9, abs_tol=1e-12), (
            key,
            plan.trains[key],
            before.value,
        )


def test_every_trainer_round_trips_a_fixture(tmp_path: Path) -> None:
    """The test above skips what cannot be imported: each trainer still has fixtures that go round."""
    done: dict[str, int] = {}
    for trainer, fixture in FIXTURE_FILES:
        folder = _copy(tmp_path / trainer, trainer)
        source = folder / fixture.relative_to(FIXTURES / TRAINERS[trainer])
        settings = Settings(root=tmp_path / trainer, training_type="style", hints_source="command line")
        candidate = read_candidate(source, settings, explicit=True)
        if candidate is None or candidate.trainer is None or candidate.trainer.name != trainer:
            continue
        try:
            import_file(source, source.name, settings, tmp_path / trainer)
        except UsageError:
            continue
        done[trainer] = done.get(trainer, 0) + 1
    assert set(done) == set(TRAINERS), done


def test_import_starts_from_the_preset_and_lists_the_rest(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "",
            "img/10_cat/a.png": "x",
            "img/10_cat/a.txt": "a cat",
            "run.toml": (
                "# trainlint: training_type=style\n"
                'pretrained_model_name_or_path = "stabilityai/stable-diffusion-xl-base-1.0"\n'
                'network_module = "networks.lora"\n'
                'train_data_dir = "img"\n'
                "max_train_steps = 350\n"
                "learning_rate = 1e-4\n"
                "text_encoder_lr = 1e-5\n"
                "network_dim = 32\n"
                'optimizer_type = "AdamW8bit"\n'
                "resolution = [1024, 1024]\n"
            ),
        },
    )
    result = run_cli("import", "run.toml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    data = load_text(text).data
    assert data["preset"] == "sdxl/style@1" and data["base_model"] == "sdxl" and data["training_type"] == "style"
    # 350 steps for one image is the preset's; the rates are too; only the share differs (1: the whole run)
    assert data["training"] == {"text_encoder_ratio": 1}
    assert data["classification"] == "Custom"
    assert data["dataset"] == {"path": "img/10_cat"}
    assert "# imported from run.toml (sd-scripts)" in text
    for kept in ("network_dim: 32", 'optimizer_type: "AdamW8bit"', "resolution: [1024, 1024]"):
        assert f"#   {kept}" in text, kept
    assert "#   max_train_steps" not in text  # imported (as the preset's value)


def test_import_carries_batch_accumulation_and_an_adaptive_optimizer(tmp_path: Path) -> None:
    """sd-scripts at batch 2 x accumulation 2 with Prodigy at 1.0: the imported config says so in trainlint's keys
    (outside the preset: still the preset's match), takes the rates as the multipliers they are, and `check`
    judges it as it judges the source: 875 steps show each image 350 times, SDXL's style preset."""
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "",
            **{f"img/10_cat/{n}.png": "x" for n in range(10)},
            **{f"img/10_cat/{n}.txt": "a cat" for n in range(10)},
            "run.toml": (
                "# trainlint: training_type=style\n"
                'pretrained_model_name_or_path = "stabilityai/stable-diffusion-xl-base-1.0"\n'
                'network_module = "networks.lora"\n'
                'train_data_dir = "img"\n'
                "max_train_steps = 875\n"
                "train_batch_size = 2\n"
                "gradient_accumulation_steps = 2\n"
                "learning_rate = 1.0\n"
                "network_train_unet_only = true\n"
                'optimizer_type = "Prodigy"\n'
            ),
        },
    )
    result = run_cli("import", "run.toml", "-o", "cfg.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "cfg.yaml").read_text()
    data = load_text(text).data
    assert {k: data["training"][k] for k in ("batch_size", "gradient_accumulation_steps", "optimizer")} == {
        "batch_size": 2,
        "gradient_accumulation_steps": 2,
        "optimizer": "Prodigy",
    }
    assert data["training"]["learning_rate_unet"] == 1.0  # a multiplier, written with the optimizer it multiplies
    assert "batch_size: 2  # train_batch_size" in text and "optimizer: Prodigy  # optimizer_type" in text
    for listed in ("train_batch_size", "gradient_accumulation_steps", "optimizer_type"):
        assert f"#   {listed}" not in text, listed  # held by the config, not listed as having no key
    source = json.loads(run_cli("check", "--format", "json", "run.toml", cwd=tmp_path).stdout)["diagnostics"]
    imported = json.loads(run_cli("check", "--format", "json", "cfg.yaml", cwd=tmp_path).stdout)["diagnostics"]
    steps_rules = {"TL401", "TL403", "TL404", "TL406", "TL407", "TL408"}
    assert {d["code"] for d in source} & steps_rules == {d["code"] for d in imported} & steps_rules == set()


def test_a_batch_that_shows_the_presets_samples_imports_as_the_preset(tmp_path: Path) -> None:
    """ai-toolkit at batch 4 for 250 steps shows each of 10 images 100 times, FLUX.1's style preset: the imported
    config writes the steps and the batch, and is the preset's match (check finds nothing to say about it)."""
    write_tree(tmp_path, {".git/HEAD": "", **{f"img/10_style/{n}.png": "x" for n in range(10)}})
    write_tree(tmp_path, {f"img/10_style/{n}.txt": "a watercolor" for n in range(10)})
    (tmp_path / "job.yaml").write_text(ai_toolkit(steps=250, lr=1e-4, batch_size=4))
    result = run_cli("import", "job.yaml", "--training-type", "style", "-o", "cfg.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = load_text((tmp_path / "cfg.yaml").read_text()).data
    assert data["training"] == {"steps": 250, "batch_size": 4}
    assert data["classification"] == data["preset"] == "flux.1/style@2"
    checked = run_cli("check", "--format", "json", "cfg.yaml", cwd=tmp_path)
    assert json.loads(checked.stdout)["diagnostics"] == [], checked.stdout


def test_classification_is_the_preset_when_nothing_differs(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "",
            "job.yaml": (
                "job: extension\nconfig:\n  name: x\n  process:\n    - type: sd_trainer\n      network: {type: lora}\n"
                "      model: {name_or_path: stabilityai/stable-diffusion-xl-base-1.0, arch: sdxl}\n"
                "      train: {steps: 700, lr: 1.0e-4, train_text_encoder: false}\n"
                "      datasets:\n        - folder_path: data\n"
            ),
            "data/a.png": "x",
            "data/b.png": "x",
        },
    )
    result = run_cli("import", "job.yaml", "--training-type", "style", "-o", "cfg.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = load_text((tmp_path / "cfg.yaml").read_text()).data
    assert data["training"] == {"text_encoder_ratio": 0.0}
    (tmp_path / "job.yaml").write_text((tmp_path / "job.yaml").read_text().replace("false", "true"))
    result = run_cli("import", "job.yaml", "--training-type", "style", "-o", "cfg.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "--force" in result.stderr
    result = run_cli("import", "job.yaml", "--training-type", "style", "-o", "cfg.yaml", "--force", cwd=tmp_path)
    assert result.returncode == 0
    data = load_text((tmp_path / "cfg.yaml").read_text()).data
    # 700 steps for 2 images is the preset's, the rate 1e-4 too; the text encoder trains all of it at 1e-4
    assert data["training"] == {"learning_rate_text_encoder": 1.0e-4, "text_encoder_ratio": 1}
    assert check_snippet(tmp_path, (tmp_path / "cfg.yaml").read_text(), name="cfg2.yaml") is not None


SDXL_LORA = (
    'pretrained_model_name_or_path = "sd_xl_base_1.0.safetensors"\nnetwork_module = "networks.lora"\n'
    "max_train_steps = 100\nlearning_rate = 1e-4\n"
)


def test_needs_a_training_type(tmp_path: Path) -> None:
    write_tree(tmp_path, {".git/HEAD": "", "run.toml": SDXL_LORA})
    result = run_cli("import", "run.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert "--training-type" in result.stderr and result.stdout == ""


def test_folder_writes_one_config_per_file_and_never_overwrites(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "",
            "trainers/a.toml": SDXL_LORA,
            "trainers/sub/--output=x.toml": SDXL_LORA.replace("100", "200"),
            "trainers/notes.yaml": "just: notes\n",
            "trainers/sub/full.toml": (
                'pretrained_model_name_or_path = "v1-5.safetensors"\nlearning_rate_te = 1e-6\n'
                "max_train_steps = 10\nlearning_rate = 1e-6\n"
            ),
        },
    )
    result = run_cli("import", "trainers", "-o", "configs", "--training-type", "object", cwd=tmp_path)
    assert result.returncode == 2  # full.toml is a full fine-tune: named, the others written
    assert "full.toml" in result.stderr
    assert sorted(p.relative_to(tmp_path / "configs").as_posix() for p in (tmp_path / "configs").rglob("*")) == [
        "a.trainlint.yaml",
        "sub",
        "sub/--output=x.trainlint.yaml",
    ]
    assert "imported 2 files, 1 not imported" in result.stdout
    before = (tmp_path / "configs" / "a.trainlint.yaml").read_bytes()
    again = run_cli("import", "trainers", "-o", "configs", "--training-type", "object", cwd=tmp_path)
    assert "exists" in again.stderr and (tmp_path / "configs" / "a.trainlint.yaml").read_bytes() == before
    for made in (tmp_path / "configs").rglob("*.yaml"):
        assert "TL1" not in " ".join(codes(check_snippet(made.parent, made.read_text(), name="copy.yaml")))


@pytest.mark.skipif(not REAL_CONFIGS.is_dir(), reason="the real trainer configs are not beside the project")
def test_real_configs_import_without_a_crash_or_a_silent_loss(tmp_path: Path) -> None:
    """Every real config a trainer format claims either imports, or is refused with a reason; an import
    holds each setting of the source: imported, or listed in the comment block, or said to be unknown."""
    from trainlint.importer import _leaves

    settings = Settings(root=REAL_CONFIGS, training_type="style", hints_source="command line")
    imported = refused = 0
    for path in sorted(REAL_CONFIGS.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in SEARCHED_SUFFIXES:
            continue
        display = os.fspath(path.relative_to(REAL_CONFIGS))
        try:
            result = import_file(path, display, settings, tmp_path, explicit=False)
        except UsageError as exc:
            assert str(exc).startswith(display), exc
            refused += 1
            continue
        imported += 1
        data = load_text(result.text).data
        assert isinstance(data, dict) and data["schema_version"] == 1, display
        listed = {shown for shown, _ in result.kept}
        candidate = read_candidate(path, settings, explicit=False)
        assert candidate is not None and candidate.trainer is not None
        doc = candidate.trainer.read(candidate.raw, display, settings.limits)
        for shown, _ in _leaves(doc.data):
            assert shown in listed or shown in result.used, (display, shown)
        for key, value in result.training.items():  # what differs from the preset is written as read
            assert math.isclose(data["training"][key], value, rel_tol=1e-6), (display, key)
    assert imported > 20, (imported, refused)


def test_hostile_keys_and_values_stay_in_the_comment_block(tmp_path: Path) -> None:
    """A source's keys and values with line breaks, separators and YAML syntax are listed escaped, one line
    each: the config holds exactly the keys the import writes."""
    import json

    data = {
        "LoRA_type": "Standard",
        "sdxl": True,
        "max_train_steps": 700,
        "learning_rate": 1e-4,
        "unet_lr": 1e-4,
        "text_encoder_lr": 0,
        "max_train_epochs": 0,
        "cache_latents": True,
        "caption_extension": ".txt",
        "epoch": 1,
        "evil\nschema_version: 2": "a\nb: c\u2028d\x85e",
        "note": "#\r\npreset: flux.1/style",
    }
    write_tree(tmp_path, {".git/HEAD": "", "k.json": json.dumps(data)})
    result = run_cli("import", "k.json", "--training-type", "style", "--isolated", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    parsed = load_text(result.stdout)
    assert not parsed.findings
    assert set(parsed.data) == {
        "schema_version",
        "name",
        "base_model",
        "training_type",
        "preset",
        "classification",
        "dataset",
        "training",
    }
    assert parsed.data["schema_version"] == 1 and parsed.data["preset"] == "sdxl/style@1"
    assert '#   "evil\\nschema_version: 2": "a\\nb: c' in result.stdout


def test_folder_import_never_writes_outside_the_output_folder(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"repo/.git/HEAD": "", "repo/trainers/sub/a.toml": SDXL_LORA, "repo/trainers/b.toml": SDXL_LORA}
    )
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "repo" / "configs").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "repo" / "configs" / "sub")
    result = run_cli("import", "trainers", "-o", "configs", "--training-type", "style", cwd=tmp_path / "repo")
    assert result.returncode == 2
    assert "outside configs" in result.stderr
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert (tmp_path / "repo" / "configs" / "b.trainlint.yaml").is_file()
