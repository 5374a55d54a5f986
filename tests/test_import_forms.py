"""Every way a file may reach the contrib checkpoint API, and what each becomes.

Names are resolved through the file's own imports: the same row is reached from `tf.contrib.eager.Checkpoint`,
`tfe.Checkpoint`, `contrib_eager.Checkpoint` or a bare `Checkpoint`. Each pair is exact output, checked for reparse
and for a second run that changes nothing.
"""

from __future__ import annotations

import pytest

from helpers import assert_migrates, migrate

# (id, before, after): one pair per import form.
FORMS = [
    # -- the tensorflow package itself, under each name a file gives it ----------------------------------------------
    ("import-tensorflow-as-tf",
     "import tensorflow as tf\n\n"
     "ckpt = tf.contrib.eager.Checkpoint(model=m)\n"
     "mgr = tf.contrib.checkpoint.CheckpointManager(ckpt, d, 3)\n"
     "names = tf.contrib.framework.list_variables(d)\n",
     "import tensorflow as tf\n\n"
     "ckpt = tf.train.Checkpoint(model=m)\n"
     "mgr = tf.train.CheckpointManager(ckpt, d, 3)\n"
     "names = tf.train.list_variables(d)\n"),
    ("import-tensorflow-as-tf1",
     "import tensorflow as tf1\n\n"
     "ckpt = tf1.contrib.eager.Checkpoint(model=m)\n"
     "mgr = tf1.contrib.checkpoint.CheckpointManager(ckpt, d, 3)\n"
     "names = tf1.contrib.framework.list_variables(d)\n",
     "import tensorflow as tf1\n\n"
     "ckpt = tf1.train.Checkpoint(model=m)\n"
     "mgr = tf1.train.CheckpointManager(ckpt, d, 3)\n"
     "names = tf1.train.list_variables(d)\n"),
    ("bare-import-tensorflow",
     "import tensorflow\n\n"
     "ckpt = tensorflow.contrib.eager.Checkpoint(model=m)\n"
     "mgr = tensorflow.contrib.checkpoint.CheckpointManager(ckpt, d, 3)\n"
     "names = tensorflow.contrib.framework.list_variables(d)\n",
     "import tensorflow\n\n"
     "ckpt = tensorflow.train.Checkpoint(model=m)\n"
     "mgr = tensorflow.train.CheckpointManager(ckpt, d, 3)\n"
     "names = tensorflow.train.list_variables(d)\n"),
    ("bare-import-of-the-contrib-submodule",
     "import tensorflow as tf\nimport tensorflow.contrib.eager\n\n"
     "ckpt = tensorflow.contrib.eager.Checkpoint(model=m)\n",
     "import tensorflow as tf\n\n"
     "ckpt = tf.train.Checkpoint(model=m)\n"),
    ("bare-import-of-the-contrib-submodule-with-tensorflow-still-read",
     # `import tensorflow.contrib.eager` also binds `tensorflow`, which other code still reads: it stays bound.
     "import tensorflow.contrib.eager\n\n"
     "ckpt = tensorflow.contrib.eager.Checkpoint(model=m)\nx = tensorflow.zeros(3)\n",
     "import tensorflow\n\n"
     "ckpt = tensorflow.train.Checkpoint(model=m)\nx = tensorflow.zeros(3)\n"),
    # -- contrib modules imported under a name -------------------------------------------------------------------------
    ("import-contrib-eager-as-tfe",
     "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\nckpt = tfe.Checkpoint(model=m)\n",
     "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(model=m)\n"),
    ("import-contrib-eager-as-tfe-without-tensorflow-import",
     "import os\nimport tensorflow.contrib.eager as tfe\n\nckpt = tfe.Checkpoint(model=m)\n",
     "import os\nimport tensorflow as tf\n\nckpt = tf.train.Checkpoint(model=m)\n"),
    ("from-contrib-eager-python-import-tfe",
     "import tensorflow as tf\nfrom tensorflow.contrib.eager.python import tfe\n\nckpt = tfe.Checkpoint(model=m)\n",
     "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(model=m)\n"),
    ("from-contrib-eager-python-import-tfe-as-contrib_eager",
     "import tensorflow as tf\nfrom tensorflow.contrib.eager.python import tfe as contrib_eager\n\n"
     "ckpt = contrib_eager.Checkpoint(model=m)\n",
     "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(model=m)\n"),
    ("from-contrib-import-eager-as-tfe",
     "import tensorflow as tf\nfrom tensorflow.contrib import eager as tfe\n\nckpt = tfe.Checkpoint(model=m)\n",
     "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(model=m)\n"),
    ("from-contrib-import-checkpoint-as-contrib_checkpoint",
     "import tensorflow as tf\nfrom tensorflow.contrib import checkpoint as contrib_checkpoint\n\n"
     "manager = contrib_checkpoint.CheckpointManager(ckpt, directory=d, max_to_keep=2)\n",
     "import tensorflow as tf\n\n"
     "manager = tf.train.CheckpointManager(ckpt, directory=d, max_to_keep=2)\n"),
    ("import-contrib-checkpoint-as-checkpoint",
     "import tensorflow as tf\nimport tensorflow.contrib.checkpoint as checkpoint\n\n"
     "manager = checkpoint.CheckpointManager(ckpt, d, 1)\n",
     "import tensorflow as tf\n\nmanager = tf.train.CheckpointManager(ckpt, d, 1)\n"),
    # -- contrib symbols imported by name ------------------------------------------------------------------------------
    ("from-contrib-checkpoint-import-CheckpointManager",
     "import tensorflow as tf\nfrom tensorflow.contrib.checkpoint import CheckpointManager\n\n"
     "manager = CheckpointManager(ckpt, d, max_to_keep=3)\n",
     "import tensorflow as tf\n\nmanager = tf.train.CheckpointManager(ckpt, d, max_to_keep=3)\n"),
    ("from-contrib-framework-import-list_variables",
     "import tensorflow as tf\nfrom tensorflow.contrib.framework import list_variables\n\n"
     "names = list_variables(checkpoint_dir=d)\n",
     "import tensorflow as tf\n\nnames = tf.train.list_variables(ckpt_dir_or_file=d)\n"),
    ("from-contrib-framework-import-list_variables-as-alias",
     "import tensorflow as tf\nfrom tensorflow.contrib.framework import list_variables as lv\n\nnames = lv(d)\n",
     "import tensorflow as tf\n\nnames = tf.train.list_variables(d)\n"),
    ("from-import-keeps-the-names-still-used",
     "import tensorflow as tf\n"
     "from tensorflow.contrib.framework import list_variables, get_variables_to_restore\n\n"
     "names = list_variables(d)\nrestore = get_variables_to_restore()\n",
     "import tensorflow as tf\nfrom tensorflow.contrib.framework import get_variables_to_restore\n\n"
     "names = tf.train.list_variables(d)\nrestore = get_variables_to_restore()\n"),
    # -- alias assignments ---------------------------------------------------------------------------------------------
    ("alias-tfe-equals-tf-contrib-eager",
     "import tensorflow as tf\ntfe = tf.contrib.eager\n\nckpt = tfe.Checkpoint(model=m)\n",
     "import tensorflow as tf\n\nckpt = tf.train.Checkpoint(model=m)\n"),
    ("alias-slim-equals-tf-contrib-slim",
     # slim.evaluation's iterator is contrib.training's function (slim/python/slim/evaluation.py).
     "import tensorflow as tf\nslim = tf.contrib.slim\n\n"
     "for path in slim.evaluation.checkpoints_iterator(d, timeout=60):\n    evaluate(path)\n",
     "import tensorflow as tf\n\n"
     "for path in tf.train.checkpoints_iterator(d, timeout=60):\n    evaluate(path)\n"),
    ("import-contrib-framework-under-a-name",
     "import tensorflow as tf\nimport tensorflow.contrib.framework as contrib_framework\n\n"
     "reader = contrib_framework.load_checkpoint(d)\nstate = contrib_framework.init_from_checkpoint(d, {'/': '/'})\n",
     "import tensorflow as tf\n\n"
     "reader = tf.train.load_checkpoint(d)\nstate = tf.compat.v1.train.init_from_checkpoint(d, {'/': '/'})\n"),
    ("internal-module-path-of-the-evaluation-helpers",
     "from tensorflow.contrib.training.python.training import evaluation\n\n"
     "for path in evaluation.checkpoints_iterator(d):\n    evaluate(path)\n",
     "import tensorflow as tf\n\n"
     "for path in tf.train.checkpoints_iterator(d):\n    evaluate(path)\n"),
    ("internal-module-path-of-checkpoint-utils",
     "import tensorflow as tf\nfrom tensorflow.contrib.framework.python.framework import checkpoint_utils\n\n"
     "names = checkpoint_utils.list_variables(checkpoint_dir=d)\n",
     "import tensorflow as tf\n\n"
     "names = tf.train.list_variables(ckpt_dir_or_file=d)\n"),
    # -- tensorflow.compat.v1 imported as tf: tf.train.* there is the v1 API, which is what contrib aliased ----------
    ("import-tensorflow-compat-v1-as-tf",
     "import tensorflow.compat.v1 as tf\n\n"
     "ckpt = tf.contrib.eager.Checkpoint(model=m)\n"
     "tf.contrib.framework.init_from_checkpoint(d, {'/': '/'})\n",
     "import tensorflow.compat.v1 as tf\n\n"
     "ckpt = tf.train.Checkpoint(model=m)\n"
     "tf.train.init_from_checkpoint(d, {'/': '/'})\n"),
    ("compat-v1-with-contrib-aliases",  # google-research meta_reward_learning's import block
     "import tensorflow.compat.v1 as tf\n"
     "from tensorflow.contrib.eager.python import tfe as contrib_eager\n"
     "from tensorflow.contrib import checkpoint as contrib_checkpoint\n\n"
     "checkpoint = contrib_eager.Checkpoint(**objects)\n"
     "manager = contrib_checkpoint.CheckpointManager(checkpoint, directory=d, max_to_keep=2)\n",
     "import tensorflow.compat.v1 as tf\n\n"
     "checkpoint = tf.train.Checkpoint(**objects)\n"
     "manager = tf.train.CheckpointManager(checkpoint, directory=d, max_to_keep=2)\n"),
    # -- bytes outside the rewritten spans survive --------------------------------------------------------------------
    ("crlf-and-comments",
     "import tensorflow as tf\r\nimport tensorflow.contrib.eager as tfe  # eager\r\n\r\n"
     "# build\r\nckpt = tfe.Checkpoint(model=m)  # keep\r\n",
     "import tensorflow as tf\r\n\r\n# build\r\nckpt = tf.train.Checkpoint(model=m)  # keep\r\n"),
]


