"""Every row of the symbol table, through the whole engine: autofix rows rewrite, report rows report where they are.

The row lists are taken from `_symbols.SYMBOLS` so a row added to the table without a case here fails
`test_every_row_is_covered`; the expected outputs are written out by hand.
"""

from __future__ import annotations

import pytest

from tfckpt_codemod.transforms._symbols import SYMBOLS

from helpers import assert_migrates, migrate

TF = "import tensorflow as tf\n\n"

# (id, before, after, findings as (code, line, column, fixed)): one or more per autofix row.
AUTOFIX = [
    # TFC101 ---------------------------------------------------------------------------------------------------------
    ("TFC101-tf.contrib.eager.Checkpoint",
     TF + "ckpt = tf.contrib.eager.Checkpoint(model=m, optimizer=opt)\n",
     TF + "ckpt = tf.train.Checkpoint(model=m, optimizer=opt)\n", []),
    ("TFC101-contrib.checkpoint.Checkpoint",  # never exported, written after a popular recipe; meant tf.train's
     TF + "ckpt = tf.contrib.checkpoint.Checkpoint(model=m)\n",
     TF + "ckpt = tf.train.Checkpoint(model=m)\n", []),
    ("TFC101-eager-save-drops-session-None-keyword",
     TF + "ckpt = tf.contrib.eager.Checkpoint(model=m)\nckpt.save(prefix, session=None)\n",
     TF + "ckpt = tf.train.Checkpoint(model=m)\nckpt.save(prefix)\n", []),
    ("TFC101-eager-write-drops-positional-None-session",
     TF + "ckpt = tf.contrib.eager.Checkpoint(model=m)\nckpt.write(prefix, None)\n",
     TF + "ckpt = tf.train.Checkpoint(model=m)\nckpt.write(prefix)\n", []),
    ("TFC101-session-file-gets-compat-v1-Checkpoint",
     TF + "sess = tf.Session()\nckpt = tf.contrib.eager.Checkpoint(step=step)\nckpt.save(prefix, session=sess)\n",
     TF + "sess = tf.Session()\nckpt = tf.compat.v1.train.Checkpoint(step=step)\nckpt.save(prefix, session=sess)\n",
     []),
    ("TFC101-session-passed-positionally-keeps-the-session",
     TF + "ckpt = tf.contrib.eager.Checkpoint(step=step)\nckpt.save(prefix, sess)\n",
     TF + "ckpt = tf.compat.v1.train.Checkpoint(step=step)\nckpt.save(prefix, sess)\n", []),
    ("TFC101-with-tf.Session-block",
     TF + "ckpt = tf.contrib.eager.Checkpoint(step=step)\nwith tf.Session() as sess:\n"
          "    ckpt.write(prefix, session=sess)\n",
     TF + "ckpt = tf.compat.v1.train.Checkpoint(step=step)\nwith tf.Session() as sess:\n"
          "    ckpt.write(prefix, session=sess)\n", []),
    # TFC102 ---------------------------------------------------------------------------------------------------------
    ("TFC102-CheckpointManager",
     TF + "manager = tf.contrib.checkpoint.CheckpointManager(ckpt, directory=d, max_to_keep=5)\nmanager.save()\n",
     TF + "manager = tf.train.CheckpointManager(ckpt, directory=d, max_to_keep=5)\nmanager.save()\n", []),
    ("TFC102-save-sess-in-a-session-file-drops-the-session-with-a-fixed-finding",
     TF + "sess = tf.Session()\nmanager = tf.contrib.checkpoint.CheckpointManager(ckpt, d, 5)\nmanager.save(sess)\n",
     TF + "sess = tf.Session()\nmanager = tf.train.CheckpointManager(ckpt, d, 5)\nmanager.save()\n",
     [("TFC102", 5, 1, True)]),
    ("TFC102-save-positional-checkpoint-number-kept",
     TF + "manager = tf.contrib.checkpoint.CheckpointManager(ckpt, d, 5)\nmanager.save(step)\n",
     TF + "manager = tf.train.CheckpointManager(ckpt, d, 5)\nmanager.save(step)\n", []),
    ("TFC102-save-positional-named-like-a-session-kept-and-reported",
     TF + "manager = tf.contrib.checkpoint.CheckpointManager(ckpt, d, 5)\nmanager.save(self.sess)\n",
     TF + "manager = tf.train.CheckpointManager(ckpt, d, 5)\nmanager.save(self.sess)\n",
     [("TFC102", 4, 14, False)]),
    ("TFC102-save-session-keyword-dropped",
     TF + "manager = tf.contrib.checkpoint.CheckpointManager(ckpt, d, 5)\n"
          "manager.save(session=sess, checkpoint_number=step)\n",
     TF + "manager = tf.train.CheckpointManager(ckpt, d, 5)\nmanager.save(checkpoint_number=step)\n",
     [("TFC102", 4, 1, True)]),
    ("TFC102-checkpoint_number-keyword-kept",
     TF + "manager = tf.contrib.checkpoint.CheckpointManager(ckpt, d, 5)\nmanager.save(checkpoint_number=step)\n",
     TF + "manager = tf.train.CheckpointManager(ckpt, d, 5)\nmanager.save(checkpoint_number=step)\n", []),
    ("TFC102-save-of-another-object-untouched",
     TF + "manager = tf.contrib.checkpoint.CheckpointManager(ckpt, d, 5)\nmodel.save(sess)\n",
     TF + "manager = tf.train.CheckpointManager(ckpt, d, 5)\nmodel.save(sess)\n", []),
    # TFC103 ---------------------------------------------------------------------------------------------------------
    ("TFC103-list_variables-checkpoint_dir",
     TF + "names = tf.contrib.framework.list_variables(checkpoint_dir=d)\n",
     TF + "names = tf.train.list_variables(ckpt_dir_or_file=d)\n", []),
    ("TFC103-load_variable-checkpoint_dir",
     TF + "w = tf.contrib.framework.load_variable(checkpoint_dir=d, name='w')\n",
     TF + "w = tf.train.load_variable(ckpt_dir_or_file=d, name='w')\n", []),
    ("TFC103-load_checkpoint-filepattern",
     TF + "reader = tf.contrib.framework.load_checkpoint(filepattern=p)\n",
     TF + "reader = tf.train.load_checkpoint(ckpt_dir_or_file=p)\n", []),
    ("TFC103-init_from_checkpoint-with-its-note",
     TF + "tf.contrib.framework.init_from_checkpoint(checkpoint_dir=d, assignment_map={'/': '/'})\n",
     TF + "tf.compat.v1.train.init_from_checkpoint(ckpt_dir_or_file=d, assignment_map={'/': '/'})\n",
     [("TFC103", 3, 1, True)]),
    ("TFC103-checkpoints_iterator",
     TF + "for path in tf.contrib.training.checkpoints_iterator(d, timeout=60):\n    evaluate(path)\n",
     TF + "for path in tf.train.checkpoints_iterator(d, timeout=60):\n    evaluate(path)\n", []),
    ("TFC103-positional-arguments-untouched",
     TF + "w = tf.contrib.framework.load_variable(d, 'w')\n",
     TF + "w = tf.train.load_variable(d, 'w')\n", []),
    # TFC104 ---------------------------------------------------------------------------------------------------------
    ("TFC104-PythonStateWrapper-base-class",
     TF + "class Counter(tf.contrib.checkpoint.PythonStateWrapper):\n    pass\n",
     TF + "class Counter(tf.train.experimental.PythonState):\n    pass\n", []),
    ("TFC104-PythonStateWrapper-imported-by-name",
     "from tensorflow.contrib.checkpoint import PythonStateWrapper\n\nclass Counter(PythonStateWrapper):\n    pass\n",
     "import tensorflow as tf\n\nclass Counter(tf.train.experimental.PythonState):\n    pass\n", []),
]


