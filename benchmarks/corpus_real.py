"""Deterministic generator of a corpus shaped like real TensorFlow 1.x checkpoint code.

`corpus.py` writes ~670-byte scripts that all start with `import tensorflow as tf`; real files that hold contrib
checkpoint code are about twenty times larger and much less regular, and both the tool and `tf_upgrade_v2` spend
their time differently on them. This module writes whole modules of 4-30 KB (about 12 KB on average, 1,000 files
make ~12 MB): a licence header or a shebang, a module docstring, imports in every style, flags (argparse,
`tf.app.flags`, absl), constants, helper functions, model classes, trainer classes with long methods, long
training functions, a `main`, comments and commented-out code, some non-ASCII comments, 2-space, 4-space and
tab indentation, some CRLF files, and Jupyter notebooks (nbformat 4 JSON, with magics, markdown and outputs).

Every file holds contrib checkpoint code in one of the real-world forms (`SCENARIOS`), and, in fixed shares of
every block of 100 files (`SHARES_PER_100`, checked by tests/test_bench_corpus.py):

* `notebook`: a `.ipynb` instead of a `.py`;
* `no_tf_import`: contrib is reached without `import tensorflow as tf` (the tool must add it);
* `global`, `del`, `star_import`: a `global` statement, a `del` statement, a `from tensorflow.contrib... import *`:
  what makes the tool's analysis fall back to LibCST's ScopeProvider.

Templates are written for this corpus, not copied from any project. The same `(n_files, seed)` always gives
byte-identical files, and file `i` does not depend on `n_files` (a run is a prefix of any longer run). Syntax stays
within what both CPython 3.10+ and `tf_upgrade_v2` (pasta, on the running Python's ast) accept: no walrus (pasta
crashes on it and the whole `tf_upgrade_v2` run stops), no `match`, no f-strings, and `from __future__` only where
a module begins.
"""

from __future__ import annotations

import ast
import json
import random
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SEED = 20190611
DEFAULT_FILES = 1000  # ~12 MB: the benchmark's default size
FILES_PER_PROJECT = 40
BLOCK = 100

# Exact counts per block of 100 consecutive files (a shorter last block gets them pro rata).
SHARES_PER_100: dict[str, int] = {
    "notebook": 5,
    "no_tf_import": 10,
    "global": 6,
    "del": 5,
    "star_import": 3,
}
# Traits only .py files get (a notebook is a tutorial: `import tensorflow as tf` in its first cell).
_PY_ONLY = ("no_tf_import", "global", "del", "star_import")

# Scenario name -> text that proves the scenario's import form is in the file (the test checks them all occur).
SCENARIOS: dict[str, str] = {
    "import_tfe": "import tensorflow.contrib.eager as tfe",
    "tfe_assignment": "tfe = tf.contrib.eager",
    "tfe_from_python": "from tensorflow.contrib.eager.python import tfe",
    "contrib_checkpoint_module": "from tensorflow.contrib import checkpoint as contrib_checkpoint",
    "manager_attribute": "tf.contrib.checkpoint.CheckpointManager(",
    "from_checkpoint_import": "from tensorflow.contrib.checkpoint import CheckpointManager",
    "framework_attribute": "tf.contrib.framework.",
    "framework_from_import": "from tensorflow.contrib.framework import ",
    "checkpoint_module_alias": "import tensorflow.contrib.checkpoint as checkpoint",
    "slim": "slim.",
    "session_saver": "tf.train.Saver(",
}
# Scenarios whose rewrite produces `tf.…`, so a file without `import tensorflow as tf` makes the tool add it.
NO_TF_SCENARIOS = ("import_tfe", "tfe_from_python", "contrib_checkpoint_module", "framework_from_import",
                   "checkpoint_module_alias")

_STAR_IMPORTS = ("from tensorflow.contrib.layers import *", "from tensorflow.contrib.rnn import *")

# ----------------------------------------------------------------------------------------------------------------
# Name pools

_MODELS = ("ResNet", "Encoder", "Decoder", "Generator", "Discriminator", "PolicyNetwork", "ValueNetwork", "TextCNN",
           "UNet", "VAE", "Seq2Seq", "Transformer", "DenseNet", "CapsuleNet", "SiameseNet", "Classifier", "Tagger",
           "AttentionLSTM", "ConvNet", "WaveNet", "Critic", "Actor", "YoloHead", "PixelCNN")
_PROJECTS = ("image classification", "neural machine translation", "speech enhancement", "text classification",
             "reinforcement learning", "object detection", "semantic segmentation", "style transfer",
             "anomaly detection", "recommendation", "super resolution", "question answering", "GAN training",
             "time series forecasting", "pose estimation")
_DATASETS = ("mnist", "cifar10", "imagenet", "coco", "voc2012", "imdb", "squad", "librispeech", "celeba", "wmt16",
             "movielens", "kitti", "cityscapes", "ptb", "fashion_mnist", "omniglot")
_DIRS = ("FLAGS.model_dir", "FLAGS.train_dir", "FLAGS.checkpoint_dir", "args.model_dir", "args.ckpt_dir",
         "self.train_dir", "CHECKPOINT_DIR", "config.checkpoint_dir")
_TEAMS = ("Vision Lab", "Speech Group", "NLP Team", "Robotics Lab", "Applied ML", "Research", "Perception Team")

_NON_ASCII_COMMENTS = (
    "# 保存模型参数，方便之后恢复训练", "# 加载预训练的权重", "# 학습률을 조정합니다", "# 체크포인트에서 변수를 복원",
    "# チェックポイントを保存する", "# 学習ループ", "# Сохраняем контрольную точку", "# Übersprungene Variablen",
    "# 数据预处理", "# 모델 정의", "# 評価用のデータセット", "# paramètres du modèle",
)
_GENERIC_COMMENTS = (
    "# TODO: make this configurable", "# NOTE: keep in sync with the data pipeline", "# pylint: disable=invalid-name",
    "# print(loss)", "# sess.run(init_op)", "# XXX: this is slow on large batches", "# debug",
    "# saver = tf.train.Saver(max_to_keep=3)", "# model.summary()", "# time.sleep(1)", "# FIXME",
    "# import pdb; pdb.set_trace()", "# logging.info('step %d', step)", "# see the paper, section 3.2",
    "# tf.logging.set_verbosity(tf.logging.DEBUG)", "# np.random.seed(0)", "# ckpt.restore(path)",
)


def _t(template: str, **values: object) -> str:
    """`string.Template` keeps Python's braces literal: `$name` is the only placeholder syntax."""
    return string.Template(template).substitute({k: str(v) for k, v in values.items()})


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass
class _Ctx:
    """What one file's blocks need to agree on."""

    rng: random.Random
    index: int
    scenario: str
    traits: frozenset[str]
    tf: bool  # `import tensorflow as tf` is in the file
    eager: bool
    model: str
    trainer: str
    ckpt_dir: str
    flags_style: str  # argparse | tf_flags | absl | none (a library module: no flags, no main)
    imports: set[str] = field(default_factory=set)  # non-tensorflow import lines the blocks asked for
    tf_lines: list[str] = field(default_factory=list)  # the tensorflow import lines, drawn once
    contrib_density: float = 1.0  # scales how much other contrib use the big blocks carry

    @property
    def keras(self) -> bool:
        return "from tensorflow import keras" in self.tf_lines

    @property
    def tfe(self) -> bool:
        """`tfe` names contrib.eager here, so other `tfe.*` use (iterators, metrics, defun) is natural."""
        return self.scenario in ("import_tfe", "tfe_assignment", "tfe_from_python") or (
            not self.tf and self.scenario in ("contrib_checkpoint_module", "checkpoint_module_alias"))

    def chance(self, p: float) -> bool:
        """Other contrib use is drawn at this file's own density: some files use contrib everywhere."""
        return self.rng.random() < p * self.contrib_density

    @property
    def ctor(self) -> str:
        """The checkpoint class as this file's import form spells it."""
        return {
            "import_tfe": "tfe.Checkpoint", "tfe_assignment": "tfe.Checkpoint", "tfe_from_python": "tfe.Checkpoint",
            "checkpoint_module_alias": "checkpoint.Checkpoint",
        }.get(self.scenario, "tf.train.Checkpoint" if self.tf else "tfe.Checkpoint")

    @property
    def manager(self) -> str | None:
        return {
            "contrib_checkpoint_module": "contrib_checkpoint.CheckpointManager",
            "manager_attribute": "tf.contrib.checkpoint.CheckpointManager",
            "from_checkpoint_import": "CheckpointManager",
            "checkpoint_module_alias": "checkpoint.CheckpointManager",
        }.get(self.scenario)

    @property
    def latest(self) -> str:
        """How this file finds the newest checkpoint of a directory."""
        return "tf.train.latest_checkpoint" if self.tf else "find_latest_checkpoint"

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)


# ----------------------------------------------------------------------------------------------------------------
# Headers

_LICENSE = '''# Copyright $year The $team Authors. All Rights Reserved.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
# ==============================================================================
'''


def _module_docstring(ctx: _Ctx) -> str:
    rng = ctx.rng
    project = rng.choice(_PROJECTS)
    dataset = rng.choice(_DATASETS)
    lines = [
        '"""{} for {} on {}.'.format(rng.choice(("Training script", "Model definition and training loop",
                                                   "Utilities", "Evaluation and export", "Fine-tuning")),
                                     project, dataset),
        "",
    ]
    if rng.random() < 0.7:
        lines += [
            "This module builds the {} model, trains it with {} and keeps".format(ctx.model, rng.choice(
                ("Adam", "SGD with momentum", "RMSProp", "a cosine learning-rate schedule"))),
            "checkpoints in the model directory so that an interrupted run can resume where it",
            "stopped. Evaluation runs every few epochs on the held-out split.",
            "",
        ]
    if rng.random() < 0.6:
        script = "{}.py".format(rng.choice(("train", "main", "run_experiment", "finetune", "eval")))
        lines += [
            "Example usage:",
            "",
            "    python {} --model_dir=/tmp/{} --batch_size={} \\".format(script, _snake(ctx.model),
                                                                          rng.choice((16, 32, 64, 128))),
            "        --num_epochs={} --learning_rate={}".format(rng.choice((10, 50, 100)),
                                                                 rng.choice(("1e-3", "3e-4", "0.01"))),
            "",
        ]
    if rng.random() < 0.3:
        lines += ["Author: {}".format(rng.choice(("jdoe", "mli", "kpark", "a.smith", "tanaka", "wzhang"))),
                  "Date: 2018-{:02d}-{:02d}".format(rng.randint(1, 12), rng.randint(1, 28)), ""]
    lines.append('"""')
    return "\n".join(lines) + "\n"


def _header(ctx: _Ctx) -> str:
    rng = ctx.rng
    out = ""
    if rng.random() < 0.3:
        out += "#!/usr/bin/env python\n"
    if rng.random() < 0.15:
        out += "# -*- coding: utf-8 -*-\n"
    if rng.random() < 0.3:
        out += _t(_LICENSE, year=rng.choice((2017, 2018, 2019)), team=rng.choice(_TEAMS))
    return out + _module_docstring(ctx)


def _tensorflow_imports(ctx: _Ctx) -> list[str]:
    s, rng = ctx.scenario, ctx.rng
    lines = ["import tensorflow as tf"] if ctx.tf else []
    if s == "import_tfe":
        lines.append(SCENARIOS[s])
    elif s == "tfe_from_python":
        lines.append(SCENARIOS[s])
    elif s == "contrib_checkpoint_module":
        lines.append(SCENARIOS[s])
        if not ctx.tf:
            lines.append("import tensorflow.contrib.eager as tfe")
    elif s == "from_checkpoint_import":
        lines.append(SCENARIOS[s])
    elif s == "framework_from_import":
        lines.append("from tensorflow.contrib.framework import list_variables, load_variable")
    elif s == "checkpoint_module_alias":
        lines.append(SCENARIOS[s])
        if not ctx.tf:
            lines.append("import tensorflow.contrib.eager as tfe")
    elif s == "slim":
        form = rng.randrange(3)
        if form == 0:
            lines.append("import tensorflow.contrib.slim as slim")
        elif form == 1:
            lines.append("from tensorflow.contrib import slim")
        # form 2: `slim = tf.contrib.slim` after the imports
    if ctx.tf and ctx.eager and s in ("import_tfe", "from_checkpoint_import") and rng.random() < 0.3:
        lines.append("from tensorflow.contrib.eager.python import tfe as tfe_utils")
    if not ctx.tf and (s != "framework_from_import" or rng.random() < 0.3):
        lines.append("from tensorflow import keras")
    if "star_import" in ctx.traits:
        lines.append(rng.choice(_STAR_IMPORTS))
    return lines


_THIRD_PARTY = ("import numpy", "import matplotlib", "from absl", "import torch")


