"""Generate a realistic config repository to measure trainlint and its peers on.

The files look like the configs teams keep: a modeline, a few lines of notes, keys with
trailing comments, about 55 lines each. The mix is what a real repository holds:
mostly valid configs straight from a preset, tuned configs tagged Custom, and broken
ones (typos, quoted numbers, YAML 1.1 spellings, untagged deviations, now and then a
syntax error). Some configs point at dataset folders of captioned images, some at the
repository's own preset files. The output is deterministic for a given seed, so every
round of the benchmark and every test reads the same bytes.

    python bench/corpus.py OUT --files 2000
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

MODELS = {"sd-1.5": 175, "sdxl": 350, "flux.1": 50}
TYPES = ("style", "subject", "character", "object")
# the schema file relative to a config two folders down: configs/<team>/<name>.yaml
MODELINE = "# yaml-language-server: $schema=../../schema/config.schema.json\n"
NOTES = (
    "Trained for the spring campaign; keep the palette soft and the edges loose.",
    "Images curated by the art team, captions reviewed twice.",
    "Started from the preset; see the review thread before changing anything.",
    "Product shots on white, consistent lighting, three angles per item.",
    "Character sheet: front, side, three-quarter; same outfit throughout.",
    "Second round after feedback: fewer steps, the first run overfit.",
    "Do not raise the learning rate without lowering the steps.",
    "Ink-wash look; the text encoder barely needs training for a style.",
)
KINDS = ("valid", "valid", "valid", "valid", "valid", "custom", "custom", "broken", "broken", "broken")


@dataclass(frozen=True)
class Corpus:
    root: Path
    files: list[Path]
    schema: Path


def _comment_block(rng: random.Random, lines: int) -> str:
    return "".join(f"# {rng.choice(NOTES)}\n" for _ in range(lines))


def _config(rng: random.Random, index: int, datasets: list[str]) -> tuple[str, str]:
    """One config's text and its kind (valid, custom or broken)."""
    kind = KINDS[rng.randrange(len(KINDS))]
    model = rng.choice(tuple(MODELS))
    ttype = rng.choice(TYPES)
    images = rng.randrange(8, 40)
    use_file_preset = model == "sdxl" and ttype == "style" and rng.random() < 0.3
    preset = (
        "../../presets/house-style.yaml"
        if use_file_preset
        else f"{model}/{ttype}" + ("@1" if rng.random() < 0.5 else "")
    )
    classification = preset
    training: list[str] = []
    if kind == "custom":
        classification = "Custom"
        training = [
            f"  learning_rate_unet: {rng.choice(('8.0e-5', '1.5e-4', '5.0e-5'))}   # tuned after review",
            f"  steps: {MODELS[model] * images * 3 // 4}                   # fewer steps than the preset",
        ]
    dataset = [f"  images: {images}                    # images live on the training box"]
    if datasets and rng.random() < 0.15:
        dataset = [f"  path: ../../data/{rng.choice(datasets)}   # captioned images in the repository"]
    if kind == "broken":
        flaw = rng.randrange(6)
        if flaw == 0:
            training = ["  learning_rate_unte: 2.0e-4   # a typo trainers ignore"]
        elif flaw == 1:
            training = [f'  steps: "{MODELS[model] * images}"   # quoted: a string']
        elif flaw == 2:
            training = ["  learning_rate_unet: 2e-4   # YAML 1.1 reads a string"]
        elif flaw == 3:
            training = ["  learning_rate_unet: 2.0e-4", f"  steps: {MODELS[model] * images * 2}"]  # untagged deviation
        elif flaw == 4:
            training = ["  text_encoder_ratio: 1.5   # out of range"]
        else:
            model = model + "-1.0"  # an invalid base model
    body = [
        "schema_version: 1",
        f"name: config-{index:05d}-{ttype}",
        f"base_model: {model}              # sd-1.5 | sdxl | flux.1",
        f"training_type: {ttype}           # style | subject | character | object",
        f"preset: {preset}",
        f"classification: {classification}   # maintained by `trainlint fix`",
        "",
        "# Where the images are",
        "dataset:",
        *dataset,
    ]
    if training:
        body += ["", "# Deviations from the preset", "training:", *training]
    head = MODELINE + _comment_block(rng, 3) + "#\n" + _comment_block(rng, 2) + "\n"
    middle = "\n".join(body) + "\n"
    if kind == "broken" and rng.random() < 0.04:
        middle += "notes: [unclosed\n"  # a syntax error now and then
    tail = "\n" + _comment_block(rng, 55 - head.count("\n") - middle.count("\n") - 1)
    return head + middle + tail, kind


def generate(root: Path, files: int, seed: int = 6, dataset_folders: int = 20) -> Corpus:
    """Write `files` configs under root/configs/, with datasets, presets and the schema beside them."""
    from trainlint.resources import schema_path

    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    (root / ".git").mkdir(parents=True)  # the repository boundary trainlint looks for
    (root / "schema").mkdir()
    schema = root / "schema" / "config.schema.json"
    shutil.copyfile(schema_path(1), schema)
    (root / "presets").mkdir()
    (root / "presets" / "house-style.yaml").write_text(
        "# The studio's house preset\nextends: sdxl/style@1\ndescription: gentler UNet rate\n"
        "training:\n  learning_rate_unet: 8.0e-5\n",
        encoding="utf-8",
    )
    datasets = []
    for d in range(dataset_folders):
        name = f"set-{d:02d}"
        folder = root / "data" / name
        folder.mkdir(parents=True)
        count = rng.randrange(8, 30)
        for i in range(count):
            (folder / f"{i:03d}.png").write_bytes(b"")
            if rng.random() < 0.9:
                (folder / f"{i:03d}.txt").write_text("a caption\n", encoding="utf-8")
        datasets.append(name)
    paths = []
    for index in range(files):
        text, _kind = _config(rng, index, datasets)
        folder = root / "configs" / f"team-{index // 250:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"config-{index:05d}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return Corpus(root, paths, schema)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    corpus = generate(args.out, args.files, args.seed)
    print(f"{len(corpus.files)} configs in {corpus.root}")


if __name__ == "__main__":
    main()
