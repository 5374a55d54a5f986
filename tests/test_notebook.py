"""Notebook reading, IPython masking and byte-preserving writes, on notebooks built by nbformat."""

from __future__ import annotations

import json

import libcst as cst
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tfckpt_codemod.notebook import (
    Cell,
    NotebookError,
    cell_line_offset,
    format_location,
    join_cells,
    locate_line,
    mask_magics,
    prepare_notebook,
    read_code_cells,
    split_cells,
    write_code_cells,
)

TRAIN = (
    "%matplotlib inline\n"
    "!pip install x\n"
    "import tensorflow as tf\n"
    "tfe = tf.contrib.eager\n"
    "ckpt = tfe.Checkpoint(model=model)\n"
    "ckpt.restore(path)"
)


def build_notebook() -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Training — résumé"),
            new_code_cell(TRAIN, outputs=[new_output("stream", text="Collecting x\n")], execution_count=3),
            new_code_cell(
                "print('ok')  # naïve",
                outputs=[new_output("execute_result", data={"text/plain": "1"}, execution_count=4)],
            ),
            new_code_cell("%%bash\necho hi\n"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    return nb


def nbformat_bytes(nb: nbformat.NotebookNode) -> bytes:
    """What Jupyter writes to disk (nbformat.write adds the trailing newline)."""
    text = nbformat.writes(nb)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def string_form_bytes(nb: nbformat.NotebookNode, **dump: object) -> bytes:
    """A notebook whose sources are single strings, as some tools write them."""
    raw = json.loads(nbformat.writes(nb))
    for cell in raw["cells"]:
        cell["source"] = "".join(cell["source"])
    return json.dumps(raw, **dump).encode("utf-8")  # type: ignore[arg-type]


# --- reading -------------------------------------------------------------------------


def test_read_code_cells_indexes_among_all_cells() -> None:
    cells = read_code_cells(nbformat_bytes(build_notebook()))
    assert [c.index for c in cells] == [1, 2, 3]
    assert cells[0].source == TRAIN
    assert cells[2].source == "%%bash\necho hi\n"


def test_read_string_form_sources() -> None:
    cells = read_code_cells(string_form_bytes(build_notebook(), indent=2))
    assert cells[0] == Cell(1, TRAIN)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"{not json", "invalid notebook JSON"),
        (b"[]", "top level"),
        (b'{"nbformat": 4, "metadata": {}}', "'cells'"),
        (b'{"nbformat": 3, "worksheets": []}', "version 3"),
        (b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": 5}]}', "cell 0"),
        (b'{"nbformat": 4, "cells": [1]}', "cell 0"),
        (b"\xff\xfe{}", "UTF-8"),
    ],
)
def test_bad_notebooks_raise_one_line_errors(data: bytes, fragment: str) -> None:
    with pytest.raises(NotebookError) as info:
        read_code_cells(data)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_non_python_kernel_has_no_cells() -> None:
    nb = build_notebook()
    nb.metadata["kernelspec"] = {"name": "ir", "language": "R", "display_name": "R"}
    assert read_code_cells(nbformat_bytes(nb)) == []


# --- masking -------------------------------------------------------------------------


def test_mask_keeps_line_count_and_parses() -> None:
    masked = mask_magics(TRAIN)
    assert masked is not None
    source, restore = masked
    assert source.count("\n") == TRAIN.count("\n")
    assert "%" not in source and "!" not in source
    cst.parse_module(source)
    assert restore(source) == TRAIN


@pytest.mark.parametrize(
    "line",
    [
        "%matplotlib inline",
        "!pip install tensorflow==1.15",
        "!!ls",
        "files = !ls *.ckpt",
        "a, b = %sx echo hi",
        "t = %timeit -o f()",
        "tf.train.Checkpoint?",
        "tfe.Checkpoint??",
        "?tf.train",
        "%load_ext autoreload",
    ],
)
def test_each_magic_form_is_masked(line: str) -> None:
    source = f"import os\n{line}\nx = 1\n"
    masked = mask_magics(source)
    assert masked is not None
    text, restore = masked
    cst.parse_module(text)
    assert text.splitlines()[1] != line
    assert restore(text) == source


