"""TFC105: tfe.Saver written out as the TF 1 Saver calls it made, only when every use of it is known."""

from __future__ import annotations

import pytest

from helpers import assert_migrates, migrate

HEAD = "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n"
OUT = "import tensorflow as tf\n"

CASES = [
    ("positional-step", "s = tfe.Saver([w])\ns.save(p, step)\n",
     "s = tf.compat.v1.train.Saver([w])\ns.save(None, p, step, write_meta_graph=False)\n"),
    ("keywords",
     "s = tfe.Saver(var_list=vs)\npath = s.save(file_prefix=p, global_step=3)\ns.restore(file_prefix=path)\n",
     "s = tf.compat.v1.train.Saver(var_list=vs)\npath = s.save(None, save_path=p, global_step=3, "
     "write_meta_graph=False)\ns.restore(None, save_path=path)\n"),
    ("an-attribute-of-self",
     "class T:\n    def __init__(self):\n        self.saver = tfe.Saver(vs)\n\n    def keep(self):\n"
     "        self.saver.save(p)\n",
     "class T:\n    def __init__(self):\n        self.saver = tf.compat.v1.train.Saver(vs)\n\n    def keep(self):\n"
     "        self.saver.save(None, p, write_meta_graph=False)\n"),
]


@pytest.mark.parametrize(("body", "after"), [pytest.param(b, a, id=i) for i, b, a in CASES])
def test_saver_calls(body: str, after: str) -> None:
    assert_migrates(HEAD + body, OUT + after)


KEPT = [
    ("handed-to-other-code", "s = tfe.Saver(vs)\nregister(s)\n", "cannot follow"),
    ("returned", "def make():\n    return tfe.Saver(vs)\n", "cannot follow"),
    ("another-method", "s = tfe.Saver(vs)\ns.as_saver_def()\n", "cannot follow"),
    ("kwargs-to-save", "s = tfe.Saver(vs)\ns.save(**options)\n", "*args or **kwargs"),
    ("a-keyword-tfe-saver-never-took", "s = tfe.Saver(vs)\ns.save(p, write_state=False)\n", "did not take"),
    ("a-models-variable-list", "s = tfe.Saver(model.trainable_variables)\ns.save(p)\n", "Keras 3 variables"),
    ("no-var-list", "s = tfe.Saver()\ns.save(p)\n", "exactly one var_list"),
]


@pytest.mark.parametrize(("body", "fragment"), [pytest.param(b, f, id=i) for i, b, f in KEPT])
def test_a_saver_whose_uses_are_not_all_known_is_kept_and_reported(body: str, fragment: str) -> None:
    result = migrate(HEAD + body)
    assert result.new is None
    messages = [f.message for f in result.findings if f.code == "TFC105"]
    assert len(messages) == 1 and fragment in messages[0], [f.message for f in result.findings]
