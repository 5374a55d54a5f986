"""TFC107: the tfe members with an exact TF 2 spelling, and the conditions of the four that are rewrites."""

from __future__ import annotations

import pytest

from tfckpt_codemod.transforms._symbols import SYMBOLS

from helpers import assert_migrates, migrate

HEAD = "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n"
ALIASES = [s for s in SYMBOLS if s.code == "TFC107" and s.source.endswith("the same object in TF 2.21")]


@pytest.mark.parametrize("symbol", [pytest.param(s, id=s.contrib) for s in ALIASES])
def test_an_alias_is_renamed_in_every_use(symbol) -> None:  # type: ignore[no-untyped-def]
    member = symbol.contrib.rsplit(".", 1)[-1]
    before = HEAD + f"x = tfe.{member}\ny = isinstance(a, tfe.{member})\n"
    assert_migrates(before, f"import tensorflow as tf\nx = tf.{symbol.tf2}\ny = isinstance(a, tf.{symbol.tf2})\n")


KEPT = [
    ("variable-with-collections", "w = tfe.Variable(1.0, True, ['c'])\n", "third positional argument"),
    ("variable-with-an-unknown-keyword", "w = tfe.Variable(1.0, distribute_strategy=s)\n", "no distribute_strategy"),
    ("variable-in-a-tf-function", "@tf.function\ndef f():\n    return tfe.Variable(1.0)\n", "inside a tf.function"),
    ("variable-isinstance", "ok = isinstance(v, tfe.Variable)\n", "only its calls"),
    ("variable-with-kwargs", "w = tfe.Variable(**options)\n", "*args or **kwargs"),
    ("template-with-create-graph-function", "t = tfe.make_template('t', f, create_graph_function_=True)\n",
     "five positional"),
    ("run-in-a-file-that-turns-eager-off", "tf.compat.v1.disable_eager_execution()\ntfe.run(main)\n", "turns it off"),
]


@pytest.mark.parametrize(("body", "fragment"), [pytest.param(b, f, id=i) for i, b, f in KEPT])
def test_a_rewrite_whose_condition_fails_is_kept_and_reported(body: str, fragment: str) -> None:
    result = migrate(HEAD + body)
    assert result.new is None
    messages = [f.message for f in result.findings if f.code == "TFC107"]
    assert len(messages) == 1 and fragment in messages[0], [f.message for f in result.findings]


def test_the_rewrites() -> None:
    before = HEAD + ("w = tfe.Variable(1.0, trainable=False, name='w')\nt = tfe.make_template('t', f)\n"
                     "tfe.run(main)\nslots = tfe.get_optimizer_variables(self.optimizer)\n"
                     "other = tfe.get_optimizer_variables(a or b)\n")
    after = ("import tensorflow as tf\nw = tf.Variable(1.0, trainable=False, name='w')\n"
             "t = tf.compat.v1.make_template('t', f)\ntf.compat.v1.app.run(main)\n"
             "slots = self.optimizer.variables()\nother = (a or b).variables()\n")
    assert_migrates(before, after)


def test_a_file_that_only_used_tfe_and_checkpoints_is_left_without_contrib() -> None:
    before = HEAD + ("tfe.enable_eager_execution()\nmodel = make()\nckpt = tfe.Checkpoint(model=model)\n"
                     "with tfe.GradientTape() as tape:\n    loss = model(x)\nprint(tfe.executing_eagerly())\n")
    result = migrate(before)
    assert b"contrib" not in result.new and b"tfe" not in result.new
