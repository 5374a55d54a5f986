"""Reading files for the prefilter: one reusable buffer, bytes kept only for files that may need work."""

from __future__ import annotations

import os
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


@pytest.fixture(params=["readv", "file object"])
def read_into(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each way of reading: `os.readv` (POSIX) and a raw file object's `readinto` (where there is no readv)."""
    from tfckpt_codemod import fileio

    if request.param == "readv" and not hasattr(os, "readv"):
        pytest.skip("no os.readv on this platform")
    monkeypatch.setattr(fileio, "_read_into", fileio._readv_into if request.param == "readv" else fileio._file_into)
    return str(request.param)


def test_both_ways_of_reading_keep_the_same_files(tmp_path: Path, read_into: str) -> None:
    test_needle_reader_keeps_exactly_the_files_that_name_the_needle(tmp_path)
    test_needle_reader_raises_like_open(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_both_ways_of_reading_refuse_a_fifo_without_blocking(tmp_path: Path, read_into: str) -> None:
    from tfckpt_codemod.fileio import NotRegularFileError

    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    writer = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # a writer that sends nothing: a blocking read would hang
    try:
        with pytest.raises(NotRegularFileError, match="FIFO"):
            NeedleReader(b"tensorflow").read(fifo)
    finally:
        os.close(writer)
