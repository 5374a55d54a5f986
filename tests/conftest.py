"""Fixtures shared by the test modules."""

from __future__ import annotations

from pathlib import Path

import pytest


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
