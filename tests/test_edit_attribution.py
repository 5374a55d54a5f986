"""The engine records which rule made which edit, by the original's lines (FileResult.edits): the reason that
`--interactive` shows with each hunk."""

from __future__ import annotations

import ast

from tfckpt_codemod.engine import migrate_source
from tfckpt_codemod.types import Edit
from transforms._pipeline import _edited_lines


def test_each_edit_names_its_rule_and_lines() -> None:
    source = (b"import tensorflow as tf\n"
              b"import tensorflow.contrib.checkpoint as checkpoint\n"
              b"\n"
              b"saver = checkpoint.Checkpoint(\n"
              b"    model=model)\n"
              b"names = tf.contrib.framework.list_variables(path)\n")
    result = migrate_source(source, "a.py")
    assert result.edits == (Edit("TFC201", 2, 2), Edit("TFC101", 4, 4), Edit("TFC103", 6, 6))


def test_the_added_import_is_an_edit_of_the_line_it_goes_before_by_the_rule_that_needed_it() -> None:
    result = migrate_source(b'"""Doc."""\nimport tensorflow.contrib.eager as tfe\nckpt = tfe.Checkpoint(model=m)\n',
                            "b.py")
    assert result.new == b'"""Doc."""\nimport tensorflow as tf\nckpt = tf.train.Checkpoint(model=m)\n'
    assert result.edits == (Edit("TFC101", 2, 2), Edit("TFC201", 2, 2), Edit("TFC101", 3, 3))


def test_an_unchanged_file_has_no_edits() -> None:
    assert migrate_source(b"import tensorflow as tf\nx = tf.train.Checkpoint()\n", "c.py").edits == ()


def test_a_kept_compound_statement_is_an_edit_of_its_header_only() -> None:
    function = ast.parse("@d\ndef f(\n    a,\n):\n    x = 1\n    return x\n").body[0]
    assert _edited_lines(function, removes=False) == (1, 4)
    assert _edited_lines(function, removes=True) == (1, 6)
