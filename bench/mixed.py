"""Trainer configs against trainlint's own format, and files that are no config at all, in one run.

    python bench/mixed.py                     # 2,000 files per folder, 3 rounds
    python bench/mixed.py --files 500 --rounds 1

Three generated repositories of the same size, each checked by `trainlint check configs` as a
fresh process (start-up counts, as for a pre-commit hook), all in the same interleaved rounds so
a machine that slows down slows every command alike (bench/run.py's measurement):

- trainlint's own format: bench/corpus.py's 2,000 configs, the run bench/run.py measures;
- a mix of trainer configs: kohya_ss GUI configs, sd-scripts TOML configs (with dataset configs
  and shell launch scripts), ai-toolkit jobs, OneTrainer configs, SimpleTuner config.json,
  config.toml and config.env files, diffusers launch scripts and Scenario payloads, generated
  here with random values in the shapes of the test fixtures (tests/fixtures/<trainer>/), some
  pointing at folders of images. Each is detected by content, read with positions, adapted and
  checked. Target: within 2x of the trainlint-format run;
- files of the same kinds that no format claims (package.json, tsconfig.json, workflows,
  compose files, Kubernetes manifests, pyproject.toml, Cargo.toml, .env files, build scripts):
  they should cost detection only. Reported against an empty folder (start-up alone) and
  against detection measured in-process (`repository.read_candidate` on every file).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate
from run import ENV, Command, machine, measure, versions

TRAINERS = (  # (generator name, share of the mix)
    ("kohya_ss", 25),
    ("sd_scripts", 15),
    ("ai_toolkit", 20),
    ("onetrainer", 10),
    ("simpletuner", 10),
    ("diffusers", 15),
    ("scenario", 5),
)
SDXL, SD15, FLUX = (
    "stabilityai/stable-diffusion-xl-base-1.0",
    "stable-diffusion-v1-5/stable-diffusion-v1-5",
    "black-forest-labs/FLUX.1-dev",
)
LEARNING_RATES = (1e-4, 1e-4, 2e-4, 5e-5, 1e-5, 3e-4, 1e-3, 4e-6)
OPTIMIZERS = ("AdamW8bit", "AdamW", "Adafactor", "Prodigy", "Lion")
WORDS = ("sks", "ohwx", "watercolor", "ink", "product", "portrait", "castle", "neon", "pastel", "forest")


def _lr(rng: random.Random) -> float:
    return rng.choice(LEARNING_RATES)


def _name(rng: random.Random, index: int) -> str:
    return f"{rng.choice(WORDS)}_{rng.choice(WORDS)}_{index:05d}"


def kohya_ss(rng: random.Random, index: int) -> tuple[str, str]:
    """A GUI config as the LoRA or DreamBooth tab saves it (tests/fixtures/kohya_ss/)."""
    sdxl = rng.random() < 0.6
    unet = _lr(rng)
    config = {
        "LoRA_type": rng.choice(["Standard", "LyCORIS/LoCon", "LyCORIS/LoHa"]),
        "pretrained_model_name_or_path": SDXL if sdxl else SD15,
        "sdxl": sdxl,
        "v2": False,
        "v_parameterization": False,
        "train_data_dir": "../../data/kohya",
        "reg_data_dir": "",
        "output_dir": f"out/{index}",
        "dataset_config": "",
        "max_resolution": "1024,1024" if sdxl else "512,512",
        "caption_extension": ".txt",
        "learning_rate": unet,
        "unet_lr": unet,
        "text_encoder_lr": rng.choice([unet / 2, unet / 10, 0, unet]),
        "lr_scheduler": rng.choice(["constant", "cosine", "cosine_with_restarts"]),
        "lr_warmup": rng.choice([0, 5, 10]),
        "optimizer": rng.choice(OPTIMIZERS),
        "optimizer_args": "",
        "train_batch_size": rng.choice([1, 2, 4]),
        "gradient_accumulation_steps": rng.choice([1, 1, 2]),
        "epoch": rng.randrange(1, 20),
        "max_train_steps": rng.choice([0, 0, 1600, 3000]),
        "max_train_epochs": 0,
        "stop_text_encoder_training": 0,
        "keep_tokens": rng.choice([0, 1]),
        "shuffle_caption": rng.random() < 0.5,
        "cache_latents": True,
        "save_model_as": "safetensors",
        "network_dim": rng.choice([8, 16, 32, 64]),
        "network_alpha": rng.choice([1, 8, 16]),
        "gradient_checkpointing": True,
        "xformers": "xformers",
        "noise_offset": rng.choice([0, 0.05, 0.1]),
        "additional_parameters": "",
    }
    if rng.random() < 0.1:
        config["learning_rate"] = str(unet)  # a number stored as text, as some GUI presets do
    return "json", json.dumps(config, indent=2) + "\n"


def sd_scripts(rng: random.Random, index: int) -> tuple[str, str]:
    """A --config_file TOML with a dataset config beside it, or a launch script (tests/fixtures/sd-scripts/)."""
    if rng.random() < 0.25:
        script = rng.choice(["train_network.py", "sdxl_train_network.py", "train_db.py"])
        return "sh", (
            f"#!/usr/bin/env bash\n# {_name(rng, index)}\nLR={_lr(rng)}\n"
            f"accelerate launch --num_processes 1 {script} \\\n"
            f"  --pretrained_model_name_or_path={SDXL if 'sdxl' in script else SD15} \\\n"
            f'  --dataset_config ../../data/dataset.toml \\\n  --learning_rate "$LR" \\\n'
            f"  --max_train_epochs {rng.randrange(1, 12)} \\\n  --network_dim {rng.choice([8, 16, 32])} \\\n"
            f"  --output_dir out/{index}\n"
        )
    return "toml", (
        f"# a --config_file for sdxl_train_network.py\n[model_arguments]\n"
        f'pretrained_model_name_or_path = "{SDXL}"\n\n[dataset_arguments]\n'
        f'dataset_config = "../../data/dataset.toml"\n\n'
        f'[training_arguments]\noutput_dir = "out/{index}"\n'
        f"max_train_epochs = {rng.randrange(1, 12)}\n"
        f'gradient_accumulation_steps = {rng.choice([1, 2])}\nmixed_precision = "bf16"\n\n'
        f'[optimizer_arguments]\noptimizer_type = "{rng.choice(OPTIMIZERS)}"\n'
        f"learning_rate = {_lr(rng)}\n"
        f"text_encoder_lr = [{_lr(rng) / 5}, {_lr(rng) / 5}]\n\n[network_arguments]\n"
        f'network_module = "networks.lora"\nnetwork_dim = {rng.choice([8, 16, 32])}\n'
        f"network_alpha = {rng.choice([1, 8, 16])}\n"
    )


def ai_toolkit(rng: random.Random, index: int) -> tuple[str, str]:
    """An ai-toolkit training job (tests/fixtures/ai-toolkit/)."""
    flux = rng.random() < 0.6
    model = (
        '        name_or_path: "black-forest-labs/FLUX.1-dev"\n        is_flux: true\n        quantize: true\n'
        if flux
        else f'        name_or_path: "{SDXL}"\n        is_xl: true\n'
    )
    return "yaml", (
        f'# {_name(rng, index)}\njob: extension\nconfig:\n  name: "{_name(rng, index)}"\n  process:\n'
        f'    - type: "sd_trainer"\n      training_folder: "output"\n      device: cuda:0\n'
        f'      trigger_word: "{rng.choice(WORDS)}"\n      network:\n        type: "lora"\n'
        f"        linear: {rng.choice([8, 16, 32])}\n        linear_alpha: {rng.choice([8, 16, 32])}\n"
        f"      save:\n        dtype: float16\n        save_every: 250\n      datasets:\n"
        f'        - folder_path: "../../data/images"\n          caption_ext: "txt"\n'
        f"          num_repeats: {rng.choice([1, 2, 3])}\n          resolution: [512, 768, 1024]\n"
        f"      train:\n        batch_size: {rng.choice([1, 2])}\n"
        f"        steps: {rng.randrange(500, 4000)}\n"
        f"        gradient_accumulation_steps: 1\n        train_unet: true\n"
        f"        train_text_encoder: {str(rng.random() < 0.2).lower()}\n"
        "        gradient_checkpointing: true\n"
        '        noise_scheduler: "flowmatch"\n        optimizer: "adamw8bit"\n'
        f"        lr: {_lr(rng)}\n"
        f'        dtype: bf16\n      model:\n{model}      sample:\n        sampler: "flowmatch"\n'
        f'        sample_every: 250\n        prompts:\n          - "[trigger] holding a coffee cup"\n'
        "meta:\n  name: \"[name]\"\n  version: '1.0'\n"
    )


def onetrainer(rng: random.Random, index: int) -> tuple[str, str]:
    """A OneTrainer config with its concepts inline (tests/fixtures/onetrainer/)."""
    config = {
        "__version": 11,
        "model_type": rng.choice(["STABLE_DIFFUSION_15", "STABLE_DIFFUSION_XL_10_BASE", "FLUX_DEV_1"]),
        "training_method": rng.choice(["LORA", "LORA", "FINE_TUNE"]),
        "base_model_name": SD15,
        "epochs": rng.randrange(2, 40),
        "batch_size": rng.choice([1, 2, 4]),
        "gradient_accumulation_steps": 1,
        "learning_rate": _lr(rng),
        "aspect_ratio_bucketing": True,
        "optimizer": {"__version": 1, "optimizer": rng.choice(["ADAMW", "ADAMW_8BIT", "PRODIGY"])},
        "unet": {"train": True, "learning_rate": None},
        "text_encoder": {
            "train": rng.random() < 0.5,
            "stop_training_after": rng.randrange(1, 10),
            "stop_training_after_unit": "EPOCH",
            "learning_rate": _lr(rng) / 2,
        },
        "concepts": [
            {
                "__version": 1,
                "name": "subject",
                "path": "../../data/images",
                "balancing": 1.0,
                "balancing_strategy": "REPEATS",
            }
        ],
    }
    return "json", json.dumps(config, indent=4) + "\n"


def simpletuner(rng: random.Random, index: int) -> tuple[str, str]:
    """A SimpleTuner config.json, config.toml or config.env (tests/fixtures/simpletuner/config/)."""
    kind = rng.choice(["json", "toml", "env"])
    family, steps = rng.choice(["sdxl", "flux", "sd1x"]), rng.choice([0, 1000, 3000])
    epochs, lr = rng.randrange(1, 8), _lr(rng)
    if kind == "json":
        return "json", json.dumps(
            {
                "--model_family": family,
                "model_type": "lora",
                "lora_type": "standard",
                "pretrained_model_name_or_path": SDXL,
                "data_backend_config": "../../data/multidatabackend.json",
                "output_dir": f"output/{index}",
                "max_train_steps": steps,
                "num_train_epochs": epochs,
                "train_batch_size": rng.choice([1, 2]),
                "gradient_accumulation_steps": 1,
                "learning_rate": str(lr),
                "optimizer": "adamw_bf16",
                "gradient_checkpointing": True,
                "validation_prompt": None,
            },
            indent=2,
        ) + "\n"
    if kind == "toml":
        return "toml", (
            f'model_family = "{family}"\nmodel_type = "lora"\n'
            f'data_backend_config = "../../data/multidatabackend.json"\noutput_dir = "output/{index}"\n'
            f"max_train_steps = {steps}\nnum_train_epochs = {epochs}\ntrain_batch_size = 1\n"
            f'learning_rate = {lr}\noptimizer = "adamw_bf16"\nvalidation_prompt = "a dog"\n'
        )
    return "env", (
        f"# SimpleTuner config.env\nexport MODEL_FAMILY=\"{family}\"\nexport MODEL_TYPE='lora'\n"
        f'export MODEL_NAME="{SDXL}"\nexport DATALOADER_CONFIG=../../data/multidatabackend.json\n'
        f"export MAX_NUM_STEPS={steps}\nexport NUM_EPOCHS={epochs}\nexport TRAIN_BATCH_SIZE=1\n"
        f'export LEARNING_RATE={lr}\nexport TRAINER_EXTRA_ARGS="--gradient_accumulation_steps=1"\n'
    )


def diffusers(rng: random.Random, index: int) -> tuple[str, str]:
    """A diffusers DreamBooth launch script (tests/fixtures/diffusers/)."""
    script = rng.choice(
        [
            "train_dreambooth_lora.py",
            "train_dreambooth_lora_sdxl.py",
            "train_dreambooth.py",
            "train_dreambooth_lora_flux.py",
        ]
    )
    model = FLUX if "flux" in script else SDXL if "sdxl" in script else SD15
    te = "  --train_text_encoder \\\n" if rng.random() < 0.3 else ""
    return "sh", (
        f'export MODEL_NAME="{model}"\nexport INSTANCE_DIR="../../data/images"\n\n'
        f"accelerate launch {script} \\\n  --pretrained_model_name_or_path=$MODEL_NAME \\\n"
        f"  --instance_data_dir=../../data/images \\\n  --output_dir=out/{index} \\\n"
        f'  --instance_prompt="a photo of {rng.choice(WORDS)} dog" \\\n  --resolution=1024 \\\n'
        f"  --train_batch_size={rng.choice([1, 2])} \\\n  --gradient_accumulation_steps=1 \\\n{te}"
        f"  --learning_rate={_lr(rng)} \\\n  --lr_scheduler=constant \\\n  --lr_warmup_steps=0 \\\n"
        f"  --max_train_steps={rng.randrange(300, 2000)} \\\n  --seed=0\n"
    )


def scenario(rng: random.Random, index: int) -> tuple[str, str]:
    """A Scenario training payload (tests/fixtures/scenario/)."""
    steps = rng.randrange(500, 3000)
    return "json", json.dumps(
        {
            "type": rng.choice(["sd-1_5", "sd-xl-lora"]),
            "trainingImagesNumber": rng.randrange(8, 40),
            "parameters": {
                "maxTrainSteps": steps,
                "numTextTrainSteps": steps // 5,
                "numUNetTrainSteps": steps - steps // 5,
                "learningRateUnet": _lr(rng),
            },
        },
        indent=2,
    ) + "\n"


GENERATORS = {
    "kohya_ss": kohya_ss,
    "sd_scripts": sd_scripts,
    "ai_toolkit": ai_toolkit,
    "onetrainer": onetrainer,
    "simpletuner": simpletuner,
    "diffusers": diffusers,
    "scenario": scenario,
}


def _data(root: Path, rng: random.Random) -> None:
    """The folders the configs point at: a few captioned images, kohya's N_name layout, the dataset configs."""
    images = root / "data" / "images"
    images.mkdir(parents=True)
    for n in range(12):
        (images / f"{n:03d}.png").write_bytes(b"")
        (images / f"{n:03d}.txt").write_text(f"a photo of {rng.choice(WORDS)}\n")
    for folder in ("10_subject", "1_style"):
        (root / "data" / "kohya" / folder).mkdir(parents=True)
        for n in range(8):
            (root / "data" / "kohya" / folder / f"{n}.jpg").write_bytes(b"")
    (root / "data" / "dataset.toml").write_text(
        '[general]\ncaption_extension = ".txt"\nbatch_size = 2\n\n[[datasets]]\nresolution = 1024\n\n'
        '  [[datasets.subsets]]\n  image_dir = "images"\n  num_repeats = 3\n'
    )
    (root / "data" / "multidatabackend.json").write_text(
        json.dumps(
            [
                {
                    "id": "photos",
                    "type": "local",
                    "instance_data_dir": "images",
                    "caption_strategy": "textfile",
                    "repeats": 2,
                },
                {
                    "id": "text-cache",
                    "type": "local",
                    "dataset_type": "text_embeds",
                    "default": True,
                    "cache_dir": "cache/text",
                },
            ],
            indent=2,
        )
        + "\n"
    )