@pytest.mark.parametrize(("before", "after", "findings"), [pytest.param(b, a, f, id=i) for i, b, a, f in AUTOFIX])
def test_autofix_row(before: str, after: str, findings: list[tuple[str, int, int, bool]]) -> None:
    result = assert_migrates(before, after)
    assert [(f.code, f.line, f.column, f.fixed) for f in result.findings] == findings


def test_init_from_checkpoint_note_says_why() -> None:
    result = migrate(TF + "tf.contrib.framework.init_from_checkpoint(d, {'/': '/'})\n")
    (finding,) = result.findings
    assert "only in graph mode" in finding.message and "tf.train.Checkpoint" in finding.message


REPORT_ROWS = [s for s in SYMBOLS if s.tf2 is None and s.code == "TFC901"]
# Rows a rule of their own rewrites (with its own tests), not by pointing the name somewhere else.
OWN_RULE_ROWS = {"contrib.eager.Saver": "TFC105", "contrib.checkpoint.List": "TFC106",
                 "contrib.checkpoint.Mapping": "TFC106"}


def _eager_alias_form(contrib: str) -> str:
    return contrib.replace("contrib.eager.", "tfe.", 1)


@pytest.mark.parametrize("symbol", [pytest.param(s, id=s.contrib) for s in REPORT_ROWS])
def test_report_row_through_attribute_chain(symbol) -> None:  # type: ignore[no-untyped-def]
    before = f"{TF}obj = tf.{symbol.contrib}(arg)\n"
    result = migrate(before)
    assert result.error is None
    assert result.new is None, "a report row must never be rewritten"
    assert [(f.code, f.line, f.column, f.fixed, f.message) for f in result.findings] == [
        (symbol.code, 3, 7, False, symbol.message)]
    assert symbol.message, "a report row must say what to do instead"


