"""TFC301/TFC304/TFC305 with the user's own checkpoint: its object graph decides a restore, not the code alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfckpt_codemod.engine import migrate_source
from tfckpt_codemod.evidence import EvidenceError, read_evidence

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checkpoints"
FULL = str(FIXTURES / "full")  # model, optimizer, step (and save_counter)


def _run(source: str, *specs: str, path: str = "serve.py"):  # type: ignore[no-untyped-def]
    return migrate_source(("import tensorflow as tf\n" + source).encode(), path, checkpoints=read_evidence(specs))


def _codes(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for f in result.findings]


def test_a_checkpoint_with_objects_not_asked_for_makes_the_restore_partial() -> None:
    result = _run("c = tf.train.Checkpoint(model=m)\nc.restore(p)\n", FULL)
    assert result.new.endswith(b"c.restore(p).expect_partial()\n")
    assert "also holds optimizer, step" in result.findings[0].message


def test_a_checkpoint_of_exactly_what_is_asked_for_needs_nothing_even_when_the_code_looks_partial() -> None:
    # The module saves model+optimizer+step+head, which alone would make this restore partial.
    source = ("t = tf.train.Checkpoint(model=m, optimizer=o, step=s, head=h)\nt.save(q)\n"
              "c = tf.train.Checkpoint(model=m, optimizer=o, step=s)\nc.restore(p)\n")
    assert migrate_source(("import tensorflow as tf\n" + source).encode(), "serve.py").new is not None
    result = _run(source, FULL)
    assert result.new is None
    assert [f.kind for f in result.findings] == ["info"]


def test_a_name_the_checkpoint_does_not_hold_is_reported() -> None:
    result = _run("c = tf.train.Checkpoint(model=m, head=h)\nc.restore(p)\n", FULL)
    assert "TFC304" in _codes(result) and result.new.endswith(b".expect_partial()\n")


def test_a_name_based_checkpoint_is_reported() -> None:
    result = _run("c = tf.train.Checkpoint(model=m)\nc.restore(p)\n", str(FIXTURES / "name_based"))
    assert _codes(result) == ["TFC305"] and result.new is None


def test_named_checkpoints_match_the_restores_path_expression_or_file() -> None:
    source = "c = tf.train.Checkpoint(model=m)\nc.restore(os.path.join(eval_dir, 'ckpt'))\n"
    assert _run(source, f"eval_dir={FULL}").new is not None
    assert _run(source, f"serve.py={FULL}").new is not None
    assert _run(source, f"train_dir={FULL}").new is None  # another restore's checkpoint: the code decides


def test_unreadable_or_ambiguous_evidence_is_a_one_line_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EvidenceError, match="missing"):
        read_evidence([str(tmp_path / "missing")])
    with pytest.raises(EvidenceError, match="name each one"):
        read_evidence([FULL, str(FIXTURES / "model_only")])