def _imports(ctx: _Ctx) -> str:
    rng = ctx.rng
    out = []
    if rng.random() < 0.45:
        out += ["from __future__ import absolute_import", "from __future__ import division",
                "from __future__ import print_function", ""]
    third = {i for i in ctx.imports if i.startswith(_THIRD_PARTY)}
    std = {"import os", "import time"} | (ctx.imports - third)
    extra = rng.sample(("import sys", "import json", "import math", "import random", "import collections",
                        "import shutil", "import glob", "import pickle", "import functools"), rng.randrange(1, 5))
    std |= set(extra)
    third.add("import numpy as np")
    tf_lines = ctx.tf_lines
    if rng.random() < 0.7:  # grouped and sorted, as linters want
        out += sorted(std) + [""] + sorted(third) + tf_lines
    else:  # the order people actually type them in
        mixed = sorted(std) + sorted(third)
        rng.shuffle(mixed)
        position = rng.randrange(len(mixed) + 1)
        out += mixed[:position] + tf_lines + mixed[position:]
    text = "\n".join(out) + "\n"
    if ctx.scenario == "tfe_assignment":
        text += "\ntf.enable_eager_execution()\ntfe = tf.contrib.eager\n"
    elif ctx.scenario == "slim" and not any(line.endswith(" slim") for line in tf_lines):
        text += "\nslim = tf.contrib.slim\n"
    elif ctx.tf and ctx.eager and ctx.rng.random() < 0.6:
        text += "\ntf.enable_eager_execution()\n"
    return text


# ----------------------------------------------------------------------------------------------------------------
# Flags and constants

_ARGUMENTS = (
    ("model_dir", "str", "'/tmp/model'", "Directory where checkpoints and summaries are written."),
    ("data_dir", "str", "'./data'", "Directory holding the input records."),
    ("batch_size", "int", "64", "Number of examples per batch."),
    ("num_epochs", "int", "100", "How many passes over the training data."),
    ("learning_rate", "float", "1e-3", "Initial learning rate."),
    ("weight_decay", "float", "5e-4", "L2 regularisation strength."),
    ("dropout", "float", "0.5", "Dropout rate applied to the dense layers."),
    ("log_every", "int", "100", "Log the training loss every N steps."),
    ("save_every", "int", "1000", "Write a checkpoint every N steps."),
    ("eval_every", "int", "1", "Evaluate every N epochs."),
    ("max_to_keep", "int", "5", "How many checkpoints to keep."),
    ("seed", "int", "42", "Random seed."),
    ("num_classes", "int", "10", "Number of output classes."),
    ("image_size", "int", "224", "Input image side length."),
    ("hidden_size", "int", "512", "Width of the hidden layers."),
    ("num_layers", "int", "2", "Number of recurrent layers."),
    ("vocab_size", "int", "30000", "Vocabulary size."),
    ("max_length", "int", "128", "Maximum sequence length."),
    ("optimizer", "str", "'adam'", "One of adam, sgd, rmsprop."),
    ("momentum", "float", "0.9", "Momentum for SGD."),
    ("gpu", "str", "'0'", "Value for CUDA_VISIBLE_DEVICES."),
    ("pretrained", "str", "None", "Checkpoint to warm-start from."),
    ("export_dir", "str", "'./export'", "Where the exported model goes."),
    ("num_workers", "int", "4", "Parallel calls in the input pipeline."),
    ("warmup_steps", "int", "4000", "Linear warm-up steps."),
    ("clip_norm", "float", "5.0", "Gradient clipping norm."),
    ("log_dir", "str", "'./logs'", "TensorBoard directory."),
)
_BOOL_ARGUMENTS = (("resume", "Resume from the latest checkpoint."), ("debug", "Print shapes and stop early."),
                   ("use_fp16", "Train in half precision."), ("eval_only", "Only evaluate the latest checkpoint."))


def _flags(ctx: _Ctx) -> str:
    rng = ctx.rng
    if ctx.flags_style == "none":
        return ""
    chosen = rng.sample(_ARGUMENTS, rng.randint(8, 22))
    names = {"model_dir", "batch_size", "learning_rate", "num_epochs"}
    chosen = [a for a in _ARGUMENTS if a[0] in names] + [a for a in chosen if a[0] not in names]
    booleans = rng.sample(_BOOL_ARGUMENTS, rng.randint(1, 3))
    if ctx.flags_style == "argparse":
        ctx.imports.add("import argparse")
        lines = ["", "", "def parse_args(argv=None):",
                 "    parser = argparse.ArgumentParser(description={!r})".format(
                     "Train and checkpoint the {} model.".format(ctx.model))]
        for name, kind, default, help_text in chosen:
            lines.append("    parser.add_argument('--{}', type={}, default={},".format(name, kind, default))
            lines.append("                        help={!r})".format(help_text))
        for name, help_text in booleans:
            lines.append("    parser.add_argument('--{}', action='store_true', help={!r})".format(name, help_text))
        lines.append("    return parser.parse_args(argv)")
        return "\n".join(lines) + "\n"
    if ctx.flags_style == "absl":
        ctx.imports.add("from absl import app")
        ctx.imports.add("from absl import flags")
        lines = ["", "FLAGS = flags.FLAGS", ""]
    else:
        lines = ["", "flags = tf.app.flags", "FLAGS = flags.FLAGS", ""]
    for name, kind, default, help_text in chosen:
        definer = {"str": "DEFINE_string", "int": "DEFINE_integer", "float": "DEFINE_float"}[kind]
        lines.append("flags.{}('{}', {}, {!r})".format(definer, name, default, help_text))
    for name, help_text in booleans:
        lines.append("flags.DEFINE_boolean('{}', False, {!r})".format(name, help_text))
    return "\n".join(lines) + "\n"


def _constants(ctx: _Ctx) -> str:
    rng = ctx.rng
    out = ["", ""]
    if rng.random() < 0.6:
        out.append("CHECKPOINT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'checkpoints')")
    if rng.random() < 0.6:
        out.append("_DEFAULT_HPARAMS = {")
        for key, value in rng.sample((("learning_rate", "1e-3"), ("batch_size", "32"), ("hidden_units", "[256, 128]"),
                                      ("dropout", "0.3"), ("l2", "1e-5"), ("decay_steps", "10000"),
                                      ("decay_rate", "0.96"), ("embedding_dim", "300"), ("num_heads", "8"),
                                      ("filter_sizes", "(3, 4, 5)"), ("activation", "'relu'")), rng.randint(4, 9)):
            out.append("    '{}': {},".format(key, value))
        out.append("}")
    if rng.random() < 0.4:
        labels = rng.sample(("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
                             "person", "bicycle", "car", "bus", "train"), 10)
        out.append("CLASS_NAMES = [")
        out.append("    " + ", ".join(repr(x) for x in labels[:5]) + ",")
        out.append("    " + ", ".join(repr(x) for x in labels[5:]) + ",")
        out.append("]")
    if rng.random() < 0.3:
        out.append("_MEAN_RGB = [0.485 * 255, 0.456 * 255, 0.406 * 255]")
        out.append("_STDDEV_RGB = [0.229 * 255, 0.224 * 255, 0.225 * 255]")
    if "global" in ctx.traits:
        out.append("_global_step_counter = 0")
        out.append("best_val_loss = float('inf')")
    return "\n".join(out) + "\n" if len(out) > 2 else ""


# ----------------------------------------------------------------------------------------------------------------
# Filler blocks: code real checkpoint modules carry around the checkpoint code. Each needs tf or not.

_AVERAGE_METER = '''

class $name(object):
    """Computes and stores the average and current value of a metric."""

    def __init__(self, name, fmt=':f'):
        self.name = name
        self.fmt = fmt
        self.reset()

    def reset(self):
        self.val = 0
        self.avg = 0
        self.sum = 0
        self.count = 0

    def update(self, val, n=1):
        self.val = val
        self.sum += val * n
        self.count += n
        self.avg = self.sum / max(self.count, 1)

    def __str__(self):
        fmtstr = '{name} {val' + self.fmt + '} ({avg' + self.fmt + '})'
        return fmtstr.format(**self.__dict__)
'''

_TIMER = '''

class Timer(object):
    """Context manager that measures wall time of a block."""

    def __init__(self, message=None, verbose=True):
        self.message = message
        self.verbose = verbose
        self.start = None
        self.elapsed = 0.0

    def __enter__(self):
        self.start = time.time()
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.elapsed = time.time() - self.start
        if self.verbose and self.message:
            print('%s took %.3f seconds' % (self.message, self.elapsed))
        return False
'''

_LOGGER = '''

def setup_logger(log_dir, name='$name', level=logging.INFO):
    """Logs to stdout and to a file in log_dir."""
    if not os.path.exists(log_dir):
        os.makedirs(log_dir)
    logger = logging.getLogger(name)
    logger.setLevel(level)
    formatter = logging.Formatter('%(asctime)s %(levelname)s %(name)s: %(message)s')
    file_handler = logging.FileHandler(os.path.join(log_dir, '$name.log'))
    file_handler.setFormatter(formatter)
    logger.addHandler(file_handler)
    stream_handler = logging.StreamHandler()
    stream_handler.setFormatter(formatter)
    logger.addHandler(stream_handler)
    return logger
'''

_JSON_IO = '''

def save_config(config, path):
    """Writes the run configuration next to the checkpoints, for reproducibility."""
    directory = os.path.dirname(path)
    if directory and not os.path.isdir(directory):
        os.makedirs(directory)
    with open(path, 'w') as f:
        json.dump(config, f, indent=2, sort_keys=True)


def load_config(path, defaults=None):
    config = dict(defaults or {})
    if os.path.exists(path):
        with open(path) as f:
            config.update(json.load(f))
    else:
        print('No config found at {}, using defaults'.format(path))
    return config
'''

_LR_SCHEDULE = '''

def $name(step, base_lr=$lr, warmup_steps=$warmup, total_steps=$total):
    """Linear warm-up followed by cosine decay, in plain Python so it can be logged."""
    if step < warmup_steps:
        return base_lr * float(step + 1) / float(warmup_steps)
    progress = float(step - warmup_steps) / float(max(1, total_steps - warmup_steps))
    progress = min(progress, 1.0)
    return 0.5 * base_lr * (1.0 + math.cos(math.pi * progress))
'''

_PLOT = '''

def plot_history(history, out_path, title='$title'):
    """Saves loss and accuracy curves of a run as a PNG."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    epochs = range(1, len(history['loss']) + 1)
    axes[0].plot(epochs, history['loss'], label='train')
    if 'val_loss' in history:
        axes[0].plot(epochs, history['val_loss'], label='validation')
    axes[0].set_xlabel('epoch')
    axes[0].set_ylabel('loss')
    axes[0].legend()
    if 'accuracy' in history:
        axes[1].plot(epochs, history['accuracy'], label='train')
        axes[1].plot(epochs, history.get('val_accuracy', []), label='validation')
        axes[1].set_xlabel('epoch')
        axes[1].set_ylabel('accuracy')
        axes[1].legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out_path)
    plt.close(fig)
'''

_NUMPY_DATA = '''

def load_$dataset(data_dir, validation_fraction=$fraction, seed=$seed):
    """Loads the arrays saved by the preprocessing script and splits off a validation set."""
    images = np.load(os.path.join(data_dir, '${dataset}_images.npy'))
    labels = np.load(os.path.join(data_dir, '${dataset}_labels.npy'))
    assert images.shape[0] == labels.shape[0], 'images and labels differ in length'
    rng = np.random.RandomState(seed)
    order = rng.permutation(images.shape[0])
    images, labels = images[order], labels[order]
    split = int(images.shape[0] * (1.0 - validation_fraction))
    train = (images[:split].astype(np.float32) / 255.0, labels[:split])
    valid = (images[split:].astype(np.float32) / 255.0, labels[split:])
    print('train: %d examples, validation: %d examples' % (len(train[0]), len(valid[0])))
    return train, valid


def batch_iterator(inputs, targets, batch_size, shuffle=True):
    indices = np.arange(len(inputs))
    if shuffle:
        np.random.shuffle(indices)
    for start in range(0, len(inputs) - batch_size + 1, batch_size):
        excerpt = indices[start:start + batch_size]
        yield inputs[excerpt], targets[excerpt]
'''

