"""TFC104: the base moves with its TF 1.13-style methods, or the class is left as it is and reported."""

from __future__ import annotations

import pytest

from helpers import assert_migrates, migrate

TF = "import tensorflow as tf\n\n"
BASE = "tf.contrib.checkpoint.PythonStateWrapper"


def test_tf_1_13_style_methods_are_renamed_with_the_base_and_super_calls() -> None:
    before = (TF + f"class Base({BASE}):\n    def _serialize(self):\n        return 'x'\n\n"
              "    def _deserialize(self, value):\n        self.value = value\n\n"
              "    def reset(self):\n        super()._deserialize(self._serialize())\n")
    after = (TF + "class Base(tf.train.experimental.PythonState):\n    def serialize(self):\n        return 'x'\n\n"
             "    def deserialize(self, value):\n        self.value = value\n\n"
             "    def reset(self):\n        super().deserialize(self.serialize())\n")
    assert_migrates(before, after)


REPORTED = [
    ("both-spellings-defined",
     TF + f"class S({BASE}):\n    def _serialize(self):\n        return ''\n\n    def serialize(self):\n"
     "        return ''\n"),
    ("called-from-outside-the-class",
     TF + f"class S({BASE}):\n    def _serialize(self):\n        return ''\n\n\nvalue = S()._serialize()\n"),
    ("overrides-a-hook-tf2-ignores",
     TF + f"class S({BASE}):\n    def _gather_saveables_for_checkpoint(self):\n        return {{}}\n"),
    ("another-class-subclasses-it",
     TF + f"class S({BASE}):\n    def _serialize(self):\n        return ''\n\n\nclass T(S):\n"
     "    def _serialize(self):\n        return 'y'\n"),
]


@pytest.mark.parametrize("before", [pytest.param(b, id=i) for i, b in REPORTED])
def test_a_class_that_cannot_be_renamed_whole_is_left_and_reported(before: str) -> None:
    result = migrate(before)
    assert result.new is None  # never the base alone
    assert [f.code for f in result.findings] == ["TFC104"]
    assert "left as it is" in result.findings[0].message


def test_tf_1_14_style_needs_only_the_base() -> None:
    before = TF + f"class S({BASE}):\n    def serialize(self):\n        return ''\n"
    assert_migrates(before, before.replace(BASE, "tf.train.experimental.PythonState"))
