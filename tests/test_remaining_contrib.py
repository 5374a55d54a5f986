"""TFC900: what is left of tf.contrib is reported on every line, with what tf_upgrade_v2 will make of it."""

from __future__ import annotations

from helpers import migrate

HEAD = ("import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n"
        "import tensorflow.contrib.summary as contrib_summary\nfrom tensorflow.contrib import layers\n"
        "ckpt = tfe.Checkpoint(model=m)\n")


def _messages(body: str) -> list[str]:
    return [f.message for f in migrate(HEAD + body).findings if f.code == "TFC900" and f.line > 5]


def test_a_spelling_tf_upgrade_v2_matches_is_left_to_it() -> None:
    [message] = _messages("tf.contrib.summary.scalar('loss', loss)\n")
    assert message.endswith("tf_upgrade_v2 migrates it (to tf.compat.v2.summary.scalar): run it after this tool")
    [message] = _messages("init = tf.contrib.layers.xavier_initializer()\n")
    assert message.endswith("tf_upgrade_v2 migrates it: run it after this tool")


def test_an_alias_tf_upgrade_v2_cannot_see_through_is_said_so() -> None:
    [message] = _messages("init = layers.xavier_initializer()\n")
    assert "not written `layers.xavier_initializer` (it matches text, not imports)" in message
    # contrib_summary.scalar is a spelling it matches, but whose arguments it then reorders wrongly
    [message] = _messages("contrib_summary.scalar('loss', loss)\n")
    assert "not written `contrib_summary.scalar`" in message


def test_a_name_it_does_not_know_gets_no_hint() -> None:
    [message] = _messages("x = tf.contrib.layers.fully_connected(a, 3)\n")
    assert "tf_upgrade_v2" not in message