_TF_DATA = '''

def _parse_example(serialized, image_size=$size, is_training=True):
    features = {
        'image/encoded': tf.FixedLenFeature([], tf.string, default_value=''),
        'image/format': tf.FixedLenFeature([], tf.string, default_value='jpeg'),
        'image/class/label': tf.FixedLenFeature([], tf.int64, default_value=-1),
        'image/height': tf.FixedLenFeature([], tf.int64, default_value=0),
        'image/width': tf.FixedLenFeature([], tf.int64, default_value=0),
    }
    parsed = tf.parse_single_example(serialized, features)
    image = tf.image.decode_jpeg(parsed['image/encoded'], channels=3)
    image = tf.image.convert_image_dtype(image, dtype=tf.float32)
    if is_training:
        image = tf.image.random_flip_left_right(image)
        image = tf.image.random_brightness(image, max_delta=32. / 255.)
        image = tf.image.random_saturation(image, lower=0.5, upper=1.5)
    image = tf.image.resize_images(image, [image_size, image_size])
    label = tf.cast(parsed['image/class/label'], tf.int32)
    return image, label


def input_fn(file_pattern, batch_size=$batch, is_training=True, num_parallel_calls=4):
    """Builds the tf.data pipeline over the TFRecord shards matching file_pattern."""
    filenames = tf.gfile.Glob(file_pattern)
    if not filenames:
        raise ValueError('no files match %s' % file_pattern)
    dataset = tf.data.TFRecordDataset(filenames)
    if is_training:
        dataset = dataset.shuffle(buffer_size=$buffer)
        dataset = dataset.repeat()
    dataset = dataset.map(lambda x: _parse_example(x, is_training=is_training),
                          num_parallel_calls=num_parallel_calls)
    dataset = dataset.batch(batch_size)
    dataset = dataset.prefetch(1)
    return dataset
'''

_TF_DATA_CONTRIB = '''

def make_text_dataset(path, vocab_table, batch_size=$batch, max_length=$length):
    """Line-per-example text file to padded batches of token ids."""
    dataset = tf.data.TextLineDataset(path)
    dataset = dataset.apply(tf.contrib.data.shuffle_and_repeat(buffer_size=$buffer))
    dataset = dataset.map(lambda line: tf.string_split([line]).values)
    dataset = dataset.map(lambda tokens: tokens[:max_length])
    dataset = dataset.map(lambda tokens: (vocab_table.lookup(tokens), tf.size(tokens)))
    dataset = dataset.padded_batch(batch_size, padded_shapes=([None], []))
    return dataset.prefetch(tf.contrib.data.AUTOTUNE)
'''

_METRICS_TF = '''

def compute_accuracy(logits, labels):
    predictions = tf.argmax(logits, axis=1, output_type=tf.int32)
    correct = tf.equal(predictions, tf.cast(labels, tf.int32))
    return tf.reduce_mean(tf.cast(correct, tf.float32))


def compute_loss(logits, labels, weight_decay=$decay, variables=None):
    cross_entropy = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    if variables:
        l2 = tf.add_n([tf.nn.l2_loss(v) for v in variables if 'bias' not in v.name])
        return cross_entropy + weight_decay * l2
    return cross_entropy
'''

_METRICS_NP = '''

def confusion_matrix(predictions, labels, num_classes):
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    for predicted, actual in zip(predictions, labels):
        matrix[actual, predicted] += 1
    return matrix


def per_class_accuracy(matrix):
    totals = matrix.sum(axis=1)
    totals[totals == 0] = 1
    return np.diag(matrix) / totals.astype(np.float64)


def top_k_accuracy(scores, labels, k=$k):
    top = np.argsort(-scores, axis=1)[:, :k]
    hits = [label in row for row, label in zip(top, labels)]
    return float(np.mean(hits))
'''

_MISC = '''

def set_random_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    os.environ['PYTHONHASHSEED'] = str(seed)


def ensure_dir(path):
    if not os.path.isdir(path):
        os.makedirs(path)
    return path


def format_seconds(seconds):
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return '%dh%02dm%02ds' % (hours, minutes, seconds)
    return '%dm%02ds' % (minutes, seconds)


def find_latest_checkpoint(directory, prefix='ckpt'):
    """Newest `prefix-N.index` in directory, without asking TensorFlow."""
    if not os.path.isdir(directory):
        return None
    steps = []
    for name in os.listdir(directory):
        if name.startswith(prefix + '-') and name.endswith('.index'):
            try:
                steps.append(int(name[len(prefix) + 1:-len('.index')]))
            except ValueError:
                continue
    if not steps:
        return None
    return os.path.join(directory, '%s-%d' % (prefix, max(steps)))
'''

_VOCAB = '''

class Vocabulary(object):
    """Maps tokens to ids; ids 0 and 1 are padding and unknown."""

    PAD, UNK = '<pad>', '<unk>'

    def __init__(self, tokens=None, min_count=$min_count):
        self.token_to_id = {self.PAD: 0, self.UNK: 1}
        self.id_to_token = [self.PAD, self.UNK]
        if tokens is not None:
            counts = collections.Counter(tokens)
            for token, count in counts.most_common():
                if count < min_count:
                    break
                self.add(token)

    def add(self, token):
        if token not in self.token_to_id:
            self.token_to_id[token] = len(self.id_to_token)
            self.id_to_token.append(token)
        return self.token_to_id[token]

    def encode(self, sentence, max_length=None):
        ids = [self.token_to_id.get(token, 1) for token in sentence.split()]
        if max_length is not None:
            ids = ids[:max_length] + [0] * max(0, max_length - len(ids))
        return ids

    def decode(self, ids):
        return ' '.join(self.id_to_token[i] for i in ids if i > 1)

    def __len__(self):
        return len(self.id_to_token)

    def save(self, path):
        with open(path, 'w') as f:
            for token in self.id_to_token:
                f.write(token + '\\n')
'''

_KERAS_MODEL = '''

class $model(tf.keras.Model):
    """$doc"""

    def __init__(self, num_classes=$classes, filters=$filters, dropout_rate=$dropout, name='$snake'):
        super($model, self).__init__(name=name)
        self.conv1 = tf.keras.layers.Conv2D(filters, 3, padding='same', use_bias=False)
        self.bn1 = tf.keras.layers.BatchNormalization()
        self.conv2 = tf.keras.layers.Conv2D(filters * 2, 3, strides=2, padding='same', use_bias=False)
        self.bn2 = tf.keras.layers.BatchNormalization()
        self.conv3 = tf.keras.layers.Conv2D(filters * 4, 3, strides=2, padding='same', use_bias=False)
        self.bn3 = tf.keras.layers.BatchNormalization()
        self.pool = tf.keras.layers.GlobalAveragePooling2D()
        self.dropout = tf.keras.layers.Dropout(dropout_rate)
        self.dense1 = tf.keras.layers.Dense($hidden, activation=tf.nn.relu$regularizer)
        self.logits = tf.keras.layers.Dense(num_classes)

${defun}    def call(self, inputs, training=False):
        x = self.conv1(inputs)
        x = self.bn1(x, training=training)
        x = tf.nn.relu(x)
        x = self.conv2(x)
        x = self.bn2(x, training=training)
        x = tf.nn.relu(x)
        x = self.conv3(x)
        x = self.bn3(x, training=training)
        x = tf.nn.relu(x)
        x = self.pool(x)
        x = self.dropout(x, training=training)
        x = self.dense1(x)
        return self.logits(x)
'''

_KERAS_MODEL_NO_TF = '''

class $model(keras.Model):
    """$doc"""

    def __init__(self, num_classes=$classes, hidden=$hidden, dropout_rate=$dropout):
        super($model, self).__init__()
        self.flatten = keras.layers.Flatten()
        self.hidden1 = keras.layers.Dense(hidden, activation='relu')
        self.hidden2 = keras.layers.Dense(hidden // 2, activation='relu')
        self.dropout = keras.layers.Dropout(dropout_rate)
        self.out = keras.layers.Dense(num_classes)

${defun}    def call(self, inputs, training=False):
        x = self.flatten(inputs)
        x = self.hidden1(x)
        x = self.dropout(x, training=training)
        x = self.hidden2(x)
        return self.out(x)
'''

_GRAPH_MODEL = '''

class $model(object):
    """$doc

    Builds the whole graph in __init__; feed `inputs` and `labels`, run `train_op`.
    """

    def __init__(self, hparams, is_training=True):
        self.hparams = hparams
        self.is_training = is_training
        self._build_placeholders()
        with tf.variable_scope('$snake'):
            self.logits = self._build_network(self.inputs)
        self.loss = self._build_loss(self.logits, self.labels)
        self.global_step = $global_step()
        if is_training:
            self.train_op = self._build_optimizer(self.loss)
        self.summary_op = tf.summary.merge_all()

    def _build_placeholders(self):
        self.inputs = tf.placeholder(tf.float32, [None, $size, $size, 3], name='inputs')
        self.labels = tf.placeholder(tf.int64, [None], name='labels')
        self.keep_prob = tf.placeholder_with_default(1.0, shape=(), name='keep_prob')

    def _build_network(self, inputs):
        net = inputs
        for i, filters in enumerate([$f1, $f2, $f3]):
            with tf.variable_scope('block%d' % i):
                net = tf.layers.conv2d(net, filters, 3, padding='same',
                                       kernel_initializer=$initializer)
                net = tf.layers.batch_normalization(net, training=self.is_training)
                net = tf.nn.relu(net)
                net = tf.layers.max_pooling2d(net, 2, 2)
        net = $flatten(net)
        net = tf.layers.dense(net, $hidden, activation=tf.nn.relu)
        net = tf.nn.dropout(net, self.keep_prob)
        return tf.layers.dense(net, self.hparams.num_classes, name='logits')

    def _build_loss(self, logits, labels):
        loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
        tf.summary.scalar('loss', loss)
        tf.summary.scalar('accuracy', accuracy)
        self.accuracy = accuracy
        return loss

    def _build_optimizer(self, loss):
        learning_rate = tf.train.exponential_decay(self.hparams.learning_rate, self.global_step,
                                                   decay_steps=$decay_steps, decay_rate=0.96, staircase=True)
        tf.summary.scalar('learning_rate', learning_rate)
        optimizer = tf.train.AdamOptimizer(learning_rate)
        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.control_dependencies(update_ops):
            gradients, variables = zip(*optimizer.compute_gradients(loss))
            gradients, _ = tf.clip_by_global_norm(gradients, $clip)
            return optimizer.apply_gradients(zip(gradients, variables), global_step=self.global_step)
'''

_RNN_MODEL = '''

def build_rnn_encoder(inputs, lengths, num_units=$units, num_layers=$layers, keep_prob=1.0):
    """Stacked LSTM over [batch, time, depth] inputs; returns outputs and the final state."""
    cells = []
    for i in range(num_layers):
        cell = tf.contrib.rnn.LSTMCell(num_units, initializer=tf.orthogonal_initializer())
        cell = tf.contrib.rnn.DropoutWrapper(cell, output_keep_prob=keep_prob)
        cells.append(cell)
    stacked = tf.contrib.rnn.MultiRNNCell(cells)
    outputs, state = tf.nn.dynamic_rnn(stacked, inputs, sequence_length=lengths, dtype=tf.float32)
    return outputs, state
'''

_SUMMARY_CONTRIB = '''

def make_summary_writer(log_dir, flush_millis=$flush):
    writer = tf.contrib.summary.create_file_writer(log_dir, flush_millis=flush_millis)
    writer.set_as_default()
    return writer


def write_scalars(step, every_n=$every, **scalars):
    with tf.contrib.summary.record_summaries_every_n_global_steps(every_n, global_step=step):
        for name, value in sorted(scalars.items()):
            tf.contrib.summary.scalar(name, value)
'''

_HPARAMS_CONTRIB = '''

def create_hparams(overrides=''):
    hparams = tf.contrib.training.HParams(
        learning_rate=$lr,
        batch_size=$batch,
        num_classes=$classes,
        hidden_size=$hidden,
        dropout=0.1,
        num_epochs=$epochs,
        optimizer='adam',
    )
    if overrides:
        hparams.parse(overrides)
    return hparams
'''

_LAYERS_CONTRIB = '''

def dense_block(inputs, units, scope, is_training=True):
    with tf.variable_scope(scope):
        net = tf.contrib.layers.fully_connected(inputs, units, activation_fn=None,
                                                weights_initializer=tf.contrib.layers.xavier_initializer(),
                                                weights_regularizer=tf.contrib.layers.l2_regularizer($l2))
        net = tf.contrib.layers.batch_norm(net, is_training=is_training, scale=True)
        return tf.nn.relu(net)
'''

_STAR_USE = '''

def projection_head(inputs, units=$units):
    # names from the contrib star import above
    net = fully_connected(inputs, units, weights_initializer=xavier_initializer())
    return fully_connected(net, units // 2, activation_fn=None)
'''

_GLOBAL_USE = '''

def next_step():
    """Counts steps across calls; the summaries use it as their x axis."""
    global _global_step_counter
    _global_step_counter += 1
    return _global_step_counter


def update_best(val_loss):
    global best_val_loss
    if val_loss < best_val_loss:
        best_val_loss = val_loss
        return True
    return False
'''

