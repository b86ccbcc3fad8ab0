"""The dataset checks people expect, through the real CLI on real folders: empty captions, captions
without an image, masks that are no training images, a caption extension of the config's choosing,
kohya's `N_name` repeat folders, TL094 counting images only, TL302 fixed in place, and the caption
text against the trigger word (subjects) and the style's name (styles)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import run_cli, write_tree

HEAD = "schema_version: 1\nname: {name}\nbase_model: sdxl\ntraining_type: {kind}\npreset: sdxl/{preset}\n"


def config(kind: str = "character", dataset: str = "  path: ./data\n", name: str = "mascot") -> str:
    preset = "subject" if kind == "character" else kind
    return HEAD.format(name=name, kind=kind, preset=preset) + f"classification: sdxl/{preset}\ndataset:\n{dataset}"


def images(folder: str, n: int, caption: str | None = "a fox", ext: str = ".txt") -> dict[str, str]:
    files = {f"{folder}/{i:02}.png": "" for i in range(n)}
    if caption is not None:
        files |= {f"{folder}/{i:02}{ext}": caption.format(i=i) for i in range(n)}
    return files


def check(tmp_path: Path, text: str, files: dict[str, str], *args: str) -> str:
    write_tree(tmp_path, {**files, "c.yaml": text})
    (tmp_path / ".git").mkdir(exist_ok=True)
    result = run_cli(*(args or ("check",)), "c.yaml", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def test_empty_captions_and_captions_without_an_image(tmp_path):
    files = images("data", 8) | {"data/03.txt": "  \n", "data/old.txt": "a fox", "data/gone.txt": "a fox"}
    out = check(tmp_path, config(), files)
    assert "c.yaml:8:9: TL306 [warning] 1 caption file is empty: 03.txt" in out
    assert "c.yaml:8:9: TL307 [warning] 2 captions have no image: gone.txt, old.txt" in out
    assert "TL303" not in out


def test_masks_are_no_training_images_and_need_no_caption(tmp_path):
    files = images("data", 10) | {"data/00-masklabel.png": "", "data/01_mask.png": "", "data/02_MASK.PNG": ""}
    out = check(tmp_path, config(dataset="  path: ./data\n  images: 13\n"), files)
    assert "dataset.images says 13 but 10 images are in './data'" in out
    assert "TL303" not in out  # the masks have no caption, and need none


def test_a_caption_extension_of_the_configs_choosing(tmp_path):
    files = images("data", 10, ext=".caption")
    assert "TL303" not in check(tmp_path, config(dataset="  path: ./data\n  caption_extension: .caption\n"), files)
    out = check(tmp_path, config(), files)  # the default .txt: every image is uncaptioned
    assert "TL303 [warning] 10 of 10 images have no caption" in out and "add a .txt caption" in out
    out = check(tmp_path, config(dataset="  path: ./data\n  caption_extension: caption\n"), files)
    assert "TL104" in out and "caption_extension" in out  # the schema wants the dot


def test_kohya_repeat_folders_are_read_as_part_of_the_dataset(tmp_path):
    files = images("data/10_mascot", 6) | images("data/5_extra", 3) | images("data/raw", 4, caption=None)
    files |= {"data/5_extra/01.txt": ""}
    out = check(tmp_path, config(dataset="  path: ./data\n  images: 4\n"), files)
    assert "dataset.images says 4 but 9 images are in './data'" in out  # raw/ is no repeat folder
    assert "TL306 [warning] 1 caption file is empty: 5_extra/01.txt" in out


def test_tl094_counts_images_only(tmp_path):
    files = images("data", 5) | {f"data/{i:02}_mask.png": "" for i in range(5)}
    (tmp_path / ".trainlint.toml").write_text("max-dataset-files = 5\n")
    out = check(tmp_path, config(dataset="  path: ./data\n  images: 5\n"), files)
    assert "TL094" not in out, out  # 5 images: 10 captions and masks beside them do not count
    write_tree(tmp_path, images("data", 6))
    out = check(tmp_path, config(dataset="  path: ./data\n  images: 5\n"), files | images("data", 6))
    assert "TL094 [warning] dataset folder has more than 5 images" in out


def test_tl302_is_fixed_in_place(tmp_path):
    text = config(dataset="  path: ./data   # the mascot set\n  images: 20  # counted by hand\n")
    out = check(tmp_path, text, images("data", 12))
    assert "hint: set images: 12 (fixable with `trainlint fix`)" in out
    fixed = run_cli("fix", "c.yaml", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    assert (tmp_path / "c.yaml").read_text() == text.replace("images: 20", "images: 12")
    assert "TL302" not in run_cli("check", "c.yaml", cwd=tmp_path).stdout
    quoted = config(dataset="  path: ./data\n  images: &n 20\n")
    write_tree(tmp_path, {"c.yaml": quoted})
    assert "TL302" in run_cli("check", "c.yaml", cwd=tmp_path).stdout


@pytest.mark.parametrize("kind", ["subject", "character", "object"])
def test_the_trigger_word_is_in_every_caption_or_in_none(tmp_path, kind):
    mixed = images("data", 8, caption="{i} tlmascot, a fox") | {"data/06.txt": "a fox", "data/07.txt": "TLMascot fox"}
    out = check(tmp_path, config(kind, "  path: ./data\n  trigger: tlmascot\n"), mixed)
    assert (
        "c.yaml:9:12: TL308 [warning] the trigger word `tlmascot` is in 7 of 8 captions but not in the captions of 06.png"
        in out
    )
    assert f"for a {kind}, the same trigger word in all captions or none" in out
    assert "TL308" not in check(
        tmp_path, config(kind, "  path: ./data\n  trigger: tlmascot\n"), images("data", 8, "a fox")
    )
    assert "TL308" not in check(tmp_path, config(kind, "  path: ./data\n"), mixed)  # no trigger: no guess
    near = images("data", 8, caption="tlmascots, a fox")  # another word, not the trigger
    assert "TL308" not in check(tmp_path, config(kind, "  path: ./data\n  trigger: tlmascot\n"), near)


def test_style_captions_do_not_name_the_style(tmp_path):
    files = images("data", 12, caption="a lake at dawn") | {
        "data/01.txt": "a lake, watercolor style",
        "data/02.txt": "a barn in the style of an old master",
        "data/03.txt": "wtrclr, a meadow",
    }
    text = config("style", "  path: ./data\n  trigger: wtrclr\n", name="watercolor-landscapes")
    out = check(tmp_path, text, files)
    assert "TL309 [warning] 3 captions name the style itself (`wtrclr`, a word of the config's name" in out
    assert "01.png, 02.png, 03.png" in out
    clean = images("data", 12, caption="a watercolor painting of a lake")  # the medium as content: not reported
    assert "TL309" not in check(tmp_path, text, clean)
    assert "TL308" not in out  # the trigger rule is for subjects


def test_hostile_caption_files_never_hang_or_leak(tmp_path):
    files = images("data", 10)
    write_tree(tmp_path, files)
    os.remove(tmp_path / "data/00.txt")
    os.mkfifo(tmp_path / "data/00.txt")  # a named pipe with a caption's name must not hold the run
    outside = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    outside.write_text("secret words")
    os.remove(tmp_path / "data/01.txt")
    os.symlink(outside, tmp_path / "data/01.txt")
    write_tree(tmp_path, {"data/02.txt": "\udcff\udcfe bytes"})
    out = check(tmp_path, config("subject", "  path: ./data\n  trigger: secret\n"), {})
    assert "secret words" not in out and "TL308" not in out
