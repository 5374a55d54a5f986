"""Discovery rules on real temporary trees."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tfckpt_codemod.discovery import DEFAULT_EXCLUDES, Discovered, MissingPathError, discover

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX symlinks")


def make(root: Path, *files: str) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n", encoding="utf-8")


def rel(found: list[Discovered], root: Path) -> list[str]:
    return [Path(d.path).relative_to(root).as_posix() for d in found]


def test_only_python_files_sorted(tmp_path: Path) -> None:
    make(tmp_path, "b.py", "a.py", "pkg/z.py", "pkg/m.py", "README.md", "setup.cfg", "pkg/data.pyc", "c.pyi")
    assert rel(discover([tmp_path]), tmp_path) == ["a.py", "b.py", "pkg/m.py", "pkg/z.py"]


def test_result_is_deterministic_and_deduplicated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, "src/a.py", "src/b.py")
    monkeypatch.chdir(tmp_path)
    found = discover([Path("src"), Path("src/a.py"), Path("./src")])
    assert found == [Discovered("src/a.py", explicit=True), Discovered("src/b.py", explicit=False)]
    # Order of the arguments does not matter.
    assert found == discover([Path("src/a.py"), Path("./src"), Path("src")])


def test_paths_keep_the_users_spelling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, "src/pkg/a.py")
    monkeypatch.chdir(tmp_path)
    assert discover([Path("src")]) == [Discovered("src/pkg/a.py", explicit=False)]
    absolute = discover([tmp_path / "src"])
    assert absolute == [Discovered(str(tmp_path / "src/pkg/a.py"), explicit=False)]


def test_missing_path_raises(tmp_path: Path) -> None:
    make(tmp_path, "a.py")
    with pytest.raises(MissingPathError) as info:
        discover([tmp_path / "a.py", tmp_path / "nope.py"])
    assert info.value.path == tmp_path / "nope.py"
    assert "nope.py" in str(info.value)


@pytest.mark.parametrize("name", DEFAULT_EXCLUDES)
def test_default_excludes_match_any_component(tmp_path: Path, name: str) -> None:
    make(tmp_path, "keep.py", f"{name}/top.py", f"deep/er/{name}/inner.py", f"deep/er/{name}/x/y.py")
    assert rel(discover([tmp_path], respect_gitignore=False), tmp_path) == ["keep.py"]


def test_exclude_replaces_defaults(tmp_path: Path) -> None:
    make(tmp_path, "build/gen.py", "gen/a_pb2.py", "gen/a.py")
    found = rel(discover([tmp_path], exclude=["*_pb2.py"]), tmp_path)
    assert found == ["build/gen.py", "gen/a.py"]


def test_extend_exclude_adds_to_defaults(tmp_path: Path) -> None:
    make(tmp_path, "build/gen.py", "gen/a_pb2.py", "gen/a.py", "tests/fixtures/old.py", "other/tests/fixtures/ok.py")
    found = rel(discover([tmp_path], extend_exclude=["*_pb2.py", "/tests/fixtures"]), tmp_path)
    # An anchored glob is relative to the directory searched, like a root .gitignore line.
    assert found == ["gen/a.py", "other/tests/fixtures/ok.py"]


def test_exclude_globs_are_relative_to_each_searched_directory(tmp_path: Path) -> None:
    make(tmp_path, "a/skip/x.py", "b/skip/y.py", "b/keep.py")
    found = discover([tmp_path / "a", tmp_path / "b"], extend_exclude=["/skip/"])
    assert rel(found, tmp_path) == ["b/keep.py"]


def test_explicit_file_wins_over_excludes_and_gitignore(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("ignored.py\n", encoding="utf-8")
    make(tmp_path, "build/gen.py", "ignored.py", "notes.txt")
    found = discover([tmp_path / "build/gen.py", tmp_path / "ignored.py", tmp_path / "notes.txt"])
    assert rel(found, tmp_path) == ["build/gen.py", "ignored.py", "notes.txt"]
    assert all(d.explicit for d in found)
    assert discover([tmp_path]) == []


def test_explicit_excluded_directory_is_walked(tmp_path: Path) -> None:
    make(tmp_path, "build/gen.py", "build/__pycache__/x.py")
    found = discover([tmp_path / "build"])
    assert rel(found, tmp_path) == ["build/gen.py"]
    assert not found[0].explicit


def test_gitignore_at_repo_root_applies_to_subdirectory_search(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\n*_old.py\n/src/top_only.py\n", encoding="utf-8")
    make(tmp_path, "src/a.py", "src/b_old.py", "src/generated/g.py", "src/top_only.py", "src/sub/top_only.py")
    found = rel(discover([tmp_path / "src"]), tmp_path)
    assert found == ["src/a.py", "src/sub/top_only.py"]
    assert rel(discover([tmp_path / "src"], respect_gitignore=False), tmp_path) == [
        "src/a.py",
        "src/b_old.py",
        "src/generated/g.py",
        "src/sub/top_only.py",
        "src/top_only.py",
    ]


def test_nested_gitignore_and_negation(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("scratch*.py\n", encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/.gitignore").write_text("*.py\n!keep.py\n# comment\n", encoding="utf-8")
    make(tmp_path, "top.py", "scratch1.py", "pkg/drop.py", "pkg/keep.py", "pkg/inner/keep.py", "pkg/inner/no.py")
    found = rel(discover([tmp_path]), tmp_path)
    assert found == ["pkg/inner/keep.py", "pkg/keep.py", "top.py"]


def test_deeper_gitignore_can_reinclude(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("legacy_*.py\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app/.gitignore").write_text("!legacy_train.py\n", encoding="utf-8")
    make(tmp_path, "legacy_a.py", "app/legacy_train.py", "app/legacy_eval.py")
    assert rel(discover([tmp_path]), tmp_path) == ["app/legacy_train.py"]


def test_gitignore_honoured_without_a_git_repository(tmp_path: Path) -> None:
    project = tmp_path / "project"
    make(project, "a.py", "tmp/b.py")
    (project / ".gitignore").write_text("tmp/\n", encoding="utf-8")
    assert rel(discover([project]), project) == ["a.py"]


def test_git_info_exclude(tmp_path: Path) -> None:
    (tmp_path / ".git/info").mkdir(parents=True)
    (tmp_path / ".git/info/exclude").write_text("local_*.py\n", encoding="utf-8")
    make(tmp_path, "local_try.py", "main.py", "sub/local_x.py")
    assert rel(discover([tmp_path]), tmp_path) == ["main.py"]
    assert rel(discover([tmp_path / "sub"]), tmp_path) == []


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_agrees_with_git_on_a_real_repository(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("*.log\nout/\n/root_only.py\n!out/keep.py\n", encoding="utf-8")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib/.gitignore").write_text("gen_*.py\n!gen_keep.py\n", encoding="utf-8")
    make(
        tmp_path,
        "a.py",
        "root_only.py",
        "lib/root_only.py",
        "lib/gen_x.py",
        "lib/gen_keep.py",
        "lib/deep/gen_y.py",
        "out/keep.py",
        "out/x.py",
    )
    listed = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard", "--", "*.py"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert rel(discover([tmp_path]), tmp_path) == sorted(listed)


@needs_symlinks
def test_symlinked_directory_loop_is_not_followed(tmp_path: Path) -> None:
    make(tmp_path, "pkg/a.py")
    (tmp_path / "pkg/loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "pkg/alias.py").symlink_to(tmp_path / "pkg", target_is_directory=True)
    assert rel(discover([tmp_path]), tmp_path) == ["pkg/a.py"]


@needs_symlinks
def test_symlinked_files_inside_and_outside_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    root = tmp_path / "root"
    make(outside, "secret.py")
    make(root, "real.py")
    (root / "inner_link.py").symlink_to(root / "real.py")
    (root / "outer_link.py").symlink_to(outside / "secret.py")
    # The link inside the root names a file already found under its own name: it is processed once, as real.py.
    assert rel(discover([root]), root) == ["real.py"]


@needs_symlinks
def test_broken_symlink_is_returned_for_the_engine_to_report(tmp_path: Path) -> None:
    make(tmp_path, "a.py")
    (tmp_path / "dangling.py").symlink_to(tmp_path / "gone.py")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    found = discover([tmp_path])
    assert rel(found, tmp_path) == ["a.py", "dangling.py"]
    # Given by name, it is returned too (the engine then reports it as unreadable).
    assert discover([tmp_path / "dangling.py"]) == [Discovered(str(tmp_path / "dangling.py"), explicit=True)]


def test_directory_named_like_a_python_file(tmp_path: Path) -> None:
    make(tmp_path, "weird.py/inside.py", "plain.py")
    found = discover([tmp_path])
    # The directory itself is never returned as a file; what is inside it is found.
    assert rel(found, tmp_path) == ["plain.py", "weird.py/inside.py"]
    assert rel(discover([tmp_path / "weird.py"]), tmp_path) == ["weird.py/inside.py"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs mkfifo")
def test_special_files_are_skipped(tmp_path: Path) -> None:
    make(tmp_path, "a.py")
    os.mkfifo(tmp_path / "pipe.py")
    assert rel(discover([tmp_path]), tmp_path) == ["a.py"]


def test_notebooks_included_or_excluded(tmp_path: Path) -> None:
    make(tmp_path, "a.py", "nb/train.ipynb", "nb/.ipynb_checkpoints/train-checkpoint.ipynb")
    (tmp_path / ".gitignore").write_text(".ipynb_checkpoints/\n", encoding="utf-8")
    assert rel(discover([tmp_path]), tmp_path) == ["a.py", "nb/train.ipynb"]
    assert rel(discover([tmp_path], include_notebooks=False), tmp_path) == ["a.py"]


def test_multiple_roots_merge_sorted(tmp_path: Path) -> None:
    make(tmp_path, "b/2.py", "a/1.py", "c.py")
    found = discover([tmp_path / "c.py", tmp_path / "b", tmp_path / "a"])
    assert rel(found, tmp_path) == ["a/1.py", "b/2.py", "c.py"]
    assert [d.explicit for d in found] == [False, False, True]
