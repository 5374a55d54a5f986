"""Fixtures shared by the test modules, and one property every test input is held to.

Every migration the tests make in this process is run a second time on its own output, which must change nothing:
one run reaches the fixpoint, on every input any test uses (examples, rule examples, property cases, CLI trees run
in-process).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

import tfckpt_codemod.engine as _engine

_migrate_once = _engine.migrate_source


def _migrate_and_check_fixpoint(data: bytes, path: str = "<string>", **options):  # type: ignore[no-untyped-def]
    result = _migrate_once(data, path, **options)
    if result.new is not None and result.error is None:
        again = _migrate_once(result.new, path, **options)
        assert again.error is None and again.new is None, (
            f"a second run changed {path} again:\n--- first\n{result.new.decode('utf-8', 'replace')}\n--- second\n"
            f"{(again.new or b'').decode('utf-8', 'replace')}\n{again.error or ''}")
    return result


# Installed before the test modules (and the runner) import `migrate_source`, so every caller gets the check.
_engine.migrate_source = _migrate_and_check_fixpoint


def pytest_sessionstart(session: pytest.Session) -> None:
    """CI sets TFCKPT_REQUIRE_TF: there, a TensorFlow that fails to install must fail the run, not skip its tests."""
    if os.environ.get("TFCKPT_REQUIRE_TF") and importlib.util.find_spec("tensorflow") is None:
        raise pytest.UsageError("TFCKPT_REQUIRE_TF is set but tensorflow is not importable: the tf tests would be "
                                "skipped")


@pytest.fixture
def tree(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Writes {relative path: text or bytes} under tmp_path and returns tmp_path."""

    def make(files: dict[str, str | bytes]) -> Path:
        for name, content in files.items():
            target = tmp_path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode() if isinstance(content, str) else content)
        return tmp_path

    return make