@pytest.mark.parametrize(("before", "after"), [pytest.param(b, a, id=i) for i, b, a in FORMS])
def test_import_form_migrates(before: str, after: str) -> None:
    assert_migrates(before, after)


def test_every_form_leaves_no_contrib_behind() -> None:
    """The pairs above are only a proof if none of their outputs still names contrib."""
    for form_id, _, after in FORMS:
        if form_id == "from-import-keeps-the-names-still-used":
            continue
        assert "contrib" not in after, form_id


@pytest.mark.tf
def test_compat_v1_checkpoint_is_the_class_contrib_aliased() -> None:
    """In a `tensorflow.compat.v1 as tf` file `tf.train.Checkpoint` must be TF 1's class, the contrib alias's target.

    Checked against TensorFlow itself when it is installed: the compat.v1 class still takes `session`, as the
    contrib alias did, so `save(prefix, session=sess)` keeps working unchanged.
    """
    tf = pytest.importorskip("tensorflow")
    import inspect

    import tensorflow.compat.v1 as tf1

    assert tf1.train.Checkpoint is tf.compat.v1.train.Checkpoint
    assert "session" in inspect.signature(tf1.train.Checkpoint.save).parameters
    assert "session" not in inspect.signature(tf.train.Checkpoint.save).parameters
    # And the rewrite of a session-passing save in such a file keeps the session.
    before = ("import tensorflow.compat.v1 as tf\n\nckpt = tf.contrib.eager.Checkpoint(step=step)\n"
              "ckpt.save(prefix, session=sess)\n")
    assert_migrates(before, before.replace("tf.contrib.eager.Checkpoint", "tf.train.Checkpoint"))


