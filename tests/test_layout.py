"""The layout (where each top-level statement starts) and the spliced output that relies on it.

Splicing re-renders only the statements a migration changed, so its output must equal LibCST's rendering of the
whole migrated module byte for byte, on every layout of source the two parsers meet: comments that belong to the
next statement or to a block's footer, decorators, `a; b` lines, CRLF, a BOM, a latin-1 cookie.
"""

from __future__ import annotations

import ast
import re
import warnings

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings

from tfckpt_codemod.engine import migrate_source
from tfckpt_codemod.transforms import load_rules
from tfckpt_codemod.transforms._layout import Layout
from tfckpt_codemod.transforms._pipeline import _splice, migrate_module

hypothesmith = pytest.importorskip("hypothesmith")
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")  # generated programs such as `1()`


def rendered_starts(module: cst.Module) -> list[int]:
    """First line of each top-level statement, by rendering everything before it (the slow, sure way), counting
    lines as CPython does (a lone carriage return ends a line too)."""
    starts, line = [], 1 + len(module.header)
    for statement in module.body:
        starts.append(line)
        line += len(re.findall(r"\r\n|\r|\n", module.code_for_node(statement)))
    return starts


def full_render(source: bytes) -> bytes | None:
    """What the engine must output: LibCST's rendering of the whole migrated module (no layout given)."""
    migration = migrate_module(cst.parse_module(source), load_rules())
    return migration.module.bytes if migration.changed else None


LAYOUTS = {
    "header, comments and blank lines": "#!/usr/bin/env python\n# licence\n\nimport os\n\n\n# lead\nx = 1\n",
    "decorators with comments between": "@a\n\n# between\n@b(1,\n   2)\n# after\ndef f():\n    pass\n\n\nclass C:\n    pass\n",
    "block footer and dedented comment": "if x:\n    y = 1\n    # footer\n# dedented\nz = 2\n",
    "semicolons and suites": "a = 1; b = 2\nif a: b; c\nwhile 0: pass\nd = 3\n",
    "continuations and strings": "x = (1,\n     2)\ny = '''a\nb'''\nz = 1 + \\\n    2\n",
    "async and match": "async def f():\n    async with a as b:\n        pass\nmatch x:\n    case 1:\n        pass\n",
    "form feed and tabs": "\x0cx = 1\nif x:\n\ty = 2\n",
}


@pytest.mark.parametrize("source", LAYOUTS.values(), ids=LAYOUTS.keys())
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_layout_matches_the_rendered_statement_lines(source: str, newline: str) -> None:
    data = source.replace("\n", newline).encode()
    module = cst.parse_module(data)
    layout = Layout.of(module, ast.parse(data))
    assert layout is not None
    assert list(layout.starts) == rendered_starts(module)


CONTRIB = "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n"
MIGRATIONS = {
    "first and last statements": CONTRIB + "\nckpt = tfe.Checkpoint(model=m)  # keep me\nckpt.save(p, session=None)\n",
    "nested in a function, comments around": CONTRIB + "\n\n# load\ndef load(p):\n    # inside\n"
    "    ckpt = tfe.Checkpoint(w=m.layer.kernel)\n    ckpt.restore(p)\n    # footer\n# after\nx = 1\n",
    "adjacent edited statements": "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n"
    "a = tfe.Checkpoint(m=m); a.restore(p)\nb = tfe.Checkpoint(m=m)\n",
    "decorated function": CONTRIB + "\n@tf.function\n# why\ndef step(c=tfe.Checkpoint(x=x)):\n    return c\n",
    "import removed between comments": "# top\nimport tensorflow as tf\n# above\n"
    "from tensorflow.contrib.framework import list_variables\n# below\nnames = list_variables(d)\n",
    "nested import removed, its block keeps a line": "import tensorflow as tf\ndef f():\n"
    "    from tensorflow.contrib.framework import list_variables\n    x = 1\n    return list_variables(d)\n",
    "nested import removed, its block would be empty": "import tensorflow as tf\nif ready:\n"
    "    from tensorflow.contrib.framework import list_variables\nnames = list_variables(d)\n",
    "header edit of a nested compound statement": "import tensorflow as tf\ndef f():\n"
    "    for name in tf.contrib.framework.list_variables(d):  # each\n        print(name)\n        # done\n"
    "    return 1\n",
}


@pytest.mark.parametrize("source", MIGRATIONS.values(), ids=MIGRATIONS.keys())
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [False, True])
def test_spliced_output_equals_the_full_rendering(source: str, newline: str, bom: bool) -> None:
    data = (b"\xef\xbb\xbf" if bom else b"") + source.replace("\n", newline).encode()
    migration = migrate_module(cst.parse_module(data), load_rules(), tree=ast.parse(data))
    spliced = _splice(migration.context, data)
    assert spliced is not None, "the layout should have been usable here"
    assert spliced == full_render(data)
    assert migrate_source(data, "m.py").new == spliced


def test_latin1_source_is_spliced_in_its_own_encoding() -> None:
    data = ("# -*- coding: latin-1 -*-\n" + CONTRIB + "name = 'café'\nckpt = tfe.Checkpoint(model=m)\n").encode("latin-1")
    result = migrate_source(data, "m.py")
    assert result.new == full_render(data)
    assert "café".encode("latin-1") in result.new


@pytest.mark.parametrize("nested", [False, True])
def test_a_wrong_layout_is_refused_not_trusted(nested: bool) -> None:
    body = "def f():\n    x = 1\n    ckpt = tfe.Checkpoint(model=m)\n" if nested else "x = 1\nckpt = tfe.Checkpoint(model=m)\n"
    data = (CONTRIB + body).encode()
    tree = ast.parse(data)
    for statement in ast.walk(tree):  # every ast line but the first one too far: no span holds its statement
        if isinstance(statement, ast.stmt) and statement.lineno > 1:
            statement.lineno += 1
            statement.end_lineno = (statement.end_lineno or 0) + 1
    migration = migrate_module(cst.parse_module(data), load_rules(), tree=tree)
    assert migration.changed and _splice(migration.context, data) is None
    assert migration.render(data) == full_render(data)


def test_no_trailing_newline_falls_back_to_the_full_rendering() -> None:
    data = (CONTRIB + "ckpt = tfe.Checkpoint(model=m)").encode()
    migration = migrate_module(cst.parse_module(data), load_rules(), tree=ast.parse(data))
    assert migration.context.layout is not None and _splice(migration.context, data) is None
    assert migrate_source(data, "m.py").new == full_render(data) == b"import tensorflow as tf\nckpt = tf.train.Checkpoint(model=m)"


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(code=hypothesmith.from_grammar() | hypothesmith.from_node())
def test_layout_of_generated_code(code: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(code)
            module = cst.parse_module(code)
        except (SyntaxError, ValueError, RecursionError, MemoryError, cst.ParserSyntaxError):
            return
    layout = Layout.of(module, tree)
    assert layout is not None
    assert list(layout.starts) == rendered_starts(module)
