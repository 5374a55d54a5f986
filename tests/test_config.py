"""pyproject.toml lookup, validation and command-line overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfckpt_codemod.config import ConfigError, Settings, explicit_pyproject, find_pyproject, load_settings, merge
from tfckpt_codemod.discovery import Anchored

FULL = """\
[project]
name = "demo"

[tool.tfckpt-migrate]
select = ["TFC1", "TFC301"]
ignore = ["TFC104"]
exclude = ["legacy/"]
extend-exclude = ["*_pb2.py"]
jobs = 3
respect-gitignore = false
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_load_all_keys(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "pyproject.toml", FULL)
    assert load_settings(pyproject) == Settings(
        select=("TFC1", "TFC301"),
        ignore=("TFC104",),
        exclude=(Anchored("legacy/", str(tmp_path)),),
        extend_exclude=(Anchored("*_pb2.py", str(tmp_path)),),
        jobs=3,
        respect_gitignore=False,
        source=pyproject,
    )


def test_no_pyproject_gives_defaults() -> None:
    assert load_settings(None) == Settings()


def test_pyproject_without_table_gives_defaults(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "pyproject.toml", '[tool.black]\nline-length = 100\n')
    settings = load_settings(pyproject)
    assert settings.select == () and settings.exclude is None and settings.jobs is None


def test_find_nearest_pyproject_from_common_parent(tmp_path: Path) -> None:
    outer = write(tmp_path / "pyproject.toml", FULL)
    write(tmp_path / "proj/src/pkg/a.py", "")
    write(tmp_path / "proj/src/other/b.py", "")
    inner = write(tmp_path / "proj/pyproject.toml", "[tool.tfckpt-migrate]\nselect = ['TFC3']\n")
    paths = [tmp_path / "proj/src/pkg/a.py", tmp_path / "proj/src/other"]
    assert find_pyproject(paths) == inner
    assert load_settings(find_pyproject(paths)).select == ("TFC3",)
    # A path outside the inner project makes the outer one the nearest.
    assert find_pyproject([*paths, tmp_path / "proj" / ".."]) == outer


def test_a_pyproject_without_the_table_does_not_hide_the_one_above(tmp_path: Path) -> None:
    root = write(tmp_path / "pyproject.toml", FULL)
    write(tmp_path / "nested/pyproject.toml", "[project]\nname = 'nested'\n")
    write(tmp_path / "nested/a.py", "")
    assert find_pyproject([tmp_path / "nested/a.py"]) == root
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'root'\n", encoding="utf-8")
    assert find_pyproject([tmp_path / "nested/a.py"]) is None


def test_config_option_names_the_file_and_requires_the_table(tmp_path: Path) -> None:
    chosen = write(tmp_path / "ci.toml", FULL)
    assert explicit_pyproject(chosen) == chosen
    with pytest.raises(ConfigError, match="no such file"):
        explicit_pyproject(tmp_path / "missing.toml")
    bare = write(tmp_path / "bare.toml", "[project]\nname = 'x'\n")
    with pytest.raises(ConfigError, match=r"no \[tool.tfckpt-migrate\] table"):
        explicit_pyproject(bare)


def test_find_pyproject_for_missing_paths_and_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pyproject = write(tmp_path / "pyproject.toml", FULL)
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path / "src")
    assert find_pyproject([]) == pyproject
    assert find_pyproject([Path("not/there.py")]) == pyproject


def test_unknown_key_names_file_and_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    pyproject = write(tmp_path / "pyproject.toml", "[tool.tfckpt-migrate]\nselcet = ['TFC1']\n")
    with pytest.raises(ConfigError) as info:
        load_settings(pyproject)
    message = str(info.value)
    assert message.startswith("pyproject.toml: unknown key 'selcet' in [tool.tfckpt-migrate]; expected one of ")
    assert "select" in message and "extend-exclude" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("select = 'TFC1'", "select"),
        ("select = ['TFC1', 3]", "select"),
        ("select = ['E501']", "select"),
        ("ignore = [true]", "ignore"),
        ("exclude = 'build'", "exclude"),
        ("extend-exclude = [1]", "extend-exclude"),
        ("jobs = 'four'", "jobs"),
        ("jobs = 0", "jobs"),
        ("jobs = true", "jobs"),
        ("jobs = 2.5", "jobs"),
        ("respect-gitignore = 'no'", "respect-gitignore"),
        ("respect-gitignore = 1", "respect-gitignore"),
    ],
)
def test_wrong_types_name_the_key(tmp_path: Path, body: str, key: str) -> None:
    pyproject = write(tmp_path / "pyproject.toml", f"[tool.tfckpt-migrate]\n{body}\n")
    with pytest.raises(ConfigError) as info:
        load_settings(pyproject)
    message = str(info.value)
    assert f"'{key}'" in message and "pyproject.toml" in message and "\n" not in message


def test_table_that_is_not_a_table(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "pyproject.toml", '[tool]\ntfckpt-migrate = "on"\n')
    with pytest.raises(ConfigError, match=r"\[tool.tfckpt-migrate\] must be a table"):
        load_settings(pyproject)


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "pyproject.toml", "[tool.tfckpt-migrate\nselect = [\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings(pyproject)
    with pytest.raises(ConfigError, match="invalid TOML"):
        find_pyproject([tmp_path])


def test_cli_values_override_only_when_given(tmp_path: Path) -> None:
    base = load_settings(write(tmp_path / "pyproject.toml", FULL))
    merged = merge(base, select=["TFC2"], ignore=None, jobs=1, respect_gitignore=None, exclude=None)
    assert merged.select == ("TFC2",)
    assert merged.ignore == ("TFC104",)
    assert merged.jobs == 1
    assert merged.respect_gitignore is False
    assert merged.exclude == (Anchored("legacy/", str(tmp_path)),)
    assert merged.source == base.source
    assert merge(base) is base


def test_cli_comma_separated_codes_and_false_flags() -> None:
    merged = merge(Settings(), select="TFC1, TFC301", extend_exclude=("gen/,old/*.py", "x.py"),
                   respect_gitignore=False)
    assert merged.select == ("TFC1", "TFC301")
    cwd = str(Path.cwd())
    assert merged.extend_exclude == (Anchored("gen/", cwd), Anchored("old/*.py", cwd), Anchored("x.py", cwd))
    assert merged.respect_gitignore is False


def test_cli_extend_exclude_adds_to_the_config_and_exclude_replaces_it(tmp_path: Path) -> None:
    base = load_settings(write(tmp_path / "pyproject.toml", FULL))
    cwd = str(Path.cwd())
    merged = merge(base, extend_exclude=["gen/"], exclude=["a"])
    assert merged.extend_exclude == (Anchored("*_pb2.py", str(tmp_path)), Anchored("gen/", cwd))
    assert merged.exclude == (Anchored("a", cwd),)


def test_merge_rejects_unknown_names() -> None:
    with pytest.raises(TypeError, match="colour"):
        merge(Settings(), colour="always")