_FREE_MEMORY = '''

def free_memory(*objects):
    """Drops the caller's last references so that the next model fits on the GPU."""
    for obj in objects:
        del obj
    gc.collect()
'''

_MODEL_FN = '''

def model_fn(features, labels, mode, params):
    """Estimator model function: the same graph for training, evaluation and prediction."""
    is_training = mode == tf.estimator.ModeKeys.TRAIN
    net = tf.feature_column.input_layer(features, params['feature_columns'])
    for units in params.get('hidden_units', [$hidden, $hidden // 2]):
        net = tf.layers.dense(net, units, activation=tf.nn.relu,
                              kernel_regularizer=tf.keras.regularizers.l2(params.get('l2', 1e-4)))
        net = tf.layers.dropout(net, rate=params.get('dropout', 0.1), training=is_training)
    logits = tf.layers.dense(net, params['n_classes'], activation=None)
    predicted_classes = tf.argmax(logits, 1)
    if mode == tf.estimator.ModeKeys.PREDICT:
        predictions = {
            'class_ids': predicted_classes[:, tf.newaxis],
            'probabilities': tf.nn.softmax(logits),
            'logits': logits,
        }
        return tf.estimator.EstimatorSpec(mode, predictions=predictions)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    loss += tf.losses.get_regularization_loss()
    accuracy = tf.metrics.accuracy(labels=labels, predictions=predicted_classes, name='acc_op')
    mean_per_class = tf.metrics.mean_per_class_accuracy(labels, predicted_classes, params['n_classes'])
    metrics = {'accuracy': accuracy, 'mean_per_class_accuracy': mean_per_class}
    tf.summary.scalar('accuracy', accuracy[1])
    if mode == tf.estimator.ModeKeys.EVAL:
        return tf.estimator.EstimatorSpec(mode, loss=loss, eval_metric_ops=metrics)
    global_step = tf.train.get_global_step()
    learning_rate = tf.train.exponential_decay(params.get('learning_rate', $lr), global_step,
                                               decay_steps=$decay_steps, decay_rate=0.96, staircase=True)
    optimizer = tf.train.AdagradOptimizer(learning_rate=learning_rate)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = optimizer.minimize(loss, global_step=global_step)
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)


def build_estimator(model_dir, params, save_checkpoints_steps=$every):
    config = tf.estimator.RunConfig(model_dir=model_dir, save_checkpoints_steps=save_checkpoints_steps,
                                    keep_checkpoint_max=5, log_step_count_steps=100)
    return tf.estimator.Estimator(model_fn=model_fn, params=params, config=config)
'''

_OPTIMIZER = '''

def build_train_op(loss, global_step, optimizer_name='$optimizer', base_learning_rate=$lr, clip_norm=$clip,
                   boundaries=($b1, $b2), values=(1.0, 0.1, 0.01)):
    """Learning-rate schedule, optimizer, gradient clipping and moving averages in one place."""
    boundaries = [tf.cast(b, tf.int64) for b in boundaries]
    values = [base_learning_rate * v for v in values]
    learning_rate = tf.train.piecewise_constant(global_step, boundaries, values)
    tf.summary.scalar('learning_rate', learning_rate)
    if optimizer_name == 'momentum':
        optimizer = tf.train.MomentumOptimizer(learning_rate, momentum=0.9, use_nesterov=True)
    elif optimizer_name == 'rmsprop':
        optimizer = tf.train.RMSPropOptimizer(learning_rate, decay=0.9, epsilon=1.0)
    elif optimizer_name == 'sgd':
        optimizer = tf.train.GradientDescentOptimizer(learning_rate)
    else:
        optimizer = tf.train.AdamOptimizer(learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8)
    regularization = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    if regularization:
        loss = loss + tf.add_n(regularization)
    variables = tf.trainable_variables()
    gradients = tf.gradients(loss, variables)
    gradients, global_norm = tf.clip_by_global_norm(gradients, clip_norm)
    tf.summary.scalar('global_norm', global_norm)
    for gradient, variable in zip(gradients, variables):
        if gradient is not None:
            tf.summary.histogram(variable.op.name + '/gradients', gradient)
    apply_op = optimizer.apply_gradients(zip(gradients, variables), global_step=global_step)
    ema = tf.train.ExponentialMovingAverage(decay=0.999, num_updates=global_step)
    with tf.control_dependencies([apply_op]):
        train_op = ema.apply(variables)
    return train_op, learning_rate
'''

_GRAPH_SUMMARIES = '''

def add_activation_summaries(endpoints, images=None, max_outputs=$outputs):
    """Histograms and sparsity of every endpoint; a few input images."""
    for name, tensor in sorted(endpoints.items()):
        tf.summary.histogram('activations/' + name, tensor)
        tf.summary.scalar('sparsity/' + name, tf.nn.zero_fraction(tensor))
    if images is not None:
        tf.summary.image('inputs', tf.cast(images * 255.0, tf.uint8), max_outputs=max_outputs)
    for variable in tf.trainable_variables():
        tf.summary.histogram(variable.op.name, variable)
    return tf.summary.merge_all()


def count_trainable_parameters(scope=None):
    total = 0
    for variable in tf.trainable_variables(scope=scope):
        shape = variable.get_shape()
        count = 1
        for dim in shape:
            count *= dim.value
        total += count
    tf.logging.info('%d trainable parameters in %s', total, scope or 'the graph')
    return total
'''

_EVAL_GRAPH = '''

def evaluate_in_session(sess, iterator, logits, labels, max_batches=$batches):
    """Streaming accuracy over one pass of the iterator, with tf.metrics local variables."""
    predictions = tf.argmax(logits, axis=1)
    accuracy, accuracy_update = tf.metrics.accuracy(labels=labels, predictions=predictions, name='eval_accuracy')
    mean_loss, loss_update = tf.metrics.mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits), name='eval_loss')
    running = tf.get_collection(tf.GraphKeys.LOCAL_VARIABLES, scope='eval_')
    sess.run(tf.variables_initializer(running))
    sess.run(iterator.initializer)
    batches = 0
    while max_batches is None or batches < max_batches:
        try:
            sess.run([accuracy_update, loss_update])
        except tf.errors.OutOfRangeError:
            break
        batches += 1
    value, loss_value = sess.run([accuracy, mean_loss])
    tf.logging.info('evaluated %d batches: accuracy %.4f, loss %.4f', batches, value, loss_value)
    return value, loss_value
'''

_FILLERS_TF = (_TF_DATA, _METRICS_TF, _SUMMARY_CONTRIB, _HPARAMS_CONTRIB, _LAYERS_CONTRIB, _TF_DATA_CONTRIB,
               _MODEL_FN, _OPTIMIZER, _GRAPH_SUMMARIES, _EVAL_GRAPH)
_FILLERS_ANY = (_AVERAGE_METER, _TIMER, _LOGGER, _JSON_IO, _LR_SCHEDULE, _PLOT, _NUMPY_DATA, _METRICS_NP, _VOCAB)


def _fill(ctx: _Ctx, template: str) -> str:
    rng = ctx.rng
    if template is _LOGGER:
        ctx.imports.add("import logging")
    if template in (_JSON_IO,):
        ctx.imports.add("import json")
    if template is _LR_SCHEDULE:
        ctx.imports.add("import math")
    if template is _PLOT:
        ctx.imports.add("import matplotlib.pyplot as plt")
    if template is _VOCAB:
        ctx.imports.add("import collections")
    if template is _MISC:
        ctx.imports.add("import random")
    return _t(template,
              name=rng.choice(("AverageMeter", "RunningAverage", "MetricTracker")) if template is _AVERAGE_METER
              else rng.choice(("lr_schedule", "learning_rate_at", "cosine_lr")) if template is _LR_SCHEDULE
              else _snake(ctx.model),
              lr=rng.choice(("1e-3", "3e-4", "0.1", "0.01")), warmup=rng.choice((500, 1000, 4000)),
              total=rng.choice((10000, 100000, 500000)), title=ctx.model, dataset=rng.choice(_DATASETS),
              fraction=rng.choice(("0.1", "0.2")), seed=rng.randint(0, 9999), size=rng.choice((32, 64, 224, 299)),
              batch=rng.choice((16, 32, 64, 128)), buffer=rng.choice((1000, 10000, 50000)),
              length=rng.choice((50, 100, 200)), decay=rng.choice(("1e-4", "5e-4")), k=rng.choice((3, 5)),
              min_count=rng.choice((1, 2, 5)), flush=rng.choice((1000, 10000)), every=rng.choice((10, 100)),
              classes=rng.choice((2, 10, 100, 1000)), hidden=rng.choice((128, 256, 512, 1024)),
              epochs=rng.choice((10, 30, 90)), l2=rng.choice(("1e-4", "1e-5")), units=rng.choice((128, 256)),
              decay_steps=rng.choice((1000, 10000)), optimizer=rng.choice(("adam", "momentum", "rmsprop")),
              clip=rng.choice(("1.0", "5.0")), b1=rng.choice((10000, 30000)), b2=rng.choice((60000, 90000)),
              outputs=rng.choice((3, 6)), batches=rng.choice(("None", "100")))


def _model_block(ctx: _Ctx) -> str:
    rng = ctx.rng
    doc = "{} for {}.".format(rng.choice(("A small convolutional network", "The baseline model",
                                         "Residual-style classifier", "Feature extractor and head")),
                              rng.choice(_PROJECTS))
    values = dict(model=ctx.model, doc=doc, snake=_snake(ctx.model), classes=rng.choice((10, 100, 1000)),
                  filters=rng.choice((16, 32, 64)), dropout=rng.choice(("0.3", "0.5")),
                  hidden=rng.choice((128, 256, 512)), size=rng.choice((32, 64, 224)),
                  f1=rng.choice((16, 32)), f2=rng.choice((64, 96)), f3=rng.choice((128, 192)),
                  decay_steps=rng.choice((1000, 10000)), clip=rng.choice(("1.0", "5.0")),
                  initializer="tf.contrib.layers.xavier_initializer()" if ctx.chance(0.5) else rng.choice((
                      "tf.glorot_uniform_initializer()", "tf.variance_scaling_initializer()")),
                  global_step="tf.contrib.framework.get_or_create_global_step" if ctx.chance(0.3)
                  else "tf.train.get_or_create_global_step",
                  flatten="tf.contrib.layers.flatten" if ctx.chance(0.4) else "tf.layers.flatten",
                  regularizer=", kernel_regularizer=tf.contrib.layers.l2_regularizer(1e-4)" if ctx.chance(0.5) else "",
                  defun="    @tfe.defun\n" if ctx.tfe and ctx.chance(0.3) else "")
    if not ctx.tf:
        return _t(_KERAS_MODEL_NO_TF, **values)
    if ctx.eager:
        return _t(_KERAS_MODEL, **values)
    return _t(_GRAPH_MODEL, **values)


# ----------------------------------------------------------------------------------------------------------------
# Checkpoint blocks: where each scenario's contrib checkpoint code lives.

def _objects(ctx: _Ctx, owner: str = "self.") -> str:
    parts = ["model={}model".format(owner), "optimizer={}optimizer".format(owner)]
    if ctx.rng.random() < 0.6:
        parts.append(ctx.pick("optimizer_step", "step", "global_step") + "={}global_step".format(owner))
    return ", ".join(parts)


