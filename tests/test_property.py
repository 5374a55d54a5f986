"""Property tests: the engine on arbitrary valid Python, with and without contrib code in it.

Hand-written cases only exercise the syntax their author remembered. hypothesmith generates
programs from the whole Python grammar (decorators on lambdas' parents, walrus in
comprehensions, odd string prefixes, deep nesting), and real contrib snippets are spliced
into them, so the transforms meet the syntax they will meet in the wild. The properties
are the ones a user relies on without thinking: the engine never raises, its output
always compiles, a second run is a no-op, and a file without contrib code is left alone.

Run more examples with ``HYPOTHESIS_PROFILE=thorough``; ``ci`` (the default) keeps the
suite quick.
"""

from __future__ import annotations

import importlib.util
import os
import re
import warnings

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

hypothesmith = pytest.importorskip("hypothesmith")

pytestmark = [
    pytest.mark.skipif(
        importlib.util.find_spec("tfckpt_codemod.engine") is None,
        reason="tfckpt_codemod.engine is not importable (engine not installed)",
    ),
    # Generated programs such as `1()` are valid syntax that CPython warns about.
    pytest.mark.filterwarnings("ignore::SyntaxWarning"),
]

_COMMON = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.register_profile("ci", max_examples=100, **_COMMON)
settings.register_profile("thorough", max_examples=2_000, **_COMMON)
_REQUESTED = os.environ.get("HYPOTHESIS_PROFILE", "ci")
PROFILE = settings.get_profile(_REQUESTED if _REQUESTED in ("ci", "thorough") else "ci")

# Realistic TF 1.x checkpoint code, in the shapes it takes in real repositories.
CONTRIB_SNIPPETS: tuple[str, ...] = (
    "import tensorflow as tf\n"
    "tfe = tf.contrib.eager\n"
    "ckpt = tfe.Checkpoint(model=model, optimizer=optimizer, step=tf.train.get_or_create_global_step())\n"
    "status = ckpt.restore(tf.train.latest_checkpoint(model_dir))\n",
    #
    "import tensorflow as tf\n"
    "def restore(model, path):\n"
    "    ckpt = tf.contrib.eager.Checkpoint(model=model)\n"
    "    ckpt.restore(path).assert_consumed()\n"
    "    return ckpt\n",
    #
    "import tensorflow.contrib.checkpoint as checkpoint\n"
    "manager = checkpoint.CheckpointManager(ckpt, '/tmp/ckpts', max_to_keep=3)\n"
    "manager.save()\n",
    #
    "import tensorflow as tf\n"
    "names = tf.contrib.framework.list_variables(ckpt_dir)\n"
    "w = tf.contrib.framework.load_variable(ckpt_dir, 'dense/kernel')\n"
    "reader = tf.contrib.framework.load_checkpoint(ckpt_dir)\n",
    #
    "from tensorflow.contrib import checkpoint as contrib_checkpoint\n"
    "class Counter(contrib_checkpoint.PythonStateWrapper):\n"
    "    def serialize(self):\n"
    "        return b''\n",
    #
    "import tensorflow as tf\n"
    "saver = tf.contrib.eager.Saver(model.variables)\n"
    "for path in tf.contrib.training.checkpoints_iterator(model_dir):\n"
    "    saver.restore(path)\n",
    #
    "import tensorflow as tf\n"
    "tf.contrib.framework.init_from_checkpoint(ckpt_dir, {'encoder/': 'encoder/'})\n",
    #
    "import tensorflow.contrib.eager as tfe\n"
    "class Trainer(object):\n"
    "    def __init__(self, model):\n"
    "        self.ckpt = tfe.Checkpoint(model=model)  # trailing comment\n"
    "    def load(self, path):\n"
    "        return self.ckpt.restore(path)\n",
)

# TF 2 checkpoint code that must never be touched: no contrib anywhere.
PLAIN_SNIPPETS: tuple[str, ...] = (
    "import tensorflow as tf\n"
    "ckpt = tf.train.Checkpoint(model=model)\n"
    "ckpt.restore(tf.train.latest_checkpoint(d))\n",
    #
    "import tensorflow as tf\n"
    "manager = tf.train.CheckpointManager(tf.train.Checkpoint(step=step), d, max_to_keep=2)\n"
    "status = manager.checkpoint.restore(manager.latest_checkpoint)\n",
    #
    "checkpoint = {'model': 1}\n"
    "def restore(path):\n"
    "    return checkpoint.get(path)\n",
)

