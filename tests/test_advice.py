"""Every finding that tells the user what to write instead has a program proving it (run by test_advice_tf.py)."""

from __future__ import annotations

from tfckpt_codemod.transforms._symbols import BY_NAME, SYMBOLS

from advice_snippets import SNIPPETS


def test_every_advising_row_has_a_snippet_and_every_snippet_a_row() -> None:
    advising = {s.contrib for s in SYMBOLS if s.message}
    assert advising - set(SNIPPETS) == set()
    assert set(SNIPPETS) - set(BY_NAME) == set()
