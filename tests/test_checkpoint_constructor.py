"""TFC101: contrib Checkpoint constructions become TF 2's class only where that is exact, else TF 1's class."""

from __future__ import annotations

import pytest

from helpers import assert_migrates, migrate

HEAD = "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n"

CASES = [
    ("objects-from-a-dict-display",
     HEAD + "objects = dict(model=m, optimizer=o)\nckpt = tfe.Checkpoint(**objects)\nckpt.save(p, session=None)\n",
     "import tensorflow as tf\nobjects = dict(model=m, optimizer=o)\nckpt = tf.train.Checkpoint(**objects)\n"
     "ckpt.save(p)\n"),
    ("objects-from-a-function-that-returns-a-display",
     HEAD + "def build():\n    return {'model': m, 'step': s}\n\nobjects = build()\n"
     "ckpt = tfe.Checkpoint(**objects)\n",
     "import tensorflow as tf\ndef build():\n    return {'model': m, 'step': s}\n\nobjects = build()\n"
     "ckpt = tf.train.Checkpoint(**objects)\n"),
    ("objects-of-unknown-keys-stay-tf1",
     HEAD + "def f(objects):\n    ckpt = tfe.Checkpoint(**objects)\n    ckpt.save(p, None)\n",
     "import tensorflow as tf\ndef f(objects):\n    ckpt = tf.compat.v1.train.Checkpoint(**objects)\n"
     "    ckpt.save(p, None)\n"),
    ("objects-given-a-root-key-stay-tf1",
     HEAD + "objects = {'model': m}\nobjects['root'] = r\nckpt = tfe.Checkpoint(**objects)\n",
     "import tensorflow as tf\nobjects = {'model': m}\nobjects['root'] = r\n"
     "ckpt = tf.compat.v1.train.Checkpoint(**objects)\n"),
    ("a-file-that-runs-sessions-keeps-tf1-and-its-session",
     HEAD + "sess = tf.compat.v1.Session()\nckpt = tfe.Checkpoint(step=step)\nckpt.save(p, session=sess)\n",
     "import tensorflow as tf\nsess = tf.compat.v1.Session()\nckpt = tf.compat.v1.train.Checkpoint(step=step)\n"
     "ckpt.save(p, session=sess)\n"),
    ("a-module-level-name-keeps-working-through-its-value",
     HEAD + "Checkpoint = tfe.Checkpoint\nckpt = Checkpoint(model=m)\nckpt.save(p, session=None)\n",
     "import tensorflow as tf\nCheckpoint = tf.train.Checkpoint\nckpt = Checkpoint(model=m)\nckpt.save(p)\n"),
    ("a-name-used-with-root-is-bound-to-the-tf1-class",
     HEAD + "Checkpoint = tfe.Checkpoint\nckpt = Checkpoint(root=model)\n",
     "import tensorflow as tf\nCheckpoint = tf.compat.v1.train.Checkpoint\nckpt = Checkpoint(root=model)\n"),
    ("annotated-module-level-name",
     HEAD + "Checkpoint: type = tfe.Checkpoint\n",
     "import tensorflow as tf\nCheckpoint: type = tf.train.Checkpoint\n"),
]


@pytest.mark.parametrize(("before", "after"), [pytest.param(b, a, id=i) for i, b, a in CASES])
def test_construction(before: str, after: str) -> None:
    assert_migrates(before, after)


def test_a_parameter_named_tf_is_never_written_into() -> None:
    """`tf` there is the parameter: the reference is reported, not rewritten, and its import stays."""
    before = HEAD + "\n\ndef build(tf, model):\n    return tfe.Checkpoint(model=model, extra=tf)\n"
    result = migrate(before)
    assert result.new is None
    kept, finding = result.findings
    assert (finding.code, finding.line, finding.fixed) == ("TFC101", 6, False)
    assert "no name means tensorflow here" in finding.message
    assert (kept.code, kept.line) == ("TFC900", 2)


def test_another_name_for_tensorflow_is_used_where_tf_is_shadowed() -> None:
    before = ("import tensorflow as tf\nimport tensorflow as tensorflow_lib\nimport tensorflow.contrib.eager as tfe\n"
              "\n\ndef build(tf, model):\n    return tfe.Checkpoint(model=model)\n")
    assert_migrates(before, "import tensorflow as tf\nimport tensorflow as tensorflow_lib\n\n\n"
                            "def build(tf, model):\n    return tensorflow_lib.train.Checkpoint(model=model)\n")