def _eager_trainer(ctx: _Ctx) -> str:
    """A trainer class with long methods: set-up, full restore, a train step, the training loop, evaluation."""
    rng = ctx.rng
    tf_ = ctx.tf
    manager = ctx.manager
    lines = ["", "", "class {}(object):".format(ctx.trainer),
             '    """Owns the model, the optimizer and the checkpoints of one training run."""', "",
             "    def __init__(self, model, train_dir, learning_rate={}, log_every={}, save_every={}):".format(
                 rng.choice(("1e-3", "3e-4", "0.01")), rng.choice((10, 50, 100)), rng.choice((500, 1000, 5000))),
             "        self.model = model",
             "        self.train_dir = train_dir",
             "        self.log_every = log_every",
             "        self.save_every = save_every"]
    if tf_:
        lines += ["        self.optimizer = {}".format(ctx.pick("tf.train.AdamOptimizer(learning_rate)",
                                                               "tf.train.MomentumOptimizer(learning_rate, 0.9)",
                                                               "tf.train.RMSPropOptimizer(learning_rate)")),
                  "        self.global_step = {}()".format(
                      "tf.contrib.framework.get_or_create_global_step" if ctx.chance(0.3)
                      else "tf.train.get_or_create_global_step")]
    else:
        lines += ["        self.optimizer = keras.optimizers.Adam(learning_rate)",
                  "        self.global_step = tfe.Variable(0, trainable=False, name='global_step')"]
    lines += ["        self.checkpoint_prefix = os.path.join(train_dir, 'ckpt')",
              "        self.checkpoint = {}({})".format(ctx.ctor, _objects(ctx))]
    if manager:
        lines.append("        self.manager = {}(self.checkpoint, directory=train_dir, max_to_keep={})".format(
            manager, rng.choice((3, 5, 10))))
    if ctx.scenario == "contrib_checkpoint_module" and rng.random() < 0.5:
        lines.append("        self.history = contrib_checkpoint.List()")
    writer = tf_ and ctx.chance(0.6)
    if writer:
        lines += ["        self.writer = tf.contrib.summary.create_file_writer(os.path.join(train_dir, 'train'))",
                  "        self.writer.set_as_default()"]
    else:
        lines.append("        self.writer = None")
    metrics = ctx.tfe and ctx.chance(0.5)
    if metrics:
        lines += ["        self.train_loss = tfe.metrics.Mean('train_loss')",
                  "        self.train_accuracy = tfe.metrics.Accuracy('train_accuracy')"]
    lines += ["        self.best_accuracy = 0.0", "",
              "    def restore(self):",
              '        """Resumes from the newest checkpoint of train_dir, if there is one."""']
    if manager:
        lines += ["        latest = self.manager.latest_checkpoint"]
    else:
        lines += ["        latest = {}(self.train_dir)".format(ctx.latest)]
    lines += ["        if not latest:",
              "            print('No checkpoint in %s, starting from scratch' % self.train_dir)",
              "            return False",
              "        status = self.checkpoint.restore(latest)"]
    if rng.random() < 0.35:
        lines.append("        status.assert_consumed()")
    lines += ["        print('Restored from {}'.format(latest))", "        return True", "",
              "    def train_step(self, images, labels):",
              "        with {}() as tape:".format("tf.GradientTape" if tf_ else "tfe.GradientTape"),
              "            logits = self.model(images, training=True)"]
    if tf_:
        lines += ["            loss = tf.reduce_mean(",
                  "                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))",
                  "            loss += tf.add_n(self.model.losses) if self.model.losses else 0.0"]
    else:
        lines += ["            loss = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)"]
    lines += ["        grads = tape.gradient(loss, self.model.trainable_variables)",
              "        self.optimizer.apply_gradients(zip(grads, self.model.trainable_variables){})".format(
                  ", global_step=self.global_step" if tf_ else ""),
              "        return loss, logits", "",
              "    def train(self, train_dataset, eval_dataset=None, num_epochs={}):".format(rng.choice((10, 20, 90))),
              "        self.restore()",
              "        history = {'loss': [], 'accuracy': []}",
              "        for epoch in range(num_epochs):",
              "            start = time.time()",
              "            epoch_loss, epoch_correct, seen = 0.0, 0, 0",
              "            for batch, (images, labels) in enumerate({}):".format(
                  "tfe.Iterator(train_dataset)" if ctx.tfe and ctx.chance(0.5) else "train_dataset"),
              "                loss, logits = self.train_step(images, labels)"]
    if metrics:
        lines += ["                self.train_loss(loss)",
                  "                self.train_accuracy(tf.argmax(logits, axis=1, output_type=tf.int64), labels)"
                  if tf_ else "                self.train_accuracy(np.argmax(logits.numpy(), axis=1), labels)"]
    lines += [
              "                predictions = np.argmax(logits.numpy(), axis=1)",
              "                epoch_correct += int(np.sum(predictions == labels.numpy()))",
              "                seen += int(labels.shape[0])",
              "                epoch_loss += float(loss)",
              "                step = int(self.global_step.numpy())" if tf_ else "                step = int(self.global_step)",
              "                if step % self.log_every == 0:",
              "                    print('epoch %d step %d loss %.4f (%.1f examples/sec)' % (",
              "                        epoch, step, float(loss), seen / max(time.time() - start, 1e-6)))"]
    if writer and rng.random() < 0.8:
        lines += ["                    if self.writer is not None:",
                  "                        with tf.contrib.summary.always_record_summaries():",
                  "                            tf.contrib.summary.scalar('loss', loss, step=self.global_step)"]
    save = ("self.manager.save()" if manager and rng.random() < 0.7
            else "self.checkpoint.save(file_prefix=self.checkpoint_prefix)")
    lines += ["                if step % self.save_every == 0:",
              "                    path = {}".format(save),
              "                    print('Saved checkpoint for step {}: {}'.format(step, path))",
              "            history['loss'].append(epoch_loss / max(batch + 1, 1))",
              "            history['accuracy'].append(epoch_correct / float(max(seen, 1)))",
              "            print('Epoch {} finished in {:.1f}s, loss {:.4f}, accuracy {:.4f}'.format(",
              "                epoch + 1, time.time() - start, history['loss'][-1], history['accuracy'][-1]))",
              "            if eval_dataset is not None:",
              "                accuracy = self.evaluate(eval_dataset)",
              "                if accuracy > self.best_accuracy:",
              "                    self.best_accuracy = accuracy",
              "                    self.checkpoint.save(file_prefix=os.path.join(self.train_dir, 'best', 'ckpt'))",
              "        {}".format(save),
              "        return history", "",
              "    def evaluate(self, dataset):",
              "        correct, total = 0, 0",
              "        for images, labels in dataset:",
              "            logits = self.model(images, training=False)",
              "            predictions = np.argmax(logits.numpy(), axis=1)",
              "            correct += int(np.sum(predictions == labels.numpy()))",
              "            total += int(labels.shape[0])",
              "        accuracy = correct / float(max(total, 1))",
              "        print('Evaluation accuracy: %.4f' % accuracy)"]
    if writer:
        lines += ["        with tf.contrib.summary.always_record_summaries():",
                  "            tf.contrib.summary.scalar('eval/accuracy', accuracy, step=self.global_step)"]
    lines.append("        return accuracy")
    methods = list(_TRAINER_METHODS)
    rng.shuffle(methods)
    for template in methods[:rng.randint(1, len(methods))]:
        lines.append(_trainer_method(ctx, template, writer))
    return "\n".join(lines) + "\n"


# Further methods a trainer grows; `$summary` is contrib summary code where the file writes summaries.
_TRAINER_METHODS = (
    '''
    def predict(self, dataset, max_batches=None):
        """Class probabilities for every example of dataset, as one numpy array."""
        outputs = []
        for i, (images, _) in enumerate(dataset):
            if max_batches is not None and i >= max_batches:
                break
            logits = self.model(images, training=False)
            probabilities = np.exp(logits.numpy())
            probabilities /= probabilities.sum(axis=1, keepdims=True)
            outputs.append(probabilities)
        if not outputs:
            return np.zeros((0,))
        return np.concatenate(outputs, axis=0)''',
    '''
    def log_weights(self, step):
        """Norms of every trainable variable, to spot layers that stopped learning."""
        norms = {}
        for variable in self.model.trainable_variables:
            value = variable.numpy()
            norms[variable.name] = float(np.sqrt(np.sum(value * value)))
$summary
        worst = sorted(norms.items(), key=lambda item: item[1])[:5]
        for name, norm in worst:
            print('step %d: %s has norm %.6f' % (step, name, norm))
        return norms''',
    '''
    def learning_rate_for_epoch(self, epoch, base_rate=$rate, drops=(30, 60, 80), factor=0.1):
        """Step schedule: the rate is multiplied by factor at each epoch in drops."""
        rate = base_rate
        for boundary in drops:
            if epoch >= boundary:
                rate *= factor
        return rate''',
    '''
    def save_best(self, metric_value, higher_is_better=True):
        """Keeps a copy of the checkpoint with the best validation metric so far."""
        improved = metric_value > self.best_accuracy if higher_is_better else metric_value < self.best_accuracy
        if not improved:
            return None
        self.best_accuracy = metric_value
        best_dir = os.path.join(self.train_dir, 'best')
        if not os.path.isdir(best_dir):
            os.makedirs(best_dir)
        path = self.checkpoint.save(file_prefix=os.path.join(best_dir, 'ckpt'))
        with open(os.path.join(best_dir, 'metric.txt'), 'w') as handle:
            handle.write('%f\\n' % metric_value)
        return path''',
    '''
    def describe(self):
        """One line per layer: name, output shape and parameter count."""
        total = 0
        lines = []
        for layer in self.model.layers:
            count = sum(int(np.prod(w.shape)) for w in layer.get_weights())
            total += count
            lines.append('%-30s %12d' % (layer.name, count))
        lines.append('%-30s %12d' % ('total', total))
        report = '\\n'.join(lines)
        print(report)
        return report''',
)


def _trainer_method(ctx: _Ctx, template: str, writer: bool) -> str:
    summary = ("        with tf.contrib.summary.always_record_summaries():\n"
               "            for name, norm in norms.items():\n"
               "                tf.contrib.summary.scalar('norm/' + name.replace(':', '_'), norm, step=step)"
               if writer else "        # summaries are written by the caller")
    return _t(template, summary=summary, rate=ctx.pick("0.1", "0.01", "1e-3"))


def _eager_helpers(ctx: _Ctx) -> str:
    """Checkpoint helpers of a library module (no trainer, no CLI): what a package's `checkpoints.py` holds."""
    rng = ctx.rng
    manager = ctx.manager
    lines = ["", "", "def make_checkpoint(model, optimizer, step=None):",
             '    """Everything a training run must get back after a restart."""',
             "    objects = {'model': model, 'optimizer': optimizer}",
             "    if step is not None:",
             "        objects['step'] = step",
             "    return {}(**objects)".format(ctx.ctor), "",
             "", "def save(checkpoint, directory, prefix='ckpt'):",
             "    if not os.path.isdir(directory):",
             "        os.makedirs(directory)"]
    if manager:
        lines += ["    manager = {}(checkpoint, directory=directory, max_to_keep={})".format(manager, rng.choice((3, 5))),
                  "    return manager.save()"]
    else:
        lines.append("    return checkpoint.save(file_prefix=os.path.join(directory, prefix))")
    lines += ["", "", "def restore_latest(checkpoint, directory):",
              '    """Full restore: the same objects that were saved."""',
              "    path = {}(directory)".format(ctx.latest),
              "    if path is None:",
              "        return None",
              "    status = checkpoint.restore(path)"]
    if rng.random() < 0.4:
        lines.append("    status.assert_consumed()")
    lines += ["    return path", "", "",
              "def restore_weights(model, directory):",
              '    """Only the model: the optimizer slots saved with it are not needed to predict."""',
              "    path = {}(directory)".format(ctx.latest),
              "    {}(model=model).restore(path)".format(ctx.ctor),
              "    return model"]
    return "\n".join(lines) + "\n"


def _partial_restore(ctx: _Ctx) -> str:
    """Loading only the model of a checkpoint that also saved the optimizer: a partial restore."""
    rng = ctx.rng
    latest = "{}(checkpoint_dir)".format(ctx.latest)
    lines = ["", "", "def load_for_inference(checkpoint_dir, **model_kwargs):",
             '    """Only the model is needed to predict; the optimizer slots stay in the file."""',
             "    model = {}(**model_kwargs)".format(ctx.model)]
    kind = rng.randrange(4)
    if kind == 0:
        lines.append("    {}(model=model).restore({})".format(ctx.ctor, latest))
    elif kind == 1:
        lines += ["    checkpoint = {}(model=model)".format(ctx.ctor),
                  "    status = checkpoint.restore({})".format(latest),
                  "    status.assert_existing_objects_matched()"]
    elif kind == 2:
        lines += ["    path = {}".format(latest),
                  "    if path is None:",
                  "        raise IOError('no checkpoint found in %s' % checkpoint_dir)",
                  "    {}(model=model).restore(path)".format(ctx.ctor)]
    else:
        lines += ["    ckpt = {}(model=model)".format(ctx.ctor),
                  "    ckpt.restore({})".format(latest)]
    lines.append("    return model")
    return "\n".join(lines) + "\n"