def generate_mixed(root: Path, files: int, seed: int = 7) -> list[Path]:
    """`files` trainer configs under root/configs/<trainer>/, in the shares of TRAINERS; deterministic."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    (root / ".git").mkdir(parents=True)
    _data(root, rng)
    names, weights = zip(*TRAINERS, strict=True)
    out = []
    for index in range(files):
        trainer = rng.choices(names, weights)[0]
        suffix, text = GENERATORS[trainer](rng, index)
        stem = "config" if trainer == "simpletuner" else _name(rng, index)
        path = root / "configs" / trainer / (f"{index:05d}" if trainer == "simpletuner" else "") / f"{stem}.{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        out.append(path)
    return out


def _package_json(rng: random.Random, i: int) -> tuple[str, str]:
    return "json", json.dumps(
        {
            "name": f"web-{i}",
            "version": f"1.{i % 10}.0",
            "private": True,
            "scripts": {"build": "vite build", "test": "vitest"},
            "dependencies": {"react": "^18.2.0", "zod": "^3.22.0"},
        },
        indent=2,
    ) + "\n"


def _tsconfig(rng: random.Random, i: int) -> tuple[str, str]:
    return "json", json.dumps(
        {
            "compilerOptions": {"target": "ES2022", "module": "ESNext", "strict": True, "outDir": "dist"},
            "include": ["src"],
        },
        indent=2,
    ) + "\n"


def _workflow(rng: random.Random, i: int) -> tuple[str, str]:
    return "yml", (
        f"name: ci-{i}\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n"
    )


def _compose(rng: random.Random, i: int) -> tuple[str, str]:
    return "yaml", (
        f"services:\n  app{i}:\n    image: registry.example.org/app:{i}\n    ports: ['8080:80']\n"
        "    environment:\n      LOG_LEVEL: info\n  db:\n    image: postgres:16\n"
    )


def _k8s(rng: random.Random, i: int) -> tuple[str, str]:
    return "yaml", (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-{i}\nspec:\n  replicas: 2\n"
        f"  template:\n    spec:\n      containers:\n        - name: svc\n          image: svc:{i}\n"
    )


def _pyproject(rng: random.Random, i: int) -> tuple[str, str]:
    return "toml", (
        f'[project]\nname = "pkg{i}"\nversion = "0.{i}"\ndependencies = ["requests"]\n\n'
        "[tool.ruff]\nline-length = 100\n"
    )


def _cargo(rng: random.Random, i: int) -> tuple[str, str]:
    return "toml", (
        f'[package]\nname = "crate{i}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nserde = "1"\n'
    )


def _dotenv(rng: random.Random, i: int) -> tuple[str, str]:
    return "env", f"DATABASE_URL=postgres://localhost/app{i}\nDEBUG=0\nPORT={8000 + i % 100}\n"


def _build_script(rng: random.Random, i: int) -> tuple[str, str]:
    return "sh", f"#!/bin/sh\nset -eu\npython -m build\ntwine check dist/*  # {i}\n"


OTHERS = (_package_json, _tsconfig, _workflow, _compose, _k8s, _pyproject, _cargo, _dotenv, _build_script)


def generate_other(root: Path, files: int, seed: int = 11) -> list[Path]:
    """`files` JSON, YAML, TOML, .env and shell files that no format claims, under root/configs/."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    (root / ".git").mkdir(parents=True)
    out = []
    for index in range(files):
        maker = OTHERS[index % len(OTHERS)]
        suffix, text = maker(rng, index)
        path = root / "configs" / f"p{index // 100:02d}" / f"{maker.__name__.strip('_')}-{index:05d}.{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        out.append(path)
    return out