generated = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())


def migrate(source: bytes):  # -> tfckpt_codemod.types.FileResult
    from tfckpt_codemod.engine import migrate_source

    return migrate_source(source, "generated.py")


def full_render(source: bytes) -> bytes:
    """LibCST's rendering of the whole migrated module (what the engine's splice must reproduce)."""
    import libcst as cst

    from tfckpt_codemod.transforms import load_rules
    from tfckpt_codemod.transforms._pipeline import migrate_module

    return migrate_module(cst.parse_module(source), load_rules(), path="generated.py").module.bytes


def _round_trips(source: bytes) -> bool:
    import libcst as cst

    return cst.parse_module(source).bytes == source


def compiles(source: bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "generated.py", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError, RecursionError, UnicodeDecodeError):
        return False
    return True


def check_invariants(source: bytes) -> bytes:
    """Apply every property to one input and return the engine's output."""
    result = migrate(source)
    source_ok = compiles(source)
    if result.error is not None:
        if source_ok:  # CPython accepts it: the only refusal allowed is LibCST's parser's, reported and left alone
            assert result.error.startswith("cannot parse"), f"engine refused valid Python: {result.error}"
            with pytest.raises(Exception):
                _round_trips(source)
        assert result.new is None
        return source
    output = source if result.new is None else result.new
    if source_ok:
        assert compiles(output), output.decode("utf-8", "replace")
    if b"contrib" not in source:
        assert output == source, "a file without contrib code was changed"
    if output != source and _round_trips(source):
        # Only the changed statements were rendered again; where LibCST's own rendering of the input is exact, the
        # result must be its rendering of the whole module. (Where it is not, e.g. blank lines before a last line of
        # spaces, which LibCST 1.9 drops, splicing keeps the user's bytes.)
        assert output == full_render(source), "splicing the changed statements differs from LibCST's rendering"
        second = migrate(output)
        assert second.error is None, second.error
        assert second.new is None or second.new == output, "second run changed the output again"
    return output


# Generated code that rebinds a snippet's names legitimately makes the engine hold back.
_SNIPPET_NAMES = re.compile(r"\b(tf|tfe|tensorflow|checkpoint|contrib_checkpoint|ckpt|model|saver)\b")


def _join(code: str, snippet: str, snippet_first: bool) -> str:
    code = code if code.endswith("\n") or not code else code + "\n"
    # `from __future__` must stay first; a snippet in front of it would be a SyntaxError.
    if snippet_first and "__future__" not in code:
        return snippet + "\n" + code
    return code + "\n" + snippet


def _encode(text: str, newline: str, bom: bool) -> bytes:
    data = text.replace("\n", newline).encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


@PROFILE
@given(code=generated)
def test_generated_code_without_contrib_is_left_alone(code: str) -> None:
    check_invariants(code.encode("utf-8"))


@PROFILE
@given(
    code=generated,
    snippet=st.sampled_from(CONTRIB_SNIPPETS),
    snippet_first=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
)
@example(code="", snippet=CONTRIB_SNIPPETS[0], snippet_first=True, newline="\r\n", bom=True)
def test_generated_code_with_contrib_snippet(code: str, snippet: str, snippet_first: bool, newline: str, bom: bool) -> None:
    assume(not _SNIPPET_NAMES.search(code))
    source = _encode(_join(code, snippet, snippet_first), newline, bom)
    output = check_invariants(source)
    assert output != source, "a contrib checkpoint snippet produced no change at all"
    assert output.startswith(b"\xef\xbb\xbf") == bom, "the BOM was added or lost"
    if newline == "\r\n":
        assert b"\n" not in output.replace(b"\r\n", b""), "a bare LF crept into a CRLF file"


@PROFILE
@given(code=generated, snippet=st.sampled_from(PLAIN_SNIPPETS), snippet_first=st.booleans())
def test_generated_code_with_tf2_snippet_is_left_alone(code: str, snippet: str, snippet_first: bool) -> None:
    source = _join(code, snippet, snippet_first).encode("utf-8")
    result = migrate(source)
    if b"contrib" not in source:
        assert result.new is None or result.new == source
    check_invariants(source)