@pytest.mark.parametrize("symbol", [pytest.param(s, id=s.contrib) for s in REPORT_ROWS])
def test_report_row_imported_by_name(symbol) -> None:  # type: ignore[no-untyped-def]
    module, name = symbol.contrib.rsplit(".", 1)
    before = f"from tensorflow.{module} import {name}\n\n\ndef build(x):\n    return {name}(x)\n"
    result = migrate(before)
    assert result.new is None
    # The import stays for that use, and says so where it fails on TF 2.
    assert [(f.code, f.line, f.column) for f in result.findings] == [("TFC900", 1, 1), (symbol.code, 5, 12)]


@pytest.mark.parametrize("symbol", [pytest.param(s, id=s.contrib) for s in REPORT_ROWS
                                    if s.contrib.startswith("contrib.eager.")])
def test_eager_report_row_through_tfe(symbol) -> None:  # type: ignore[no-untyped-def]
    before = f"import tensorflow.contrib.eager as tfe\n\nsaver = {_eager_alias_form(symbol.contrib)}(v)\n"
    result = migrate(before)
    assert result.new is None
    assert [(f.code, f.line, f.column) for f in result.findings] == [("TFC900", 1, 1), (symbol.code, 3, 9)]


def test_report_row_next_to_a_rewrite_keeps_its_import() -> None:
    before = ("import tensorflow as tf\nfrom tensorflow.contrib.checkpoint import CheckpointManager, NoDependency\n\n"
              "manager = CheckpointManager(ckpt, d, 1)\nextra = NoDependency(value)\n")
    result = assert_migrates(before,
                             "import tensorflow as tf\nfrom tensorflow.contrib.checkpoint import NoDependency\n\n"
                             "manager = tf.train.CheckpointManager(ckpt, d, 1)\nextra = NoDependency(value)\n")
    assert [(f.code, f.line, f.column) for f in result.findings] == [("TFC900", 2, 1), ("TFC901", 5, 9)]
    assert "still imported for its uses at line 5" in result.findings[0].message


def test_every_row_is_covered() -> None:
    """Each autofix row is exercised by a case above that spells it out; each report row is parametrized."""
    for symbol in SYMBOLS:
        if symbol.code == "TFC107":
            continue  # the tfe namespace has its own tests (test_eager_namespace*.py)
        if symbol.tf2 is None:
            assert symbol in REPORT_ROWS or OWN_RULE_ROWS.get(symbol.contrib) == symbol.code, symbol.contrib
            continue
        module, name = symbol.contrib.rsplit(".", 1)
        spelled = (f"tf.{symbol.contrib}(", f"from tensorflow.{module} import {name}\n")
        assert any(form in before for _, before, _, _ in AUTOFIX for form in spelled), symbol.contrib