def _graph_checkpoint(ctx: _Ctx) -> str:
    """Session-style training: tf.train.Saver in a session, plus the file's contrib checkpoint code."""
    rng = ctx.rng
    session = ctx.pick("tf.compat.v1.Session", "tf.Session", "tf.Session")
    lines = ["", "", "def train(hparams, train_dir, max_steps={}):".format(rng.choice((10000, 100000, 200000))),
             '    """Graph-mode training loop with periodic checkpoints and summaries."""',
             "    tf.reset_default_graph()",
             "    images, labels = input_fn(os.path.join(hparams.data_dir, 'train-*'), hparams.batch_size)"
             ".make_one_shot_iterator().get_next()" if rng.random() < 0.4 else
             "    images = tf.placeholder(tf.float32, [None, 224, 224, 3])\n    labels = tf.placeholder(tf.int64, [None])",
             "    model = {}(hparams, is_training=True)".format(ctx.model) if not ctx.eager else
             "    model = {}()".format(ctx.model),
             "    saver = tf.train.Saver(max_to_keep={}, keep_checkpoint_every_n_hours={})".format(
                 rng.choice((3, 5, 10)), rng.choice((1, 2, 6))),
             "    summary_writer = tf.summary.FileWriter(train_dir)",
             "    config = tf.ConfigProto(allow_soft_placement=True)",
             "    config.gpu_options.allow_growth = True"]
    s = ctx.scenario
    if s in ("session_saver", "framework_attribute", "slim") or ctx.manager is None:
        ctor = {"session_saver": "tf.contrib.eager.Checkpoint",
                "framework_attribute": "tf.train.Checkpoint"}.get(s, ctx.ctor)
        if s == "slim":
            ctor = ctx.pick("tf.contrib.eager.Checkpoint", "tf.train.Checkpoint")
        obj_line = "    checkpoint = {}(model=model{})".format(
            ctor,
            ", global_step=tf.train.get_or_create_global_step()" if rng.random() < 0.5 else "")
    else:
        obj_line = "    checkpoint = tf.train.Checkpoint(model=model)\n    manager = {}(checkpoint, train_dir, max_to_keep=3)".format(
            ctx.manager)
    lines.append(obj_line)
    lines += ["    with {}(config=config) as sess:".format(session),
              "        sess.run(tf.global_variables_initializer())",
              "        ckpt = tf.train.get_checkpoint_state(train_dir)",
              "        if ckpt and ckpt.model_checkpoint_path:",
              "            saver.restore(sess, ckpt.model_checkpoint_path)",
              "            print('Restored model from %s' % ckpt.model_checkpoint_path)"]
    if s == "framework_attribute":
        lines += ["        elif hparams.pretrained:",
                  "            names = set(name for name, _ in tf.contrib.framework.list_variables(hparams.pretrained))",
                  "            assignment = {}",
                  "            for variable in tf.global_variables():",
                  "                if variable.op.name in names:",
                  "                    value = tf.contrib.framework.load_variable(hparams.pretrained, variable.op.name)",
                  "                    assignment[variable] = value",
                  "            for variable, value in assignment.items():",
                  "                variable.load(value, sess)",
                  "            print('warm-started %d variables' % len(assignment))"]
    else:
        lines += ["        else:",
                  "            status = checkpoint.restore({}(train_dir + '_eager'))".format("tf.train.latest_checkpoint"),
                  "            status.initialize_or_restore(sess)"]
    lines += ["        step = sess.run({}())".format("tf.contrib.framework.get_or_create_global_step" if ctx.chance(0.3)
                                             else "tf.train.get_or_create_global_step"),
              "        start = time.time()",
              "        while step < max_steps:",
              "            _, loss, summary, step = sess.run([model.train_op, model.loss, model.summary_op,",
              "                                               model.global_step])",
              "            if step % 100 == 0:",
              "                summary_writer.add_summary(summary, step)",
              "                elapsed = time.time() - start",
              "                print('step %d, loss = %.4f (%.3f sec/step)' % (step, loss, elapsed / 100))",
              "                start = time.time()",
              "            if step % 1000 == 0 or step == max_steps:",
              "                saver.save(sess, os.path.join(train_dir, 'model.ckpt'), global_step=step)"]
    if s not in ("framework_attribute",):
        lines.append("                checkpoint.save(os.path.join(train_dir + '_eager', 'ckpt'), session=sess)")
    lines += ["        summary_writer.close()"]
    return "\n".join(lines) + "\n"


def _framework_tools(ctx: _Ctx) -> str:
    """Checkpoint inspection and surgery through contrib.framework: list, load, average, rename, convert."""
    rng = ctx.rng
    attr = ctx.scenario != "framework_from_import"
    lv = "tf.contrib.framework.list_variables" if attr else "list_variables"
    ld = "tf.contrib.framework.load_variable" if attr else "load_variable"
    lines = ["", "", "def print_checkpoint(checkpoint_path, include=None):",
             '    """Names, shapes and (optionally) values of the variables in a checkpoint."""',
             "    for name, shape in {}(checkpoint_path):".format(lv),
             "        if include and include not in name:",
             "            continue",
             "        print('%-60s %s' % (name, shape))",
             "        if include:",
             "            print({}(checkpoint_path, name))".format(ld)]
    if ctx.tf:
        session = ctx.pick("tf.compat.v1.Session", "tf.Session")
        lines += ["", "", "def rename_variables(checkpoint_dir, replace_from, replace_to, add_prefix=None, dry_run=False):",
                  "    checkpoint = tf.train.get_checkpoint_state(checkpoint_dir)",
                  "    with {}() as sess:".format(session),
                  "        for var_name, _ in {}(checkpoint_dir):".format(lv),
                  "            var = {}(checkpoint_dir, var_name)".format(ld),
                  "            new_name = var_name",
                  "            if None not in [replace_from, replace_to]:",
                  "                new_name = new_name.replace(replace_from, replace_to)",
                  "            if add_prefix:",
                  "                new_name = add_prefix + new_name",
                  "            if dry_run:",
                  "                print('%s would be renamed to %s.' % (var_name, new_name))",
                  "            else:",
                  "                print('Renaming %s to %s.' % (var_name, new_name))",
                  "                var = tf.Variable(var, name=new_name)",
                  "        if not dry_run:",
                  "            saver = tf.train.Saver()",
                  "            sess.run(tf.global_variables_initializer())",
                  "            saver.save(sess, checkpoint.model_checkpoint_path)"]
        if attr:
            lines += ["", "", "def average_checkpoints(checkpoints, output_path, global_step_name='global_step'):",
                      "    var_list = tf.contrib.framework.list_variables(checkpoints[0])",
                      "    var_values, var_dtypes = {}, {}",
                      "    for (name, shape) in var_list:",
                      "        if name != global_step_name:",
                      "            var_values[name] = np.zeros(shape)",
                      "    for checkpoint in checkpoints:",
                      "        reader = tf.contrib.framework.load_checkpoint(checkpoint)",
                      "        for name in var_values:",
                      "            tensor = reader.get_tensor(name)",
                      "            var_dtypes[name] = tensor.dtype",
                      "            var_values[name] += tensor",
                      "    for name in var_values:",
                      "        var_values[name] /= len(checkpoints)",
                      "    with tf.Graph().as_default():",
                      "        tf_vars = [tf.get_variable(v, shape=var_values[v].shape, dtype=var_dtypes[v])",
                      "                   for v in var_values]",
                      "        placeholders = [tf.placeholder(v.dtype, shape=v.shape) for v in tf_vars]",
                      "        assign_ops = [tf.assign(v, p) for (v, p) in zip(tf_vars, placeholders)]",
                      "        saver = tf.train.Saver(tf.global_variables())",
                      "        with tf.Session() as sess:",
                      "            sess.run(tf.global_variables_initializer())",
                      "            for p, assign_op, (name, value) in zip(placeholders, assign_ops, var_values.items()):",
                      "                sess.run(assign_op, {p: value})",
                      "            saver.save(sess, output_path)"]
            if rng.random() < 0.5:
                lines += ["", "", "def wait_and_evaluate(checkpoint_dir, evaluate_fn, timeout={}):".format(
                              rng.choice((60, 600, 3600))),
                          "    for path in tf.contrib.training.checkpoints_iterator(checkpoint_dir, timeout=timeout):",
                          "        reader = tf.contrib.framework.load_checkpoint(path)",
                          "        step = reader.get_tensor('global_step')",
                          "        print('evaluating %s (step %d)' % (path, step))",
                          "        evaluate_fn(path)"]
            if rng.random() < 0.4:
                lines += ["", "", "def warm_start(checkpoint_path, scopes=('encoder/',)):",
                          "    assignment_map = {scope: scope for scope in scopes}",
                          "    tf.contrib.framework.init_from_checkpoint(checkpoint_path, assignment_map)"]
    else:
        ctx.imports.add("import torch" if rng.random() < 0.5 else "import pickle")
        save = ("torch.save({k: torch.from_numpy(v) for k, v in state.items()}, output_path)"
                if "import torch" in ctx.imports else "pickle.dump(state, open(output_path, 'wb'))")
        lines += ["", "", "def convert_checkpoint(tf_checkpoint_path, output_path, skip=('adam', 'global_step')):",
                  '    """Reads every variable of a TF checkpoint into numpy and saves it in another format."""',
                  "    init_vars = list_variables(tf_checkpoint_path)",
                  "    names, arrays = [], []",
                  "    for name, shape in init_vars:",
                  "        if any(s in name.lower() for s in skip):",
                  "            print('Skipping {}'.format(name))",
                  "            continue",
                  "        print('Loading TF weight {} with shape {}'.format(name, shape))",
                  "        array = load_variable(tf_checkpoint_path, name)",
                  "        names.append(name)",
                  "        arrays.append(array)",
                  "    state = {}",
                  "    for name, array in zip(names, arrays):",
                  "        key = name.replace('/', '.').replace('kernel', 'weight').replace('gamma', 'weight')",
                  "        if key.endswith('.weight') and array.ndim == 2:",
                  "            array = np.transpose(array)",
                  "        state[key] = array",
                  "    " + save,
                  "    print('Saved %d tensors to %s' % (len(state), output_path))",
                  "    return state"]
    return "\n".join(lines) + "\n"


def _slim_block(ctx: _Ctx) -> str:
    rng = ctx.rng
    return _t('''

def $net(images, num_classes=$classes, is_training=True, dropout_keep_prob=0.5, scope='$snake'):
    with tf.variable_scope(scope, '$snake', [images]):
        with slim.arg_scope([slim.conv2d, slim.fully_connected],
                            activation_fn=tf.nn.relu,
                            weights_initializer=tf.truncated_normal_initializer(0.0, 0.01),
                            weights_regularizer=slim.l2_regularizer(0.0005)):
            net = slim.repeat(images, 2, slim.conv2d, 64, [3, 3], scope='conv1')
            net = slim.max_pool2d(net, [2, 2], scope='pool1')
            net = slim.repeat(net, 2, slim.conv2d, 128, [3, 3], scope='conv2')
            net = slim.max_pool2d(net, [2, 2], scope='pool2')
            net = slim.repeat(net, 3, slim.conv2d, 256, [3, 3], scope='conv3')
            net = slim.max_pool2d(net, [2, 2], scope='pool3')
            net = slim.flatten(net)
            net = slim.fully_connected(net, $hidden, scope='fc6')
            net = slim.dropout(net, dropout_keep_prob, is_training=is_training, scope='dropout6')
            logits = slim.fully_connected(net, num_classes, activation_fn=None, scope='fc7')
    return logits


def _get_init_fn(checkpoint_path, train_dir, checkpoint_exclude_scopes=None):
    """Returns a function run by the supervisor to warm-start the training."""
    if checkpoint_path is None:
        return None
    if tf.train.latest_checkpoint(train_dir):
        tf.logging.info('Ignoring --checkpoint_path because a checkpoint already exists in %s' % train_dir)
        return None
    exclusions = []
    if checkpoint_exclude_scopes:
        exclusions = [scope.strip() for scope in checkpoint_exclude_scopes.split(',')]
    variables_to_restore = []
    for var in slim.get_model_variables():
        excluded = False
        for exclusion in exclusions:
            if var.op.name.startswith(exclusion):
                excluded = True
                break
        if not excluded:
            variables_to_restore.append(var)
    if tf.gfile.IsDirectory(checkpoint_path):
        checkpoint_path = tf.train.latest_checkpoint(checkpoint_path)
    tf.logging.info('Fine-tuning from %s' % checkpoint_path)
    return slim.assign_from_checkpoint_fn(checkpoint_path, variables_to_restore, ignore_missing_vars=True)


def restore_backbone(sess, checkpoint_path, exclude=('$snake/fc7',)):
    variables = $getter(exclude=list(exclude))
    saver = tf.train.Saver(variables)
    saver.restore(sess, checkpoint_path)
    return variables
''', net=_snake(ctx.model), snake=_snake(ctx.model), classes=rng.choice((10, 1000)), hidden=rng.choice((1024, 4096)),
        getter=ctx.pick("slim.get_variables_to_restore", "tf.contrib.framework.get_variables_to_restore"))


def _checkpoint_blocks(ctx: _Ctx) -> list[str]:
    """The blocks that carry the scenario's contrib checkpoint code (always in the file)."""
    s = ctx.scenario
    rng = ctx.rng
    if s in ("framework_attribute", "framework_from_import"):
        blocks = [_framework_tools(ctx)]
        if ctx.tf and s == "framework_attribute" and rng.random() < 0.6:
            blocks.append(_graph_checkpoint(ctx))
        return blocks
    if s == "slim":
        return [_slim_block(ctx), _graph_checkpoint(ctx)]
    if s == "session_saver" or not ctx.eager:
        return [_graph_checkpoint(ctx)] + ([_partial_restore(ctx)] if ctx.tf and rng.random() < 0.3 else [])
    if ctx.flags_style == "none":
        return [_eager_helpers(ctx)]
    blocks = [_eager_trainer(ctx)]
    if rng.random() < 0.75:
        blocks.append(_partial_restore(ctx))
    return blocks


