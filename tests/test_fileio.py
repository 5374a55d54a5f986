"""Reading files for the prefilter: one reusable buffer, bytes kept only for files that may need work."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfckpt_codemod.fileio import NeedleReader


def test_needle_reader_keeps_exactly_the_files_that_name_the_needle(tmp_path: Path) -> None:
    big = b"# padding\n" * 20_000 + b"import tensorflow as tf\n"  # larger than the first buffer: it must grow
    small = b"import tensorflow\n"
    (tmp_path / "big.py").write_bytes(big)
    (tmp_path / "small.py").write_bytes(small)
    (tmp_path / "plain.py").write_bytes(b"import os\n" * 10_000)
    (tmp_path / "empty.py").write_bytes(b"")
    reader = NeedleReader(b"tensorflow")
    assert reader.read(tmp_path / "big.py") == big
    assert reader.read(tmp_path / "plain.py") is None  # a longer file read before a shorter one leaves no residue
    assert reader.read(tmp_path / "small.py") == small
    assert reader.read(tmp_path / "empty.py") is None


def test_needle_reader_raises_like_open(tmp_path: Path) -> None:
    reader = NeedleReader(b"tensorflow")
    with pytest.raises(IsADirectoryError):
        reader.read(tmp_path)
    with pytest.raises(FileNotFoundError):
        reader.read(tmp_path / "missing.py")
