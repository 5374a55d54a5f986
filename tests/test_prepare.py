"""What every run over paths settles before its first file: the same for the printing runs and the `-i` review."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tfckpt_codemod.interactive import run_interactive
from tfckpt_codemod.options import Invocation, Mode
from tfckpt_codemod.prepare import UsageError, prepare
from tfckpt_codemod.reportfile import ReportFile

CODES = ("TFC101",)


def test_the_files_the_missing_paths_and_the_options(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import tensorflow as tf\n")
    (tmp_path / "notes.txt").write_text("not python\n")
    run = Invocation(mode=Mode.write, codes=CODES, jobs=2, max_file_size=1234)

    prepared = prepare([tmp_path, tmp_path / "gone.py"], run, None, write=True)

    assert [Path(item.path).name for item in prepared.files] == ["a.py"]
    assert prepared.missing == [tmp_path / "gone.py"]
    assert (prepared.options.write, prepared.options.jobs, prepared.options.max_file_size) == (True, 2, 1234)
    assert prepared.options.codes == CODES
    assert prepare([tmp_path], run, None, write=False).options.write is False  # the review writes, not the runner


def test_an_invalid_exclude_pattern_is_a_usage_error(tmp_path: Path) -> None:
    run = Invocation(mode=Mode.check, codes=CODES, extend_exclude=("**/[z-a]*",))
    with pytest.raises(UsageError, match=r"invalid exclude pattern '\*\*/\[z-a\]\*'"):
        prepare([tmp_path], run, None, write=False)


def test_a_report_among_the_files_to_migrate_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import tensorflow as tf\n")
    report = ReportFile(tmp_path / "a.py")
    with pytest.raises(UsageError, match="is a file this run migrates"):
        prepare([tmp_path], Invocation(mode=Mode.check, codes=CODES), report, write=False)
    assert (tmp_path / "a.py").read_text() == "import tensorflow as tf\n"


def test_the_review_reports_a_usage_error_in_one_line(tmp_path: Path) -> None:
    run = Invocation(mode=Mode.diff, codes=CODES, extend_exclude=("**/[z-a]*",))
    out, err = io.StringIO(), io.StringIO()

    code = run_interactive([tmp_path], run, None, out, err, ask=lambda *args: "q")

    assert code == 2
    assert err.getvalue() == "tfckpt-migrate: error: invalid exclude pattern '**/[z-a]*': bad character range z-a\n"
    assert out.getvalue() == ""