def _main_block(ctx: _Ctx) -> str:
    rng = ctx.rng
    if ctx.flags_style == "none":
        return ""
    lines = ["", ""]
    if ctx.flags_style == "argparse":
        lines += ["def main(args):"]
        conf = "args"
    else:
        lines += ["def main(argv):"]
        conf = "FLAGS"
        if "del" in ctx.traits:
            lines.append("    del argv  # Unused.")
        else:
            lines.append("    if len(argv) > 1:")
            lines.append("        raise ValueError('Too many command-line arguments: %s' % argv[1:])")
    lines += ["    if not os.path.exists({}.model_dir):".format(conf),
              "        os.makedirs({}.model_dir)".format(conf)]
    s = ctx.scenario
    if s in ("framework_attribute", "framework_from_import"):
        if ctx.tf:
            lines.append("    print_checkpoint(tf.train.latest_checkpoint({}.model_dir))".format(conf))
        else:
            lines.append("    convert_checkpoint({0}.model_dir, os.path.join({0}.model_dir, 'converted.bin'))".format(conf))
    elif s in ("slim", "session_saver") or not ctx.eager:
        lines.append("    train({0}, {0}.model_dir)".format(conf))
    else:
        lines += ["    model = {}()".format(ctx.model),
                  "    trainer = {}(model, {}.model_dir, learning_rate={}.learning_rate)".format(ctx.trainer, conf, conf),
                  "    train_data, eval_data = load_datasets({0}.data_dir if hasattr({0}, 'data_dir') else '.', "
                  "{0}.batch_size)".format(conf),
                  "    history = trainer.train(train_data, eval_data, num_epochs={}.num_epochs)".format(conf),
                  "    print('best accuracy: %.4f' % trainer.best_accuracy)"]
        if "del" in ctx.traits and rng.random() < 0.5:
            lines.append("    del trainer, model")
        lines.append("    return history")
    if "del" in ctx.traits and not any(line.lstrip().startswith("del ") for line in lines):
        lines += ["    if os.environ.get('CUDA_VISIBLE_DEVICES') == '-1':",
                  "        del os.environ['CUDA_VISIBLE_DEVICES']  # let TensorFlow pick the devices"]
    if "global" in ctx.traits:
        lines.insert(3, "    global _global_step_counter")
        lines.insert(4, "    _global_step_counter = 0")
    lines += ["", "", "if __name__ == '__main__':"]
    if ctx.flags_style == "argparse":
        lines.append("    main(parse_args())")
    elif ctx.flags_style == "absl":
        lines.append("    app.run(main)")
    else:
        if rng.random() < 0.5:
            lines.append("    tf.logging.set_verbosity(tf.logging.INFO)")
        lines.append("    tf.app.run()" if rng.random() < 0.5 else "    tf.app.run(main=main)")
    return "\n".join(lines) + "\n"


def _datasets_helper(ctx: _Ctx) -> str:
    """`load_datasets`, which an eager main calls."""
    if ctx.tf:
        return _t('''

def load_datasets(data_dir, batch_size):
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.$ds.load_data()
    x_train = x_train.astype(np.float32) / 255.0
    x_test = x_test.astype(np.float32) / 255.0
    train = tf.data.Dataset.from_tensor_slices((x_train, y_train.astype(np.int64).reshape(-1)))
    train = train.shuffle($buffer).batch(batch_size)
    test = tf.data.Dataset.from_tensor_slices((x_test, y_test.astype(np.int64).reshape(-1))).batch(batch_size)
    return train, test
''', ds=ctx.pick("mnist", "cifar10", "fashion_mnist"), buffer=ctx.pick("10000", "60000"))
    return '''

def load_datasets(data_dir, batch_size):
    data = np.load(os.path.join(data_dir, 'dataset.npz'))
    train = list(batch_iterator(data['x_train'], data['y_train'], batch_size))
    test = list(batch_iterator(data['x_test'], data['y_test'], batch_size, shuffle=False))
    return train, test


def batch_iterator(inputs, targets, batch_size, shuffle=True):
    indices = np.arange(len(inputs))
    if shuffle:
        np.random.shuffle(indices)
    for start in range(0, len(inputs) - batch_size + 1, batch_size):
        excerpt = indices[start:start + batch_size]
        yield inputs[excerpt], targets[excerpt]
'''


def _long_function(ctx: _Ctx) -> str:
    """A long procedural function of the kind real scripts grow: preprocessing, reporting, export."""
    rng = ctx.rng
    name = ctx.pick("prepare_data", "export_predictions", "run_analysis", "build_report", "preprocess_split")
    lines = ["", "", "def {}(input_dir, output_dir, num_shards={}, verbose=False):".format(name, rng.choice((4, 8, 16))),
             '    """{}"""'.format(ctx.pick("Reads the raw files, cleans them and writes the shards.",
                                            "Runs the model over the inputs and writes one line per example.",
                                            "Collects statistics of the dataset for the README.")),
             "    if not os.path.isdir(output_dir):",
             "        os.makedirs(output_dir)",
             "    files = sorted(os.listdir(input_dir))",
             "    stats = {'files': 0, 'skipped': 0, 'examples': 0, 'bytes': 0}",
             "    shard_size = max(1, len(files) // num_shards)"]
    for i in range(rng.randint(3, 9)):
        var = "part_{}".format(i)
        lines += ["    # step {}: {}".format(i + 1, ctx.pick("filter broken files", "normalise the text",
                                                             "collect label counts", "compute lengths",
                                                             "write the index", "shuffle")),
                  "    {} = []".format(var),
                  "    for position, filename in enumerate(files):",
                  "        path = os.path.join(input_dir, filename)",
                  "        if not filename.endswith(('{}', '{}')):".format(ctx.pick(".txt", ".csv", ".json"),
                                                                          ctx.pick(".jpg", ".png", ".wav")),
                  "            stats['skipped'] += 1",
                  "            continue",
                  "        try:",
                  "            size = os.path.getsize(path)",
                  "        except OSError as error:",
                  "            print('cannot stat %s: %s' % (path, error))",
                  "            continue",
                  "        stats['bytes'] += size",
                  "        if size > {}:".format(rng.choice((1 << 20, 10 << 20, 100 << 20))),
                  "            {}.append((position // shard_size, filename, size))".format(var),
                  "        elif verbose:",
                  "            print('small file %s (%d bytes)' % (filename, size))",
                  "    stats['examples'] += len({})".format(var)]
    lines += ["    stats['files'] = len(files)",
              "    with open(os.path.join(output_dir, 'stats.txt'), 'w') as handle:",
              "        for key in sorted(stats):",
              "            handle.write('%s\\t%s\\n' % (key, stats[key]))",
              "    return stats"]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------------------------
# Post-processing: comments, indentation style, line endings

def _statement_rows(source: str) -> list[int]:
    """1-based rows where a statement starts (never inside a string or brackets): where a comment line may go."""
    rows: set[int] = set()
    pending = list(ast.parse(source).body)
    while pending:  # statements only live in these lists; walking every expression node would be 10x slower
        statement = pending.pop()
        rows.add(statement.lineno)
        for name in ("body", "orelse", "finalbody"):
            block = getattr(statement, name, None)
            if isinstance(block, list):
                pending.extend(block)
        for handler in getattr(statement, "handlers", ()):
            pending.extend(handler.body)
    return sorted(rows)


def _sprinkle_comments(ctx: _Ctx, source: str) -> str:
    rng = ctx.rng
    lines = source.split("\n")
    rows = _statement_rows(source)
    non_ascii = rng.random() < 0.12
    share = rng.choice((0.02, 0.05, 0.1))
    for row in sorted(rng.sample(rows, int(len(rows) * share)), reverse=True):
        line = lines[row - 1]
        indent = line[: len(line) - len(line.lstrip())]
        pool = _NON_ASCII_COMMENTS if non_ascii and rng.random() < 0.5 else _GENERIC_COMMENTS
        lines.insert(row - 1, indent + rng.choice(pool))
    return "\n".join(lines)


def _reindent(source: str, unit: str) -> str:
    if unit == "    ":
        return source
    out = []
    for line in source.split("\n"):
        stripped = line.lstrip(" ")
        levels, rest = divmod(len(line) - len(stripped), 4)
        out.append(unit * levels + " " * rest + stripped)
    return "\n".join(out)


# ----------------------------------------------------------------------------------------------------------------
# Files

MIN_BYTES, MAX_BYTES = 4 * 1024, 30 * 1024
# Room for what is added around the body (header, imports, comments), and for 2-space indentation shrinking a file.
_HEAD_ALLOWANCE = 1500


def _size_target(rng: random.Random, no_tf: bool = False) -> int:
    """Log-normal with a median of 10 KB, kept inside 4-30 KB: the spread of real modules with checkpoint code.

    A module that reaches contrib without `import tensorflow as tf` is a small checkpoint utility (a converter
    script, or a package's checkpoint helpers that only need `tfe`): a median of about 5 KB, at most 12 KB. At that
    size adding the import costs what the measurements in benchmarks/README.md found on real files (~100 ms).
    """
    if no_tf:
        return int(min(12 * 1024, max(MIN_BYTES + 800, rng.lognormvariate(8.5, 0.35))))
    return int(min(MAX_BYTES - 3000, max(MIN_BYTES + 1500, rng.lognormvariate(9.2, 0.5))))


def _new_ctx(rng: random.Random, index: int, scenario: str, traits: frozenset[str]) -> _Ctx:
    no_tf = "no_tf_import" in traits
    eager = scenario not in ("framework_attribute", "slim", "session_saver") and (no_tf or rng.random() < 0.8)
    model = rng.choice(_MODELS)
    ctx = _Ctx(rng=rng, index=index, scenario=scenario, traits=traits, tf=not no_tf, eager=eager, model=model,
               trainer=rng.choice(("Trainer", "{}Trainer".format(model), "Experiment", "Runner")),
               ckpt_dir=rng.choice(_DIRS),
               flags_style="none" if no_tf and scenario != "framework_from_import"
               else "argparse" if no_tf else rng.choice(("argparse", "argparse", "tf_flags", "absl")))
    ctx.tf_lines = _tensorflow_imports(ctx)
    ctx.contrib_density = rng.choice((0.4, 0.8, 1.2, 1.6))
    return ctx


def _python_body(ctx: _Ctx, target: int) -> str:
    """Everything after the imports, grown with filler blocks until the file reaches `target` bytes."""
    rng = ctx.rng
    flags = _flags(ctx)
    constants = _constants(ctx)
    core = _checkpoint_blocks(ctx)
    if ctx.eager and ctx.scenario not in ("framework_attribute", "framework_from_import"):
        core.insert(0, _model_block(ctx))
        core.append(_datasets_helper(ctx))
    elif ctx.tf and not ctx.eager:
        core.insert(0, _model_block(ctx))
        if "input_fn(" in "".join(core):
            core.insert(0, _fill(ctx, _TF_DATA))
    if not ctx.tf and "find_latest_checkpoint" in "".join(core):
        core.insert(0, _fill(ctx, _MISC))
    extras = []
    if "global" in ctx.traits:
        extras.append(_GLOBAL_USE)
    if "star_import" in ctx.traits and ctx.tf:
        extras.append(_t(_STAR_USE, units=rng.choice((128, 256))))
    main = _main_block(ctx)
    if "del" in ctx.traits and not main.count("    del "):
        ctx.imports.add("import gc")
        extras.append(_FREE_MEMORY)
    pool = list(_FILLERS_ANY) + (list(_FILLERS_TF) if ctx.tf else [])
    if not ctx.tf:
        pool = [p for p in pool if p is not _NUMPY_DATA or "batch_iterator" not in "".join(core)]
    # TensorFlow modules are mostly TensorFlow: its helpers are drawn first, plain-Python ones fill in after.
    pool.sort(key=lambda p: rng.random() * (0.45 if p in _FILLERS_TF else 1.0), reverse=True)
    fillers: list[str] = []
    if ctx.tf and rng.random() < 0.15:
        fillers.append(_t(_RNN_MODEL, units=rng.choice((128, 256, 512)), layers=rng.choice((1, 2, 3))))
    used = len(flags) + len(constants) + sum(map(len, core + extras + fillers)) + len(main) + _HEAD_ALLOWANCE
    while used < target:
        block = _fill(ctx, pool.pop()) if pool else _long_function(ctx)
        if used + len(block) > MAX_BYTES - _HEAD_ALLOWANCE:
            break
        fillers.append(block)
        used += len(block)
    # Most real modules keep the bulk of their code in one class: helpers become its methods.
    host = _host_class(ctx, core)
    if host is not None and rng.random() < 0.75:
        kept = []
        for block in fillers:
            methods = _as_methods(block)
            if methods is None:
                kept.append(block)
            else:
                core[host] += methods
        fillers = kept
    # Helpers first, then models and trainers, as modules usually read; a few fillers land after the core.
    cut = rng.randint(0, len(fillers))
    body = [constants, flags] if rng.random() < 0.7 else [flags, constants]
    body += fillers[:cut] + extras + core + fillers[cut:] + [main]
    return "".join(body)