def test_indented_magic_in_block_and_continuation() -> None:
    source = "for i in range(2):\n    %time f(i)\n!pip install \\\n    tensorflow\nprint(1)\n"
    masked = mask_magics(source)
    assert masked is not None
    text, restore = masked
    module = cst.parse_module(text)
    assert text.splitlines()[1].startswith("    ")
    assert len(text.splitlines()) == len(source.splitlines())
    assert restore(module.code) == source


def test_magic_lookalikes_in_strings_and_comments_are_untouched() -> None:
    source = 'doc = """\n%not a magic\n!nor this\n"""\n# what?\nx = 5 % 3\ny = x != 2\n'
    masked = mask_magics(source)
    assert masked is not None
    assert masked[0] == source


def test_cell_magic_cells_are_skipped() -> None:
    assert mask_magics("%%bash\necho hi\n") is None
    assert mask_magics("\n%%time\nckpt.restore(p)\n") is None


def test_restore_survives_a_libcst_rewrite() -> None:
    masked = mask_magics(TRAIN)
    assert masked is not None
    text, restore = masked

    class Rename(cst.CSTTransformer):
        def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
            if isinstance(updated.value, cst.Name) and updated.value.value == "tfe":
                return cst.parse_expression("tf.train.Checkpoint")
            return updated

    rewritten = restore(cst.parse_module(text).visit(Rename()).code)
    assert rewritten == TRAIN.replace("tfe.Checkpoint", "tf.train.Checkpoint")


def test_restore_refuses_to_drop_a_magic() -> None:
    masked = mask_magics("!pip install x\nx = 1\n")
    assert masked is not None
    text, restore = masked
    with pytest.raises(NotebookError, match="pip install"):
        restore(text.split("\n", 1)[1])


def test_placeholder_does_not_clash_with_user_names() -> None:
    source = "__tfckpt_magic_0__ = 1\n%time f()\n"
    masked = mask_magics(source)
    assert masked is not None
    text, restore = masked
    assert text.splitlines()[0] == "__tfckpt_magic_0__ = 1"
    assert restore(text) == source


def test_crlf_cell_source() -> None:
    source = "%matplotlib inline\r\nx = 1\r\n"
    masked = mask_magics(source)
    assert masked is not None
    assert masked[0].endswith("\r\nx = 1\r\n")
    assert masked[1](masked[0]) == source


# --- writing -------------------------------------------------------------------------


def test_unchanged_notebook_round_trips_byte_identically() -> None:
    data = nbformat_bytes(build_notebook())
    cells = read_code_cells(data)
    assert write_code_cells(data, {}) == data
    assert write_code_cells(data, {c.index: c.source for c in cells}) == data


@pytest.mark.parametrize(
    "dump",
    [
        {"indent": 1},
        {"indent": 2, "ensure_ascii": True},
        {"indent": 4, "ensure_ascii": False},
        {},
    ],
)
def test_string_form_round_trip_and_edit(dump: dict[str, object]) -> None:
    data = string_form_bytes(build_notebook(), **dump)
    assert write_code_cells(data, {1: TRAIN}) == data
    new_source = TRAIN.replace("tfe.Checkpoint", "tf.train.Checkpoint") + "  # é"
    edited = write_code_cells(data, {1: new_source})
    assert json.loads(edited) == {**json.loads(data), "cells": [
        {**cell, "source": new_source} if i == 1 else cell for i, cell in enumerate(json.loads(data)["cells"])
    ]}
    # Written the way the rest of the file was written.
    assert json.dumps(json.loads(edited), **dump).encode() == edited  # type: ignore[arg-type]


def test_changing_one_cell_changes_only_its_source() -> None:
    nb = build_notebook()
    data = nbformat_bytes(nb)
    new_source = TRAIN.replace("tfe.Checkpoint", "tf.train.Checkpoint").replace(
        "ckpt.restore(path)", "ckpt.restore(path).expect_partial()"
    )
    edited = write_code_cells(data, {1: new_source})
    # Exactly what nbformat itself would write for the edited notebook.
    nb.cells[1].source = new_source
    assert edited == nbformat_bytes(nb)
    assert read_code_cells(edited)[0].source == new_source
    nbformat.validate(nbformat.reads(edited.decode("utf-8"), as_version=4))