# -- TFC902: version-guarded imports ---------------------------------------------------------------------------------
GUARDED = [
    ("if-version-else-contrib",
     "import tensorflow as tf\n"
     "if LooseVersion(tf.__version__) > LooseVersion('2.00'):\n"
     "    from tensorflow.python.training.tracking.tracking import AutoTrackable as Checkpointable\n"
     "else:\n"
     "    from tensorflow.contrib.checkpoint import Checkpointable\n\n"
     "class Algorithm(Checkpointable):\n    pass\n",
     [("TFC902", 5, 5)]),
    ("if-version-contrib-first",
     "import tensorflow as tf\n"
     "if tf.__version__.startswith('1.'):\n"
     "    import tensorflow.contrib.eager as tfe\n"
     "    Checkpoint = tfe.Checkpoint\n"
     "else:\n"
     "    Checkpoint = tf.train.Checkpoint\n",
     # The alias assignment inside the guard is a contrib binding of its own, reported where it is.
     [("TFC902", 3, 5), ("TFC902", 4, 5)]),
    ("try-except-ImportError",
     "try:\n    from tensorflow.contrib.checkpoint import CheckpointManager\n"
     "except ImportError:\n    from tensorflow.train import CheckpointManager\n\n"
     "manager = CheckpointManager(ckpt, d, 1)\n",
     [("TFC902", 2, 5)]),
    ("try-except-ImportError-tuple",
     "try:\n    import tensorflow.contrib.eager as tfe\n"
     "except (ImportError, ModuleNotFoundError):\n    tfe = None\n",
     [("TFC902", 2, 5)]),
]


@pytest.mark.parametrize(("before", "findings"), [pytest.param(b, f, id=i) for i, b, f in GUARDED])
def test_version_guarded_imports_are_left_alone_and_reported(before: str,
                                                              findings: list[tuple[str, int, int]]) -> None:
    result = migrate(before)
    assert result.error is None
    assert result.new is None, "both branches must stay byte-identical"
    assert [(f.code, f.line, f.column) for f in result.findings] == findings


# -- TFC900: other contrib use, and aliases that stay ---------------------------------------------------------------
def test_other_contrib_use_reported_on_every_line() -> None:
    before = (TF + "ckpt = tf.contrib.eager.Checkpoint(m=m)\n"
              "x = tf.contrib.layers.fully_connected(a, 3)\n"
              "y = tf.contrib.layers.fully_connected(b, 3) + tf.contrib.layers.fully_connected(c, 3)\n"
              "z = tf.contrib.layers.flatten(b)\n")
    result = assert_migrates(before, before.replace("tf.contrib.eager.Checkpoint", "tf.train.Checkpoint"))
    assert [(f.code, f.line, f.column) for f in result.findings] == [("TFC900", 4, 5), ("TFC900", 5, 5),
                                                                      ("TFC900", 6, 5)]
    assert "tf.contrib.layers.fully_connected" in result.findings[0].message
    assert "tf.contrib.layers.flatten" in result.findings[2].message


def test_other_contrib_use_in_an_untouched_file_is_not_this_tools_business() -> None:
    result = migrate(TF + "x = tf.contrib.layers.fully_connected(a, 3)\n")
    assert result.new is None and not result.findings


def test_alias_that_stays_is_reported() -> None:
    before = "import tensorflow as tf\ntfe = tf.contrib.eager\n\nckpt = tfe.Checkpoint(m=m)\ngpus = tfe.num_gpus()\n"
    result = assert_migrates(before, before.replace("tfe.Checkpoint", "tf.train.Checkpoint"))
    assert [(f.code, f.line, f.column) for f in result.findings] == [("TFC900", 2, 1), ("TFC901", 5, 8)]
    assert "`tfe` still names tf.contrib.eager" in result.findings[0].message
    assert "tf.config.list_physical_devices('GPU')" in result.findings[1].message


def test_slim_alias_kept_for_a_report_row() -> None:
    before = ("import tensorflow as tf\nslim = tf.contrib.slim\n\n"
              "paths = slim.evaluation.checkpoints_iterator(d)\ninit_fn = slim.assign_from_checkpoint_fn(path, v)\n")
    result = assert_migrates(before, before.replace("slim.evaluation.checkpoints_iterator",
                                                    "tf.train.checkpoints_iterator"))
    assert [(f.code, f.line, f.column) for f in result.findings] == [("TFC900", 2, 1), ("TFC901", 5, 11)]


def test_slim_never_had_the_framework_reading_helpers() -> None:
    """`slim.list_variables` raised AttributeError in TF 1 (slim only star-imports framework's python/ops/variables):
    it is not taken for `tf.contrib.framework.list_variables`, and findings name it as written."""
    before = "import tensorflow as tf\nslim = tf.contrib.slim\n\nnames = slim.list_variables(d)\n"
    result = migrate(before)
    assert result.new is None
    messages = [f.message for f in result.findings]
    assert any("tf.contrib.slim.list_variables" in m for m in messages), messages
    assert not any("contrib.framework" in m for m in messages), messages