def _host_class(ctx: _Ctx, core: list[str]) -> int | None:
    """The core block holding the file's main class (the trainer, else the model), if there is one."""
    for name in (ctx.trainer, ctx.model):
        for index, block in enumerate(core):
            if block.lstrip().startswith("class {}(".format(name)):
                return index
    return None


_DEF = re.compile(r"^def (\w+)\((.*)$")


def _as_methods(block: str) -> str | None:
    """Module-level functions as methods of the class the text is appended to; None if the block holds a class."""
    lines = block.strip("\n").split("\n")
    if any(line.startswith("class ") for line in lines):
        return None
    names = [m.group(1) for m in map(_DEF.match, lines) if m]
    if not names:
        return None
    call = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, names)) + r")\(")
    out = [""]
    for line in lines:
        match = _DEF.match(line)
        if match:
            rest = match.group(2)
            out.append("    def {}(self{}{}".format(match.group(1), "" if rest.startswith(")") else ", ", rest))
        elif line.strip():
            out.append("    " + call.sub(r"self.\1(", line))
        else:
            out.append("")
    return "\n".join(line for i, line in enumerate(out) if line or out[i - 1]) + "\n"


def render_python(rng: random.Random, index: int, scenario: str, traits: frozenset[str]) -> str:
    ctx = _new_ctx(rng, index, scenario, traits)
    body = _python_body(ctx, _size_target(rng, no_tf=not ctx.tf))
    source = _header(ctx) + "\n" + _imports(ctx) + body
    source = _sprinkle_comments(ctx, source)
    unit = rng.choices(("    ", "  ", "\t"), weights=(70, 27, 3))[0]
    return _reindent(source, unit)


# ----------------------------------------------------------------------------------------------------------------
# Notebooks

_NB_MAGICS_FIRST = ("!pip install -q tensorflow-gpu==1.{}.0".format, "!pip install tensorflow==1.{}".format)


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    while parts and parts[-1] == "":
        parts.pop()
    while parts and parts[0] == "":
        parts.pop(0)
    return [p + "\n" for p in parts[:-1]] + parts[-1:]


def render_notebook(rng: random.Random, index: int, scenario: str) -> str:
    """A tutorial-style notebook: markdown, magics, imports, model, training with checkpoints, restore, plots."""
    ctx = _new_ctx(rng, index, scenario, frozenset({"notebook"}))
    ctx.flags_style = "argparse"
    ctx.imports.add("import matplotlib.pyplot as plt")
    target = _size_target(rng)
    cells: list[dict] = []
    counter = [0]

    def markdown(text: str) -> None:
        cells.append({"cell_type": "markdown", "metadata": {}, "source": _lines(text)})

    def code(text: str, outputs: list | None = None) -> None:
        counter[0] += 1
        cells.append({"cell_type": "code", "execution_count": counter[0], "metadata": {},
                      "outputs": outputs or [], "source": _lines(text)})

    def stream(text: str) -> list:
        return [{"name": "stdout", "output_type": "stream", "text": _lines(text)}]

    markdown("# {} with {}\n\nThis notebook trains the `{}` model on **{}** and shows how to save and restore "
             "checkpoints with `{}`.".format(rng.choice(_PROJECTS).capitalize(), "TensorFlow 1.x", ctx.model,
                                              rng.choice(_DATASETS), ctx.ctor))
    code("{}\n{}".format(rng.choice(_NB_MAGICS_FIRST)(rng.choice((12, 13, 14, 15))),
                         "!nvidia-smi" if rng.random() < 0.5 else "!ls -la /content"),
         stream("Successfully installed tensorflow-1.13.1\n"))
    magics = "%matplotlib inline\n" + ("%load_ext autoreload\n%autoreload 2\n" if rng.random() < 0.5 else "")
    imports_at = len(cells)
    version_output = stream("1.13.1\n") if rng.random() < 0.5 else None
    markdown("## Data\n\nWe use the standard split; images are scaled to [0, 1].")
    blocks = _checkpoint_blocks(ctx)
    if ctx.eager and ctx.scenario not in ("framework_attribute", "framework_from_import"):
        code(_datasets_helper(ctx).strip() + "\n\ntrain_data, eval_data = load_datasets('.', 64)")
        markdown("## Model\n\nA small network; the interesting part is the checkpointing further down.")
        code(_model_block(ctx).strip())
    elif ctx.tf and not ctx.eager and ctx.scenario != "slim":
        code(_fill(ctx, _TF_DATA).strip())
        code(_model_block(ctx).strip())
    markdown("## Checkpoints\n\nThe trainer saves every few hundred steps; re-running the cell resumes.")
    for block in blocks:
        code(block.strip())
    size = len(json.dumps(cells))
    pool = [p for p in _FILLERS_ANY + (_FILLERS_TF if ctx.tf else ()) if p not in (_NUMPY_DATA,)]
    rng.shuffle(pool)
    while size < target * 0.8 and pool:
        block = _fill(ctx, pool.pop()).strip()
        markdown("### Helper\n\n" + rng.choice(("Utility used below.", "From the project's utils module.",
                                                "Copied here so the notebook is self-contained.")))
        code(block)
        size += len(block) + 200
    if ctx.eager and ctx.scenario not in ("framework_attribute", "framework_from_import"):
        log = "".join("epoch {} step {} loss {:.4f} ({:.1f} examples/sec)\n".format(
            e, s, 2.3 / (1 + e + s / 1000.0), 900 + 37 * ((e * s) % 11)) for e in range(3) for s in range(0, 1000, 100))
        code("%%time\ntrainer = {}({}(), './checkpoints')\nhistory = trainer.train(train_data, eval_data, num_epochs=3)".format(
            ctx.trainer, ctx.model), stream(log))
        code("model = load_for_inference('./checkpoints')" if "def load_for_inference" in "".join(blocks)
             else "trainer.restore()")
    elif ctx.scenario in ("framework_attribute", "framework_from_import"):
        code("print_checkpoint('./checkpoints/model.ckpt-10000')",
             stream("".join("{:<60} [{}, {}]\n".format("layer_{}/kernel".format(i), 3 * i + 1, 64) for i in range(40))))
    else:
        code("train(hparams, './train_dir', max_steps=2000)", stream("step 100, loss = 2.1034 (0.051 sec/step)\n"))
    if rng.random() < 0.5:
        code("!ls -la ./checkpoints\n%ls ./checkpoints")
    code("plt.figure(figsize=(8, 4))\nplt.plot(history['loss'] if 'history' in dir() else [])\nplt.title('loss')")
    # The imports cell goes in last, once every block has said what it imports.
    # No `from __future__` here: it must open a module, and IPython compiles the magics above it into calls.
    imports = "".join(line + "\n" for line in _imports(ctx).split("\n") if line and "__future__" not in line)
    code(magics + imports, version_output)
    cells.insert(imports_at, cells.pop())
    for number, cell in enumerate((c for c in cells if c["cell_type"] == "code"), start=1):
        cell["execution_count"] = number
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                              "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                              "pygments_lexer": "ipython3", "version": "3.6.{}".format(rng.randint(3, 9))},
        },
        "nbformat": 4,
        "nbformat_minor": rng.choice((2, 2, 4)),
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------------------------------------------------------
# The corpus

def assign_traits(n_files: int, seed: int = DEFAULT_SEED) -> list[frozenset[str]]:
    """Each block of 100 files gets exactly SHARES_PER_100 of every trait.

    A last, shorter block takes the first entries of a full block's draw, so any run's files are the first files of
    a longer run (its shares are then only close to the stated ones).
    """
    traits: list[frozenset[str]] = []
    for start in range(0, n_files, BLOCK):
        rng = random.Random("{}-traits-{}".format(seed, start // BLOCK))
        block: list[set[str]] = [set() for _ in range(BLOCK)]
        positions = list(range(BLOCK))
        rng.shuffle(positions)
        for p in positions[:SHARES_PER_100["notebook"]]:
            block[p].add("notebook")
        python = [p for p in range(BLOCK) if "notebook" not in block[p]]
        for trait in _PY_ONLY:
            for p in rng.sample(python, SHARES_PER_100[trait]):
                block[p].add(trait)
        traits.extend(frozenset(t) for t in block[:n_files - start])
    return traits


def _scenario_for(index: int, traits: frozenset[str], rng: random.Random) -> str:
    if "no_tf_import" in traits:  # converter scripts are the commonest kind
        return rng.choices(NO_TF_SCENARIOS, weights=[3 if s == "framework_from_import" else 1.5
                                                     for s in NO_TF_SCENARIOS])[0]
    names = list(SCENARIOS)
    return names[index % len(names)]


def _relative_path(index: int, notebook: bool, rng: random.Random) -> str:
    project = "proj_{:03d}".format(index // FILES_PER_PROJECT)
    if notebook:
        return "{}/notebooks/{}_{:05d}.ipynb".format(project, rng.choice(("tutorial", "experiments", "demo",
                                                                           "checkpoint_walkthrough")), index)
    folder = rng.choice(("", "", "models", "train", "utils", "scripts", "src/{}".format(rng.choice(_DATASETS))))
    stem = rng.choice(("train", "model", "trainer", "eval", "main", "utils", "convert_ckpt", "finetune", "run",
                       "export", "networks", "solver"))
    return "/".join(p for p in (project, folder, "{}_{:05d}.py".format(stem, index)) if p)


@dataclass(frozen=True)
class CorpusFile:
    relative: str
    data: bytes
    scenario: str
    traits: frozenset[str]


def render_file(index: int, traits: frozenset[str], seed: int = DEFAULT_SEED) -> CorpusFile:
    """File `index`: its own rng, so it does not depend on how many files are generated.

    Blocks, comments and indentation make the size only roughly predictable; a file outside MIN_BYTES..MAX_BYTES is
    drawn again (rarely more than once), so the bounds hold exactly.
    """
    rng = random.Random("{}-file-{}".format(seed, index))
    scenario = _scenario_for(index, traits, rng)
    relative = _relative_path(index, "notebook" in traits, rng)
    for attempt in range(20):
        draw = random.Random("{}-file-{}-{}".format(seed, index, attempt))
        if "notebook" in traits:
            data = render_notebook(draw, index, scenario).encode("utf-8")
        else:
            newline = "\r\n" if draw.random() < 0.03 else "\n"
            data = render_python(draw, index, scenario, traits).replace("\n", newline).encode("utf-8")
        if MIN_BYTES <= len(data) <= MAX_BYTES:
            break
    return CorpusFile(relative, data, scenario, traits)


def iter_corpus(n_files: int, seed: int = DEFAULT_SEED) -> Iterator[CorpusFile]:
    for index, traits in enumerate(assign_traits(n_files, seed)):
        yield render_file(index, traits, seed)


def generate_corpus(root: Path, n_files: int, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write exactly `n_files` modules and notebooks under `root`, 40 per project directory.

    The same `(n_files, seed)` always produces byte-identical files.
    """
    root = Path(root)
    paths: list[Path] = []
    for item in iter_corpus(n_files, seed):
        path = root / item.relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(item.data)
        paths.append(path)
    return paths


# ----------------------------------------------------------------------------------------------------------------
# Reading notebooks back as Python (for the parse floors and the tests; not the tool's own reader)

_MAGIC_LINE = re.compile(r"^([ \t]*)(?:[%!?]|[A-Za-z_][\w.]*[ \t]*=[ \t]*[!%])")


def notebook_python(data: bytes) -> str:
    """The code cells of a notebook as one Python module: cell magics dropped, line magics and shell escapes
    replaced by `pass` at their indentation (what any notebook-aware parser has to do)."""
    notebook = json.loads(data)
    sources = []
    for cell in notebook["cells"]:
        if cell.get("cell_type") != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if source.lstrip().startswith("%%"):
            continue
        lines = []
        for line in source.split("\n"):
            match = _MAGIC_LINE.match(line)
            lines.append(match.group(1) + "pass" if match else line)
        sources.append("\n".join(lines))
    return "\n\n".join(sources) + "\n"


def python_source(path: Path) -> bytes:
    """What a parser reads for `path`: the file's bytes, or a notebook's code cells."""
    data = path.read_bytes()
    return notebook_python(data).encode("utf-8") if path.suffix == ".ipynb" else data