def test_growing_an_empty_cell_uses_the_file_layout() -> None:
    nb = build_notebook()
    nb.cells.append(new_code_cell(""))
    data = nbformat_bytes(nb)
    edited = write_code_cells(data, {4: "import tensorflow as tf\nx = 1\n"})
    nb.cells[4].source = "import tensorflow as tf\nx = 1\n"
    assert edited == nbformat_bytes(nb)
    assert write_code_cells(edited, {4: ""}) == data


def test_crlf_file_and_bom_are_preserved() -> None:
    data = nbformat_bytes(build_notebook()).replace(b"\n", b"\r\n")
    data = b"\xef\xbb\xbf" + data
    edited = write_code_cells(data, {2: "print('changed')"})
    assert edited.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in edited and b"\n" not in edited.replace(b"\r\n", b"")
    assert read_code_cells(edited)[1].source == "print('changed')"


def test_writing_a_non_code_cell_or_missing_cell_fails() -> None:
    data = nbformat_bytes(build_notebook())
    with pytest.raises(NotebookError, match="not a code cell"):
        write_code_cells(data, {0: "x"})
    with pytest.raises(NotebookError, match="no cell 9"):
        write_code_cells(data, {9: "x"})


# --- locations -----------------------------------------------------------------------


def test_join_split_and_locate() -> None:
    cells = read_code_cells(nbformat_bytes(build_notebook()))[:2]
    joined = join_cells(cells)
    cst.parse_module(mask_magics(joined)[0])  # type: ignore[index]
    assert split_cells(joined, cells) == {}
    # A line added at the top of the first cell shifts nothing in the second.
    rewritten = joined.replace("import tensorflow as tf\n", "import tensorflow as tf\nimport os\n")
    expected = TRAIN.replace("import tensorflow as tf\n", "import tensorflow as tf\nimport os\n")
    assert split_cells(rewritten, cells) == {1: expected}
    # Text added above the first marker goes to the first cell.
    assert split_cells("import tensorflow as tf\n" + joined, cells) == {1: "import tensorflow as tf\n" + TRAIN}
    lines = joined.splitlines()
    offset = cell_line_offset(cells, 2)
    assert lines[offset] == "print('ok')  # naïve"
    assert locate_line(cells, offset + 1) == (2, 1)
    assert locate_line(cells, 3) == (1, 2)
    assert format_location(*locate_line(cells, 3)) == "cell 2, line 2"


# --- the round trip the engine uses ------------------------------------------------------


def test_prepare_and_apply_without_changes_is_identity() -> None:
    data = nbformat_bytes(build_notebook())
    prepared = prepare_notebook(data)
    assert [c.index for c in prepared.cells] == [1, 2]  # the %%bash cell is left out
    cst.parse_module(prepared.source)
    assert prepared.apply(prepared.source) == data
    assert prepared.locate(cell_line_offset(prepared.cells, 2) + 1) == (2, 1)


def test_notebook_migrated_by_the_engine() -> None:
    from tfckpt_codemod import engine

    nb = new_notebook(
        cells=[
            new_code_cell("%matplotlib inline\nimport tensorflow as tf\nimport tensorflow.contrib.eager as tfe"),
            new_markdown_cell("## Restore"),
            new_code_cell("!pip install x\nckpt = tfe.Checkpoint(model=model)\nckpt.restore(path)"),
            new_code_cell("%%bash\necho tfe.Checkpoint"),
        ]
    )
    data = nbformat_bytes(nb)
    result = engine.migrate_source(data, "train.ipynb")
    assert result.error is None and result.new is not None
    migrated = result.new
    cells = {c.index: c.source for c in read_code_cells(migrated)}
    # The import bound in the first cell is resolved in the third; magics survive.
    assert cells[2].startswith("!pip install x\n")
    assert "tfe." not in cells[2] and "Checkpoint(model=model)" in cells[2]
    assert cells[0].startswith("%matplotlib inline\n")
    assert cells[3] == "%%bash\necho tfe.Checkpoint"
    assert json.loads(migrated)["cells"][1] == json.loads(data)["cells"][1]


