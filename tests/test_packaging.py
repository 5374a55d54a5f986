"""The built wheel ships transforms/ as tfckpt_codemod.transforms and never a top-level `transforms`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_the_transforms_package_under_tfckpt_codemod(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("tfckpt_codemod", "transforms"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                            str(tmp_path / "dist"), str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "tfckpt_codemod/transforms/__init__.py" in names
    assert "tfckpt_codemod/transforms/checkpoint_constructor.py" in names
    assert not [n for n in names if n.startswith("transforms/")]
    assert "tfckpt_codemod/cli.py" in names


def test_sdist_holds_what_its_tests_need_and_an_spdx_license(tmp_path: Path) -> None:
    import tarfile

    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns("__pycache__", ".git", ".venv", "*.egg-info",
                                                                "build", "dist", ".corpus", ".pytest_cache"))
    built = subprocess.run([sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir",
                            str(tmp_path / "dist"), str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    assert "License classifiers are deprecated" not in built.stderr and "license` as a TOML table" not in built.stderr
    with tarfile.open(next((tmp_path / "dist").glob("*.tar.gz"))) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
        metadata = sdist.extractfile(next(m for m in sdist.getmembers() if m.name.endswith("/PKG-INFO")))
        assert metadata is not None
        info = metadata.read().decode()
    for needed in ("tests/helpers.py", "tests/conftest.py", "tests/test_workflow.py", "docs/output.schema.json",
                   "examples/README.md", "examples/01_keras_model_checkpoint/before/train_and_restore.py",
                   "tests/fixtures/checkpoints/make_fixtures.py", "transforms/__init__.py"):
        assert needed in names, needed
    assert "License-Expression: Apache-2.0" in info
