"""TFC902: contrib imports under a version check or `except ImportError` are left alone and reported.

Code such as `if tf.__version__ < "2": from tensorflow.contrib.checkpoint import Checkpointable` already chooses
between TF 1 and TF 2 at run time; rewriting either branch would break the other. The user decides whether TF 1
support can go.
"""

from __future__ import annotations

from ._context import MigrationContext
from ._rule import Rule


class VersionGuardedImports(Rule):
    CODE = "TFC902"
    NAME = "version-guarded-contrib-import"
    SUMMARY = "contrib import inside a version check or ImportError fallback: left alone, reported"
    AUTOFIX = False
    VALID = ("import tensorflow as tf\n",)
    INVALID = (
        ("try:\n    import tensorflow.contrib.eager as tfe\nexcept ImportError:\n    tfe = None\n",
         "try:\n    import tensorflow.contrib.eager as tfe\nexcept ImportError:\n    tfe = None\n"),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        seen = set()
        for binding in context.analysis.bindings:
            contrib = binding.contrib
            if not binding.guarded or contrib is None or binding.statement in seen:
                continue
            seen.add(binding.statement)
            context.report(cls.CODE, binding.statement, f"tf.{contrib} is imported under a version check or "
                           "ImportError fallback; left alone: drop the TF 1 branch by hand when TF 1 support goes")