# --- IPython lines read names too ------------------------------------------------------------


@pytest.mark.parametrize("ipython", [
    "%time ckpt = tfe.Checkpoint(model=m)",
    "tfe.Checkpoint?",
    "%%time\nckpt = tfe.Checkpoint(model=m)",
])
def test_an_import_that_ipython_lines_read_is_kept(ipython: str) -> None:
    from tfckpt_codemod.engine import migrate_source

    nb = new_notebook(cells=[
        new_code_cell("import tensorflow as tf\nimport tensorflow.contrib.eager as tfe"),
        new_code_cell("ckpt = tfe.Checkpoint(model=model)"),
        new_code_cell(ipython),
    ])
    result = migrate_source(nbformat_bytes(nb), "train.ipynb")
    assert result.error is None and result.new is not None
    cells = {c.index: c.source for c in read_code_cells(result.new)}
    assert cells[0] == "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe"  # still read
    assert cells[1] == "ckpt = tf.train.Checkpoint(model=model)"
    assert cells[2] == ipython


def test_a_shell_cell_does_not_keep_an_import() -> None:
    from tfckpt_codemod.engine import migrate_source

    nb = new_notebook(cells=[
        new_code_cell("import tensorflow as tf\nimport tensorflow.contrib.eager as tfe"),
        new_code_cell("ckpt = tfe.Checkpoint(model=model)"),
        new_code_cell("%%bash\necho tfe"),
    ])
    result = migrate_source(nbformat_bytes(nb), "train.ipynb")
    assert result.new is not None
    assert {c.index: c.source for c in read_code_cells(result.new)}[0] == "import tensorflow as tf"


# --- cell by cell ----------------------------------------------------------------------------------------------


def _broken_notebook() -> bytes:
    return nbformat_bytes(new_notebook(cells=[
        new_code_cell("import tensorflow as tf\nimport tensorflow.contrib.eager as tfe"),
        new_markdown_cell("## Train"),
        new_code_cell("ckpt = tfe.Checkpoint(model=model)\nckpt.save(prefix)"),
        new_code_cell("print tfe.Checkpoint  # Python 2"),
    ]))


def test_a_cell_that_does_not_parse_is_reported_and_the_others_migrated() -> None:
    from tfckpt_codemod.engine import migrate_source

    result = migrate_source(_broken_notebook(), "nb.ipynb")
    assert result.error is None
    [(cell, reason)] = result.cell_errors
    assert cell == 4 and reason.startswith("cannot parse: Missing parentheses in call to 'print'")
    cells = {c.index: c.source for c in read_code_cells(result.new)}
    assert cells[2] == "ckpt = tf.train.Checkpoint(model=model)\nckpt.save(prefix)"
    assert cells[3] == "print tfe.Checkpoint  # Python 2"  # left as it is
    # The broken cell reads `tfe`: its import stays, and a finding says why, in the cell it is in.
    assert cells[0] == "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe"
    [kept] = [f for f in result.findings if f.code == "TFC900"]
    assert (kept.cell, kept.line) == (1, 2)


def test_cell_errors_and_findings_in_each_output_format(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from helpers import run_cli

    (tmp_path / "nb.ipynb").write_bytes(_broken_notebook())
    text = run_cli("--check", "nb.ipynb", cwd=tmp_path)
    assert text.returncode == 2
    assert "nb.ipynb:cell 4: error: cannot parse: Missing parentheses" in text.stderr
    assert "nb.ipynb:cell 1:2:1: TFC900 " in text.stdout
    document = json.loads(run_cli("--check", "--output-format", "json", "nb.ipynb", cwd=tmp_path).stdout)
    [entry] = document["files"]
    assert entry["cell_errors"][0]["cell"] == 4
    assert {f["cell"] for f in entry["findings"]} == {1}
    github = run_cli("--check", "--output-format", "github", "nb.ipynb", cwd=tmp_path).stdout
    lines = (tmp_path / "nb.ipynb").read_text().splitlines()
    annotation = next(line for line in github.splitlines() if "TFC900" in line)
    number = int(annotation.split("line=")[1].split(",")[0])
    assert "import tensorflow.contrib.eager as tfe" in lines[number - 1]
