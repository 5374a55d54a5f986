"""Names are resolved by scope, never by spelling: a `tfe` or `checkpoint` that is not the contrib module is left alone.

Each case is a full file and its exact migration. Uses that resolve to the contrib import are rewritten; uses that
resolve to a parameter, a local, a comprehension variable or a class attribute of the same name are not. When a
file's scoping is beyond the cheap lexical model (`global`, `nonlocal`, `del`), LibCST's ScopeProvider decides.
"""

from __future__ import annotations

import ast

import pytest

from tfckpt_codemod.transforms._analysis import analyze

from helpers import assert_migrates, migrate

SHADOWED = [
    ("parameter-named-checkpoint",
     "import tensorflow as tf\nimport tensorflow.contrib.checkpoint as checkpoint\n\n"
     "manager = checkpoint.CheckpointManager(ckpt, d, 1)\n\n\n"
     "def restore_into(checkpoint):\n    return checkpoint.CheckpointManager(directory=d)\n",
     "import tensorflow as tf\n\n"
     "manager = tf.train.CheckpointManager(ckpt, d, 1)\n\n\n"
     "def restore_into(checkpoint):\n    return checkpoint.CheckpointManager(directory=d)\n"),
    ("parameter-named-checkpoint-without-contrib-import",
     "import tensorflow as tf\nckpt = tf.contrib.eager.Checkpoint(m=m)\n\n\n"
     "def f(checkpoint):\n    return checkpoint.Checkpoint(model=m)\n",
     "import tensorflow as tf\nckpt = tf.train.Checkpoint(m=m)\n\n\n"
     "def f(checkpoint):\n    return checkpoint.Checkpoint(model=m)\n"),
    ("local-variable-named-tfe",
     "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\nckpt = tfe.Checkpoint(m=m)\n\n\n"
     "def build():\n    tfe = make_factory()\n    return tfe.Checkpoint(m=m)\n",
     "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(m=m)\n\n\n"
     "def build():\n    tfe = make_factory()\n    return tfe.Checkpoint(m=m)\n"),
    ("lambda-parameter-named-tfe",
     "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\nckpt = tfe.Checkpoint(m=m)\n"
     "make = lambda tfe: tfe.Checkpoint(m=m)\n",
     "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(m=m)\n"
     "make = lambda tfe: tfe.Checkpoint(m=m)\n"),
    ("comprehension-variable-named-tfe",
     "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\nckpt = tfe.Checkpoint(m=m)\n"
     "others = [tfe.Checkpoint(m=x) for tfe in factories]\n",
     "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(m=m)\n"
     "others = [tfe.Checkpoint(m=x) for tfe in factories]\n"),
    ("class-attribute-named-tfe",
     # The class body's `tfe` is not visible inside its methods: there `tfe` is the module-level import again.
     "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\n\n"
     "class Trainer:\n    tfe = factory\n    default = tfe.Checkpoint(m=m)\n\n"
     "    def checkpoint(self):\n        return tfe.Checkpoint(m=self.m)\n",
     "import tensorflow as tf\n\n\n"
     "class Trainer:\n    tfe = factory\n    default = tfe.Checkpoint(m=m)\n\n"
     "    def checkpoint(self):\n        return tf.train.Checkpoint(m=self.m)\n"),
    ("with-as-and-except-as-named-tfe",
     "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\nckpt = tfe.Checkpoint(m=m)\n\n\n"
     "def f():\n    with opener() as tfe:\n        tfe.Checkpoint(m=m)\n\n\n"
     "def g():\n    try:\n        pass\n    except Error as tfe:\n        tfe.Checkpoint(m=m)\n",
     "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(m=m)\n\n\n"
     "def f():\n    with opener() as tfe:\n        tfe.Checkpoint(m=m)\n\n\n"
     "def g():\n    try:\n        pass\n    except Error as tfe:\n        tfe.Checkpoint(m=m)\n"),
    ("user-function-named-assign_from_checkpoint_fn",
     "import tensorflow as tf\nslim = tf.contrib.slim\n\n\n"
     "def assign_from_checkpoint_fn(model_path, var_list):\n"
     "    saver = tf.compat.v1.train.Saver(var_list)\n    return lambda sess: saver.restore(sess, model_path)\n\n\n"
     "init_fn = assign_from_checkpoint_fn(path, variables)\npaths = slim.evaluation.checkpoints_iterator(d)\n",
     "import tensorflow as tf\n\n\n"
     "def assign_from_checkpoint_fn(model_path, var_list):\n"
     "    saver = tf.compat.v1.train.Saver(var_list)\n    return lambda sess: saver.restore(sess, model_path)\n\n\n"
     "init_fn = assign_from_checkpoint_fn(path, variables)\npaths = tf.train.checkpoints_iterator(d)\n"),
    ("class-with-a-restore-method",
     "import tensorflow as tf\n\n\nclass Model:\n    def restore(self, path):\n        return load(path)\n\n"
     "    def build(self):\n        self.ckpt = tf.contrib.eager.Checkpoint(model=self.net)\n"
     "        self.restore(path)\n\n\nmodel = Model()\nmodel.restore(path)\n",
     "import tensorflow as tf\n\n\nclass Model:\n    def restore(self, path):\n        return load(path)\n\n"
     "    def build(self):\n        self.ckpt = tf.train.Checkpoint(model=self.net)\n"
     "        self.restore(path)\n\n\nmodel = Model()\nmodel.restore(path)\n"),
    ("global-of-another-name-still-resolves",
     "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\ncount = 0\nckpt = tfe.Checkpoint(m=m)\n\n\n"
     "def bump():\n    global count\n    count += 1\n",
     "import tensorflow as tf\n\ncount = 0\nckpt = tf.train.Checkpoint(m=m)\n\n\n"
     "def bump():\n    global count\n    count += 1\n"),
]


