"""Deterministic generator of a contrib-heavy TensorFlow 1.x checkpoint corpus.

The benchmark needs a tree that looks like the code the tool is pointed at in
practice: many small training scripts (about 650 bytes on average), each
binding the contrib checkpoint API in one of the ways real projects did, with
training loops, partial restores and some unrelated helper code around it.
Generated rather than checked in so that ``--files N`` can scale it and so the
repository stays small; a fixed seed keeps every run comparable.

Only syntax old enough for ``tf_upgrade_v2`` and Python 3.5-era readers is
emitted (no f-strings, no walrus, no ``match``), so the same tree can be fed
to every tool in the comparison.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

DEFAULT_SEED = 20181105
FILES_PER_PACKAGE = 100

# Import form name -> text that proves the form is present in a file.  The
# corpus test and the generator both read this, so a new form cannot be added
# without the test checking for it.
IMPORT_FORMS: dict[str, str] = {
    "import_tfe": "import tensorflow.contrib.eager as tfe",
    "tfe_assignment": "tfe = tf.contrib.eager",
    "tfe_from_python": "from tensorflow.contrib.eager.python import tfe",
    "contrib_checkpoint_module": "from tensorflow.contrib import checkpoint as contrib_checkpoint",
    "from_checkpoint_import": "from tensorflow.contrib.checkpoint import CheckpointManager",
    "from_framework_import": "from tensorflow.contrib.framework import list_variables",
    "framework_attribute": "tf.contrib.framework.load_variable(",
    "checkpoint_module_alias": "import tensorflow.contrib.checkpoint as checkpoint",
}

_MODEL_NAMES = ("model", "net", "encoder", "classifier", "policy", "generator")
_OPT_NAMES = ("optimizer", "opt", "adam")
_CKPT_NAMES = ("ckpt", "checkpoint_obj", "saver", "root")
_DIRS = ("'/tmp/train'", "FLAGS.model_dir", "args.ckpt_dir", "CKPT_DIR")
_LAYERS = ("Dense", "Conv2D", "LSTM", "Embedding")


def _model_block(rng: random.Random, model: str, opt: str) -> str:
    units = rng.choice((16, 32, 64, 128, 256))
    layer = rng.choice(_LAYERS)
    arg = "(%d)" % units if layer != "Embedding" else "(1000, %d)" % units
    return (
        "{m} = tf.keras.Sequential([tf.keras.layers.{layer}{arg}])\n"
        "{o} = tf.train.AdamOptimizer(learning_rate={lr})\n"
    ).format(m=model, o=opt, layer=layer, arg=arg, lr=rng.choice(("1e-3", "3e-4", "0.01")))


def _train_loop(rng: random.Random, model: str, opt: str, save_call: str) -> str:
    steps = rng.choice((100, 500, 1000, 10000))
    every = rng.choice((10, 50, 100))
    return (
        "\n"
        "def train(dataset):\n"
        "    for step, (x, y) in enumerate(dataset.take({steps})):\n"
        "        with tf.GradientTape() as tape:\n"
        "            loss = tf.reduce_mean(tf.square({m}(x) - y))\n"
        "        grads = tape.gradient(loss, {m}.variables)\n"
        "        {o}.apply_gradients(zip(grads, {m}.variables))\n"
        "        if step % {every} == 0:\n"
        "            {save}\n"
    ).format(steps=steps, m=model, o=opt, every=every, save=save_call)


def _save_tail(rng: random.Random, model: str, opt: str, save_call: str) -> str:
    """Half the scripts train before saving; the rest only save once at the end."""
    if rng.random() < 0.35:
        return _train_loop(rng, model, opt, save_call)
    return save_call + "\n"


def _partial_restore(rng: random.Random, ckpt_expr: str, directory: str) -> str:
    """A restore whose status is ignored or checked: both occur in real code."""
    kind = rng.randrange(3)
    if kind == 0:
        return "{c}.restore(tf.train.latest_checkpoint({d}))\n".format(c=ckpt_expr, d=directory)
    if kind == 1:
        return (
            "status = {c}.restore(tf.train.latest_checkpoint({d}))\n"
            "status.assert_consumed()\n"
        ).format(c=ckpt_expr, d=directory)
    return (
        "latest = tf.train.latest_checkpoint({d})\n"
        "if latest:\n"
        "    {c}.restore(latest).assert_existing_objects_matched()\n"
    ).format(c=ckpt_expr, d=directory)


def _unrelated(rng: random.Random) -> str:
    """Code with no checkpoint content: real scripts are never checkpoint-only."""
    kind = rng.randrange(3)
    if kind == 0:
        return (
            "\n\nclass RunningMean(object):\n"
            "    \"\"\"Mean of a stream of scalars.\"\"\"\n\n"
            "    def __init__(self):\n"
            "        self.total = 0.0\n"
            "        self.count = 0\n\n"
            "    def update(self, value):\n"
            "        self.total += float(value)\n"
            "        self.count += 1\n"
            "        return self.total / max(self.count, 1)\n"
        )
    if kind == 1:
        return (
            "\n\ndef make_dataset(batch_size={bs}):\n"
            "    # Synthetic data keeps the example self-contained.\n"
            "    x = tf.random_normal([1024, 8])\n"
            "    y = tf.reduce_sum(x, axis=1, keepdims=True)\n"
            "    return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)\n"
        ).format(bs=rng.choice((8, 32, 64)))
    return (
        "\n\ndef parse_args(argv=None):\n"
        "    parser = argparse.ArgumentParser(description='train and checkpoint')\n"
        "    parser.add_argument('--ckpt_dir', default='/tmp/train')\n"
        "    parser.add_argument('--steps', type=int, default={steps})\n"
        "    return parser.parse_args(argv)\n"
    ).format(steps=rng.choice((100, 1000)))


def _header(rng: random.Random, index: int) -> str:
    doc = rng.choice((
        "Train a small model and checkpoint it.",
        "Restore weights from an earlier run and keep training.",
        "Checkpoint utilities for the experiment.",
        "Fine-tune from a pretrained checkpoint.",
    ))
    return '"""{doc} (script {i})."""\n'.format(doc=doc, i=index)


def _std_imports(rng: random.Random) -> str:
    extra = rng.sample(("import argparse\n", "import numpy as np\n", "import sys\n"), rng.randrange(0, 2))
    future = "from __future__ import print_function\n\n" if rng.random() < 0.4 else ""
    return future + "".join(sorted(["import os\n"] + extra))


def _render_tfe(rng: random.Random, index: int, form: str) -> str:
    m, o, c = rng.choice(_MODEL_NAMES), rng.choice(_OPT_NAMES), rng.choice(_CKPT_NAMES)
    d = rng.choice(_DIRS)
    head = _header(rng, index) + _std_imports(rng) + "import tensorflow as tf\n"
    if form == "import_tfe":
        head += IMPORT_FORMS[form] + "\n\ntf.enable_eager_execution()\n"
    elif form == "tfe_assignment":
        head += "\ntf.enable_eager_execution()\n" + IMPORT_FORMS[form] + "\n"
    else:
        head += IMPORT_FORMS[form] + "\n\ntf.enable_eager_execution()\n"
    body = _model_block(rng, m, o)
    body += "{c} = tfe.Checkpoint(optimizer={o}, model={m})\n".format(c=c, o=o, m=m)
    body += _partial_restore(rng, "tfe.Checkpoint(model={m})".format(m=m) if rng.random() < 0.5 else c, d)
    save = "{c}.save(file_prefix=os.path.join({d}, 'ckpt'))".format(c=c, d=d)
    return head + "\n" + body + _save_tail(rng, m, o, save)


def _render_contrib_checkpoint(rng: random.Random, index: int, form: str) -> str:
    m, o, c = rng.choice(_MODEL_NAMES), rng.choice(_OPT_NAMES), rng.choice(_CKPT_NAMES)
    d = rng.choice(_DIRS)
    head = _header(rng, index) + _std_imports(rng) + "import tensorflow as tf\n"
    head += IMPORT_FORMS[form] + "\n"
    if form == "contrib_checkpoint_module":
        manager_cls = "contrib_checkpoint.CheckpointManager"
        extra = "counter = contrib_checkpoint.PythonStateWrapper\n" if rng.random() < 0.3 else ""
        if rng.random() < 0.2:
            extra += "layers = contrib_checkpoint.List()\n"
    else:
        manager_cls = "CheckpointManager"
        extra = ""
    body = _model_block(rng, m, o) + extra
    body += "{c} = tf.train.Checkpoint(step=tf.Variable(1), optimizer={o}, net={m})\n".format(c=c, o=o, m=m)
    body += "manager = {cls}({c}, {d}, max_to_keep={k})\n".format(cls=manager_cls, c=c, d=d, k=rng.choice((3, 5)))
    body += _partial_restore(rng, c, "manager.directory" if rng.random() < 0.5 else d)
    return head + "\n" + body + _save_tail(rng, m, o, "manager.save()")


def _render_framework(rng: random.Random, index: int, form: str) -> str:
    d = rng.choice(_DIRS)
    var = rng.choice(("'dense/kernel'", "'global_step'", "'embedding/weights'"))
    head = _header(rng, index) + _std_imports(rng) + "import tensorflow as tf\n"
    if form == "from_framework_import":
        head += IMPORT_FORMS[form] + "\n"
        listing = "list_variables({d})".format(d=d)
        load = "tf.train.load_variable({d}, {v})".format(d=d, v=var)
    else:
        listing = "tf.contrib.framework.list_variables({d})".format(d=d)
        load = "tf.contrib.framework.load_variable({d}, {v})".format(d=d, v=var)
    body = (
        "\n\ndef describe_checkpoint():\n"
        "    for name, shape in {listing}:\n"
        "        print('%s: %s' % (name, shape))\n"
        "    value = {load}\n"
        "    print('loaded', value.shape)\n"
    ).format(listing=listing, load=load)
    if rng.random() < 0.5:
        body += (
            "\n\ndef wait_for_new_checkpoints():\n"
            "    for path in tf.contrib.training.checkpoints_iterator({d}, timeout=60):\n"
            "        reader = tf.contrib.framework.load_checkpoint(path)\n"
            "        print(path, reader.get_variable_to_shape_map())\n"
        ).format(d=d)
    return head + body


def _render_checkpoint_alias(rng: random.Random, index: int, form: str) -> str:
    m, o = rng.choice(_MODEL_NAMES), rng.choice(_OPT_NAMES)
    d = rng.choice(_DIRS)
    head = _header(rng, index) + _std_imports(rng) + "import tensorflow as tf\n" + IMPORT_FORMS[form] + "\n"
    body = _model_block(rng, m, o)
    body += "ckpt = checkpoint.Checkpoint(model={m})\n".format(m=m)
    body += _partial_restore(rng, "ckpt", d)
    return head + "\n" + body + _save_tail(rng, m, o, "ckpt.save(os.path.join({d}, 'model'))".format(d=d))


_RENDERERS: dict[str, Callable[[random.Random, int, str], str]] = {
    "import_tfe": _render_tfe,
    "tfe_assignment": _render_tfe,
    "tfe_from_python": _render_tfe,
    "contrib_checkpoint_module": _render_contrib_checkpoint,
    "from_checkpoint_import": _render_contrib_checkpoint,
    "from_framework_import": _render_framework,
    "framework_attribute": _render_framework,
    "checkpoint_module_alias": _render_checkpoint_alias,
}


def render_file(rng: random.Random, index: int) -> str:
    """Source of corpus file ``index``; forms rotate so every N >= 8 covers all."""
    forms = list(IMPORT_FORMS)
    form = forms[index % len(forms)]
    source = _RENDERERS[form](rng, index, form)
    if rng.random() < 0.25:
        source += _unrelated(rng)
    return source


def generate_corpus(root: Path, n_files: int, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write exactly ``n_files`` scripts under ``root``, 100 per directory, like a real tree.

    The same ``(n_files, seed)`` always produces byte-identical files, so timings
    from different runs and machines compare like with like.
    """
    rng = random.Random(seed)
    root = Path(root)
    paths: list[Path] = []
    for index in range(n_files):
        package = root / "pkg_{:03d}".format(index // FILES_PER_PACKAGE)
        if index % FILES_PER_PACKAGE == 0:
            package.mkdir(parents=True, exist_ok=True)
        path = package / "train_{:05d}.py".format(index)
        path.write_text(render_file(rng, index), encoding="utf-8", newline="\n")
        paths.append(path)
    return paths
