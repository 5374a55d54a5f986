"""Every piece of code a finding suggests runs on the TensorFlow the project pins (2.21, Keras 3) and does what the
message says. All snippets run in one subprocess (TensorFlow's import dominates), each in its own directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("tensorflow", reason="TensorFlow 2.x is not installed (pip install '.[tf]')")
pytestmark = pytest.mark.tf

from advice_snippets import SNIPPETS  # noqa: E402

RUNNER = """
import json, os, sys, tempfile, traceback, types
import numpy as np
import tensorflow as tf
sys.path.insert(0, sys.argv[1])
from advice_snippets import SNIPPETS
results = {}
for name, code in SNIPPETS.items():
    try:
        exec(compile(code, name, "exec"), {"tf": tf, "np": np, "os": os, "types": types, "d": tempfile.mkdtemp()})
        results[name] = None
    except Exception:
        results[name] = traceback.format_exc()
print("RESULTS " + json.dumps(results))
"""


@pytest.fixture(scope="module")
def results() -> dict[str, str | None]:
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="")
    done = subprocess.run([sys.executable, "-c", RUNNER, str(Path(__file__).parent)], capture_output=True, text=True,
                          timeout=600, env=environment)
    line = next((text for text in done.stdout.splitlines() if text.startswith("RESULTS ")), None)
    assert line is not None, done.stderr[-4000:]
    return json.loads(line[len("RESULTS "):])


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_the_advice_runs(results: dict[str, str | None], name: str) -> None:
    assert results[name] is None, results[name]