@pytest.mark.tf
@pytest.mark.parametrize("path", [
    "train.Checkpoint", "train.CheckpointManager", "train.list_variables", "train.load_variable",
    "train.load_checkpoint", "train.checkpoints_iterator", "train.experimental.PythonState",
    "compat.v1.train.init_from_checkpoint", "compat.v1.train.Checkpoint",
])
def test_every_rewrite_target_exists_in_tensorflow(path: str) -> None:
    """A rewrite to a name TF 2 does not have would trade one AttributeError for another."""
    tf = pytest.importorskip("tensorflow")
    import tensorflow.compat.v1 as tf1

    for module in (tf, tf1) if not path.startswith("compat.") else (tf,):
        target = module
        for part in path.split("."):
            target = getattr(target, part)


def test_still_used_contrib_import_is_kept() -> None:
    before = ("import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\n"
              "ckpt = tfe.Checkpoint(model=m)\nsaver = tfe.restore_variables_on_create(path)\n")
    result = migrate(before)
    assert result.new is not None
    output = result.new.decode()
    assert "import tensorflow.contrib.eager as tfe\n" in output
    assert "ckpt = tf.train.Checkpoint(model=m)\n" in output
    assert [(f.code, f.line, f.column) for f in result.findings] == [("TFC900", 2, 1), ("TFC901", 5, 9)]


@pytest.mark.parametrize("statement", [
    "import tensorflow.contrib.layers as layers",
    "from tensorflow.contrib import layers",
    "import tensorflow.contrib.layers",
])
def test_non_checkpoint_contrib_import_is_never_removed(statement: str) -> None:
    before = f"import tensorflow as tf\n{statement}\n\nckpt = tf.contrib.eager.Checkpoint(model=m)\n"
    result = migrate(before)
    assert result.new is not None
    assert result.new.decode() == before.replace("tf.contrib.eager.Checkpoint", "tf.train.Checkpoint")
