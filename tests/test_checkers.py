"""The property tests' own checkers, on hand-written cases: a checker that never fires proves nothing."""

from __future__ import annotations

from tf1_code import Generated
from test_property import align
from unbound import reads, unbound_names


def resolution(source: str, name: str, line: int) -> str:
    return next(r.resolution for r in reads(source) if r.name == name and r.line == line)


def test_unbound_names_are_the_globals_nothing_binds() -> None:
    source = ("import tensorflow as tf\nckpt = None\n\ndef f(m):\n    global ckpt\n    ckpt = tfe.Checkpoint(model=m)\n"
              "    return tf, len, __name__, [x for x in m], (lambda y: y), ckpt\n")
    assert unbound_names(source) == {"tfe"}


def test_a_parameter_local_or_class_attribute_named_tf_is_not_tensorflow() -> None:
    source = ("import tensorflow as tf\n"
              "def f(tf):\n    return tf\n"                      # 3: a parameter
              "def g():\n    tf = 1\n    return tf\n"           # 6: a local
              "class C:\n    tf = 1\n    x = tf\n"               # 9: a class attribute
              "    def m(self):\n        return tf\n"          # 11: methods do not see the class's names
              "h = lambda tf: tf\n"                              # 12: a lambda parameter
              "k = [tf for tf in range(3)]\n"                    # 13: a comprehension variable
              "def outer():\n    tf = 1\n    def inner():\n        return tf\n    return inner\n")  # 17: a closure
    assert [resolution(source, "tf", line) for line in (3, 6, 9, 11, 12, 13, 17)] == [
        "bound", "bound", "bound", "tensorflow", "bound", "bound", "bound"]


def test_compat_v1_and_function_imports_are_tensorflow() -> None:
    source = ("from tensorflow.compat import v1 as tf1\n"
              "def f():\n    import tensorflow.compat.v1 as tf\n    return tf, tf1\n"
              "import tensorflow.contrib.eager as tfe\nx = tfe\n")
    assert [resolution(source, name, line) for name, line in (("tf", 4), ("tf1", 4), ("tfe", 6))] == [
        "tensorflow", "tensorflow", "bound"]


def generated(text: str, allowed: set[int], removable: set[int] = frozenset()) -> Generated:  # type: ignore[assignment]
    return Generated(source=text.encode(), encoding="utf-8", newline="\n", bom=False, allowed=frozenset(allowed),
                     removable=frozenset(removable), guarded=frozenset(), parts=())


def test_alignment_accepts_rewrites_removals_and_an_added_import() -> None:
    source = generated("import os\n# tfe\nimport tensorflow.contrib.eager as tfe\n\nckpt = tfe.Checkpoint(m=m)\n",
                       {3, 5}, {3})
    output = b"import os\nimport tensorflow as tf\n\n# tfe\n\nckpt = tf.train.Checkpoint(m=m)\n"
    assert align(source, output) == [1, None, None, 2, 4, 5]


def test_alignment_refuses_a_lost_comment_or_blank_line() -> None:
    source = generated("import os\n# tfe\nimport tensorflow.contrib.eager as tfe\n\nckpt = 1\n", {3}, {3})
    assert align(source, b"import os\n\nckpt = 1\n") is None
    assert align(source, b"import os\n# tfe\nckpt = 1\n") is None
    # an allowed line that is not removable may be rewritten, not dropped
    assert align(generated("a = 1\nb = 2\n", {2}), b"a = 1\n") is None