@pytest.mark.parametrize(("before", "after"), [pytest.param(b, a, id=i) for i, b, a in SHADOWED])
def test_shadowed_names_are_left_alone(before: str, after: str) -> None:
    assert_migrates(before, after)


def test_no_finding_on_the_users_own_assign_from_checkpoint_fn() -> None:
    case = dict((i, b) for i, b, _ in SHADOWED)["user-function-named-assign_from_checkpoint_fn"]
    assert migrate(case).findings == ()


# Files where a module-level `tfe` cannot be known to be the contrib module at every use: nothing is rewritten.
UNKNOWABLE = [
    ("module-level-tfe-rebound-later",
     "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\nckpt = tfe.Checkpoint(m=m)\n"
     "tfe = other_module\nlater = tfe.Checkpoint(m=m)\n"),
    ("global-tfe-rebound-in-a-function",
     "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\nckpt = tfe.Checkpoint(m=m)\n\n\n"
     "def setup():\n    global tfe\n    tfe = other_module\n"),
    ("class-body-reads-tfe-before-binding-it",  # Python reads the module's tfe there; the model does not claim it
     "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\n\n"
     "class Trainer:\n    default = tfe.Checkpoint(m=m)\n    tfe = factory\n"),
    ("del-tfe",
     "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\nckpt = tfe.Checkpoint(m=m)\ndel tfe\n"
     "tfe = other_module\n"),
]


@pytest.mark.parametrize("before", [pytest.param(b, id=i) for i, b in UNKNOWABLE])
def test_unknowable_bindings_are_not_rewritten_but_reported(before: str) -> None:
    """Left alone, but never silently: the import TF 2 cannot load is reported where it is."""
    result = migrate(before)
    assert result.error is None
    assert result.new is None
    assert [(f.code, f.line, f.column, f.fixed) for f in result.findings] == [("TFC900", 2, 1, False)]
    assert "`tfe`" in result.findings[0].message and "tf.contrib.eager" in result.findings[0].message


def test_global_rebinding_makes_the_module_name_unknowable() -> None:
    """`global tfe` plus an assignment in a function is a second binding of the module's `tfe`."""
    before = dict(UNKNOWABLE)["global-tfe-rebound-in-a-function"]
    analysis = analyze(ast.parse(before))
    assert not [r for r in analysis.refs if r.root.id == "tfe"]


def test_global_read_only_keeps_the_module_binding() -> None:
    """`global tfe` that only reads the name: the import is still the one binding."""
    before = ("import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\n\n"
              "def make():\n    global tfe\n    return tfe.Checkpoint(m=m)\n")
    analysis = analyze(ast.parse(before))
    assert [r.qualified for r in analysis.refs if r.root.id == "tfe"] == ["tensorflow.contrib.eager.Checkpoint"]
    assert_migrates(before, "import tensorflow as tf\n\n\n"
                            "def make():\n    global tfe\n    return tf.train.Checkpoint(m=m)\n")
