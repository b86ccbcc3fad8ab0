"""The effective config: overlay, image count, deviations from the preset."""

from __future__ import annotations

import os

from trainlint.catalog import catalog
from trainlint.effective import Dataset, build, scan_dataset


def _eff(training: dict, images: int = 24, preset: str = "sdxl/style"):
    return build({"training": training}, catalog().get(preset), Dataset(declared=images))


def test_preset_values_fill_what_the_config_leaves_out():
    eff = _eff({"learning_rate_unet": 2e-4})
    assert eff.values["steps"] == 8400 and eff.values["learning_rate_unet"] == 2e-4
    assert eff.ratio("learning_rate_unet") == 2 and eff.ratio("steps") == 1
    assert eff.deviations() == ["learning_rate_unet"]


def test_steps_per_image_becomes_steps():
    eff = _eff({"steps_per_image": 300}, images=10)
    assert eff.values["steps"] == 3000 and eff.deviations() == ["steps"]


def test_values_equal_to_the_preset_are_not_deviations():
    assert _eff({"steps": 8400, "learning_rate_unet": 1.0e-4, "text_encoder_ratio": 0.15}).deviations() == []


def test_deviation_unknown_without_image_count():
    eff = build({"training": {"steps": 5000}}, catalog().get("sdxl/style"), Dataset())
    assert eff.deviations() is None


def test_non_numbers_are_ignored():
    eff = _eff({"steps": "8400", "learning_rate_unet": True})
    assert eff.overrides == {}


def test_dataset_scan_counts_images_and_missing_captions(tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    for name in ("a.png", "b.JPG", "c.webp", "d.jpeg", "notes.md", "a.txt", "b.txt"):
        (data / name).write_text("")
    scan = scan_dataset({"path": "d", "images": 3}, tmp_path, 100)
    assert scan.exists and scan.found == 4 and scan.images == 4
    assert scan.uncaptioned == ("c.webp", "d.jpeg")


def test_dataset_scan_falls_back_to_declared(tmp_path):
    scan = scan_dataset({"path": "missing", "images": 7}, tmp_path, 100)
    assert not scan.exists and scan.images == 7
    (tmp_path / "x.png").write_text("")
    truncated = scan_dataset({"path": ".", "images": 7}, tmp_path, 0)
    assert truncated.truncated and truncated.images == 7


def test_dataset_scan_reads_suffixes_as_os_path_splitext_does(tmp_path):
    names = [
        "a.PNG",
        "a.txt",
        "b.jpeg",
        "b.JPEG.txt",
        ".png",
        "..jpg",
        ".hidden.webp",
        ".hidden.txt",
        "c.d.jpg",
        "c.d.txt",
        "e.png.txt",
        "f",
        "g.",
        "h.gif",
    ]
    for name in names:
        (tmp_path / name).write_text("x")
    (tmp_path / "folder.png").mkdir()
    ds = scan_dataset({"path": "."}, tmp_path, 1000)
    images = sorted(n for n in names if os.path.splitext(n)[1].lower() in (".jpg", ".jpeg", ".png", ".webp"))
    stems = {os.path.splitext(n)[0] for n in names if os.path.splitext(n)[1].lower() == ".txt"}
    assert ds.found == len(images) == 4
    assert ds.uncaptioned == tuple(n for n in images if os.path.splitext(n)[0] not in stems) == ("b.jpeg",)


def _age(folder, seconds: int) -> None:
    then = os.stat(folder).st_mtime_ns - seconds * 1_000_000_000
    os.utime(folder, ns=(then, then))


def test_a_settled_dataset_folder_is_listed_once_per_state(tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    (data / "a.png").write_text("")
    _age(data, 3600)
    assert scan_dataset({"path": "d"}, tmp_path, 100).found == 1
    state = os.stat(data).st_mtime_ns
    (data / "b.png").write_text("")  # a new entry, with the folder's state put back as it was:
    os.utime(data, ns=(state, state))
    assert scan_dataset({"path": "d"}, tmp_path, 100).found == 1  # the remembered listing answers
    _age(data, 60)  # any other state lists the folder again
    again = scan_dataset({"path": "d"}, tmp_path, 100)
    assert again.found == 2 and again.uncaptioned == ("a.png", "b.png")
    assert scan_dataset({"path": "d"}, tmp_path, 1).truncated  # the limit is part of what is remembered


def test_a_dataset_folder_changed_just_now_is_listed_every_time(tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    (data / "a.png").write_text("")
    assert scan_dataset({"path": "d"}, tmp_path, 100).found == 1
    state = os.stat(data).st_mtime_ns
    (data / "a.txt").write_text("")  # within the clock's granularity the mtime may not move at all
    os.utime(data, ns=(state, state))
    assert scan_dataset({"path": "d"}, tmp_path, 100).uncaptioned == ()
