"""Each rule also runs on its own under LibCST's codemod runner, as the README shows."""

from __future__ import annotations

import subprocess
import sys

SEED = ("import tensorflow as tf\nimport tensorflow.contrib.checkpoint as checkpoint\n\n"
        "saver = checkpoint.Checkpoint(model=model)\n")


def test_a_rule_runs_as_a_libcst_codemod_command() -> None:
    command = "tfckpt_codemod.transforms.commands.CheckpointConstructor"
    result = subprocess.run([sys.executable, "-m", "libcst.tool", "codemod", "-x", "--no-format", command, "-"],
                            input=SEED, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # TFC101 and the import passes that follow every rule ran: the constructor changed and the import it left
    # unused went. (The runner prints the module followed by one extra newline.)
    assert result.stdout == SEED.replace("checkpoint.Checkpoint(", "tf.train.Checkpoint(").replace(
        "import tensorflow.contrib.checkpoint as checkpoint\n", "") + "\n"


def test_a_pass_runs_alone_as_a_codemod_command_too() -> None:
    command = "tfckpt_codemod.transforms.commands.ContribImports"
    source = "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n"
    result = subprocess.run([sys.executable, "-m", "libcst.tool", "codemod", "-x", "--no-format", command, "-"],
                            input=source, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "import tensorflow as tf\n\n"
