"""The preset catalog and repository preset files."""

from __future__ import annotations

import pytest

from trainlint.catalog import catalog, resolve
from trainlint.errors import PresetError


def test_every_value_cites_a_known_source():
    cat = catalog()
    for versions in cat.presets.values():
        for preset in versions.values():
            assert set(preset.values) == {
                "steps",
                "learning_rate_unet",
                "learning_rate_text_encoder",
                "text_encoder_ratio",
            }
            for spec in preset.values.values():
                assert spec.source in cat.sources, (preset.ref, spec)


def test_scenario_numbers():
    cat = catalog()
    assert cat.get("sd-1.5/style").at(10)["steps"] == 1750  # "10 images -> 1,750 steps"
    assert cat.get("sdxl/subject@1").at(24)["steps"] == 8400
    flux = cat.get("flux.1/style")
    assert flux.at(10)["steps"] == 1000  # 500 + 50 per image
    assert [flux.at(n)["learning_rate_unet"] for n in (5, 8, 9, 24, 25, 100)] == [5e-5, 5e-5, 1e-4, 1e-4, 2e-4, 2e-4]
    assert flux.at(None)["steps"] is None


def test_unpinned_name_takes_newest_and_unknown_versions_are_none():
    cat = catalog()
    assert cat.get("sdxl/style").version == max(cat.presets["sdxl/style"])
    assert cat.get("sdxl/style@99") is None and cat.get("sdxl/style@x") is None and cat.get("nope") is None


def test_repo_preset_extends_and_overrides(tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "base.yaml").write_text("extends: sdxl/style@1\ntraining:\n  learning_rate_unet: 8.0e-5\n")
    (tmp_path / "p" / "child.yaml").write_text("extends: ./base.yaml\ntraining:\n  steps_per_image: 300\n")
    preset = resolve("p/child.yaml", tmp_path, tmp_path)
    values = preset.at(10)
    assert values["learning_rate_unet"] == 8e-5 and values["steps"] == 3000
    assert values["text_encoder_ratio"] == 0.15 and preset.base_model == "sdxl"


@pytest.mark.parametrize(
    "files,ref,code",
    [
        ({"a.yaml": "extends: ./a.yaml\n"}, "a.yaml", "TL202"),
        ({"a.yaml": "extends: ./b.yaml\n", "b.yaml": "extends: ./a.yaml\n"}, "a.yaml", "TL202"),
        ({"a.yaml": "extends: ./gone.yaml\n"}, "a.yaml", "TL203"),
        ({}, "gone.yaml", "TL201"),
        ({"a.yaml": "training: {}\n"}, "a.yaml", "TL206"),
        # a preset file whose schema refuses it (here its `extends`) is an invalid preset file, said at its position
        ({"a.yaml": "extends: sdxl/nope\n"}, "a.yaml", "TL206"),
    ],
)
def test_preset_file_problems(tmp_path, files, ref, code):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(PresetError) as err:
        resolve(ref, tmp_path, tmp_path)
    assert err.value.code == code


def test_long_chain_is_cut(tmp_path):
    for i in range(40):
        (tmp_path / f"p{i}.yaml").write_text(f"extends: ./p{i + 1}.yaml\n")
    (tmp_path / "p40.yaml").write_text("extends: sdxl/style\n")
    with pytest.raises(PresetError) as err:
        resolve("p0.yaml", tmp_path, tmp_path)
    assert err.value.code == "TL202" and "deeper" in str(err.value)


def test_preset_outside_the_repository_is_refused(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "outside.yaml").write_text("extends: sdxl/style\n")
    with pytest.raises(PresetError) as err:
        resolve("../outside.yaml", repo, repo)
    assert err.value.code == "TL201" and "outside" in str(err.value)


def test_preset_files_are_read_with_the_configured_limits(tmp_path):
    from trainlint.document import Limits

    (tmp_path / "p.yaml").write_text("extends: sdxl/style\ndescription: " + "x" * 300 + "\n")
    assert resolve("p.yaml", tmp_path, tmp_path).base_model == "sdxl"
    with pytest.raises(PresetError) as err:
        resolve("p.yaml", tmp_path, tmp_path, limits=Limits(max_file_bytes=100))
    assert err.value.code == "TL206" and "larger than 100 bytes" in str(err.value) and "(TL091)" in str(err.value)