def detection_seconds(files: list[Path]) -> float:
    """Detection alone, in this process: what a folder search does with each file before any check."""
    from trainlint.repository import read_candidate
    from trainlint.settings import Settings

    settings = Settings()
    for path in files[:50]:  # import the formats' modules first: the CLI's start-up is measured apart
        read_candidate(path, settings, explicit=False)
    start = time.perf_counter()
    claimed = sum(read_candidate(path, settings, explicit=False) is not None for path in files)
    elapsed = time.perf_counter() - start
    assert claimed == 0, f"{claimed} of the non-config files were claimed by a format"
    return elapsed


def summary_line(cmd: Command) -> str:
    """The last line `trainlint check` prints (what it found), from one untimed run."""
    run = subprocess.run(cmd.argv, cwd=cmd.cwd, capture_output=True, text=True, check=False, env=ENV)
    lines = (run.stdout or run.stderr).strip().splitlines()
    return lines[-1] if lines else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000, help="files in each folder (default 2,000)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the median is reported (default 3)")
    parser.add_argument("--dir", type=Path, help="where to write the folders (default: a temporary folder, removed)")
    args = parser.parse_args(argv)

    base = args.dir or Path(tempfile.mkdtemp(prefix="trainlint-mixed-"))
    print(f"machine: {machine()}\nversions: {versions()}", flush=True)
    own = generate(base / "trainlint", args.files)
    mixed = generate_mixed(base / "mixed", args.files)
    other = generate_other(base / "other", args.files)
    empty = base / "empty"
    (empty / "configs").mkdir(parents=True, exist_ok=True)
    (empty / ".git").mkdir(exist_ok=True)
    tl = str(Path(sys.executable).parent / "trainlint")
    n = args.files
    cmds = [
        Command("trainlint format", [tl, "check", "configs", "--exit-zero"], own.root, n),
        Command("mixed trainer configs", [tl, "check", "configs", "--exit-zero"], base / "mixed", n),
        Command("no configs (JSON/YAML/TOML/env/sh)", [tl, "check", "configs", "--exit-zero"], base / "other", n),
        Command("empty folder (start-up)", [tl, "check", "configs", "--exit-zero"], empty, 0),
        Command("trainlint format, --jobs 1", [tl, "check", "configs", "--exit-zero", "--jobs", "1"], own.root, n),
        Command(
            "mixed trainer configs, --jobs 1", [tl, "check", "configs", "--exit-zero", "--jobs", "1"], base / "mixed", n
        ),
        Command("no configs, --jobs 1", [tl, "check", "configs", "--exit-zero", "--jobs", "1"], base / "other", n),
    ]
    kinds = Counter(path.relative_to(base / "mixed" / "configs").parts[0] for path in mixed)
    print("mixed: " + ", ".join(f"{name} {count}" for name, count in sorted(kinds.items())), flush=True)
    for cmd in cmds[:3]:
        print(f"{cmd.name}: {summary_line(cmd)}", flush=True)
    measure(cmds, args.rounds, memory=False)
    detect = statistics.median(detection_seconds(other) for _ in range(3))

    by = {c.name: c for c in cmds}
    print(f"\nmedians of {args.rounds} interleaved rounds, each command a fresh process\n")
    print("| command | files | median | files/s |\n|---|---:|---:|---:|")
    for cmd in cmds:
        rate = f"{cmd.files / cmd.median:,.0f}" if cmd.files else ""
        print(f"| {cmd.name} | {cmd.files:,} | {cmd.median * 1000:,.0f} ms | {rate} |")
    start_up = by["empty folder (start-up)"].median
    ratio = by["mixed trainer configs"].median / by["trainlint format"].median
    ratio_1 = by["mixed trainer configs, --jobs 1"].median / by["trainlint format, --jobs 1"].median
    print()
    print(
        f"{'met ' if ratio <= 2 else 'MISS'}  mixed trainer configs vs trainlint format: {ratio:.2f}x (limit 2x); "
        f"--jobs 1: {ratio_1:.2f}x"
    )
    for label in ("no configs (JSON/YAML/TOML/env/sh)", "no configs, --jobs 1"):
        extra = by[label].median - start_up
        print(
            f"      {label}: {by[label].median * 1000:,.0f} ms, {extra * 1000:,.0f} ms above start-up "
            f"({extra / n * 1e6:,.0f} us a file); {by[label].median / by['trainlint format'].median:.2f}x "
            "the trainlint-format run"
        )
    print(
        f"      detection alone, in-process (read_candidate on each of the {n:,} files): {detect * 1000:,.0f} ms "
        f"({detect / n * 1e6:,.0f} us a file)"
    )
    if not args.dir:
        shutil.rmtree(base, ignore_errors=True)
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
