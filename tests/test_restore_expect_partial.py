"""TFC301/TFC302: `.expect_partial()` on restores that are partial by construction, and only there."""

from __future__ import annotations

import ast
import textwrap

import libcst as cst
import pytest

from tfckpt_codemod.engine import migrate_source
from tfckpt_codemod.transforms import rule_table
from tfckpt_codemod.facts import _FactSource
from tfckpt_codemod.transforms.restore_expect_partial import ProjectSaves, RestoreExpectPartial, SavedCheckpoints
from tfckpt_codemod.types import FileResult


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def migrate(source: str, *, path: str = "mod.py", project: ProjectSaves | None = None) -> FileResult:
    result = migrate_source(source.encode(), path, project=None if project is None else {"TFC301": project})
    assert result.error is None, result.error
    return result


def output(result: FileResult) -> str:
    return (result.new if result.new is not None else result.old or b"").decode()


def assert_migrates(before: str, after: str, *, path: str = "mod.py",
                    project: ProjectSaves | None = None) -> FileResult:
    """The rewrite gives exactly `after`, which parses, and which a second run leaves byte-identical."""
    result = migrate(before, path=path, project=project)
    assert output(result) == after
    cst.parse_module(after)
    ast.parse(after)
    again = migrate(after, path=path, project=project)
    assert again.new is None, output(again)
    assert not [f for f in again.findings if f.code == "TFC301"]
    return result


def assert_unchanged(source: str, *, project: ProjectSaves | None = None) -> FileResult:
    result = migrate(source, project=project)
    assert result.new is None, output(result)
    return result


# -- the classic recipe examples---------------------------------------------------------------------------------------
def test_example_1_full_restore_gets_no_expect_partial() -> None:
    before = src("""
        import tensorflow as tf
        import tensorflow.contrib.checkpoint as checkpoint

        saver = checkpoint.Checkpoint(model=model)
        saver.save(save_path)
        saver.restore(restore_path)
    """)
    result = migrate(before)
    assert output(result) == src("""
        import tensorflow as tf

        saver = tf.train.Checkpoint(model=model)
        saver.save(save_path)
        saver.restore(restore_path)
    """)
    assert not any(f.code in ("TFC301", "TFC302") for f in result.findings)
    assert result.reasons == ()


def test_example_2_sub_object_checkpoint_gets_expect_partial() -> None:
    before = src("""
        import tensorflow as tf

        checkpoint = tf.train.Checkpoint(layer1_weights=model.layer1.weights, layer2_bias=model.layer2.bias)
        checkpoint.save(save_path)
        checkpoint.restore(restore_path)
    """)
    result = assert_migrates(before, before.replace("restore(restore_path)", "restore(restore_path).expect_partial()"))
    [finding] = [f for f in result.findings if f.code == "TFC301"]
    assert finding.fixed
    assert (finding.line, finding.column) == (5, 12)  # the word `restore`
    assert finding.message == ("added .expect_partial(): the checkpoint is built from parts of larger objects "
                               "(model.layer1.weights, model.layer2.bias)")
    assert result.reasons == (f"line 5: {finding.message}",)


# -- detection 1: parts of larger objects -------------------------------------------------------------------------
@pytest.mark.parametrize("value", [
    "model.layers[0]",
    'model.get_layer("dense")',
    "model.trainable_variables",
    "self.model.head",
    "[model.encoder, model.decoder]",
    "model.layers[0].kernel",
])
def test_parts_of_objects_are_partial(value: str) -> None:
    before = src(f"""
        import tensorflow as tf

        class Loader:
            def load(self, path):
                tf.train.Checkpoint(part={value}).restore(path)
    """)
    assert_migrates(before, before.replace("restore(path)", "restore(path).expect_partial()"))


@pytest.mark.parametrize("value", ["model", "self.model", "tf.Variable(0)", "config.model", "[model, optimizer]"])
def test_whole_objects_are_not_parts(value: str) -> None:
    assert_unchanged(src(f"""
        import tensorflow as tf
        import config

        class Loader:
            def load(self, path):
                tf.train.Checkpoint(obj={value}).restore(path)
    """))


def test_contrib_constructor_is_rewritten_and_marked_partial() -> None:
    before = src("""
        import tensorflow as tf
        import tensorflow.contrib.eager as tfe

        tfe.Checkpoint(kernel=model.dense.kernel).restore(path)
    """)
    assert_migrates(before, src("""
        import tensorflow as tf

        tf.train.Checkpoint(kernel=model.dense.kernel).restore(path).expect_partial()
    """))


def test_self_attribute_checkpoint_in_another_method() -> None:
    before = src("""
        import tensorflow as tf

        class Trainer:
            def __init__(self, model):
                self.ckpt = tf.train.Checkpoint(encoder=model.encoder)

            def load(self, path):
                self.ckpt.restore(path)
    """)
    assert_migrates(before, before.replace("restore(path)", "restore(path).expect_partial()"))


def test_status_name_gets_expect_partial_on_the_assignment() -> None:
    before = src("""
        import tensorflow as tf

        ckpt = tf.train.Checkpoint(head=model.head)
        status = ckpt.restore(path)
        print(status)
    """)
    assert_migrates(before, before.replace("ckpt.restore(path)", "ckpt.restore(path).expect_partial()"))


def test_crlf_and_comments_survive() -> None:
    before = ("import tensorflow as tf\r\n\r\n# restore the head only\r\n"
              "ckpt = tf.train.Checkpoint(head=model.head)  # part\r\nckpt.restore(path)  # go\r\n")
    assert_migrates(before, before.replace("ckpt.restore(path)", "ckpt.restore(path).expect_partial()"))


# -- detection 2: a strict subset of what this module saves ----------------------------------------------------------
def test_subset_of_a_checkpoint_saved_in_the_module() -> None:
    before = src("""
        import tensorflow as tf

        train_ckpt = tf.train.Checkpoint(model=model, optimizer=optimizer, step=step)
        train_ckpt.save(prefix)

        def serve(path):
            ckpt = tf.train.Checkpoint(model=model)
            ckpt.restore(path)
    """)
    result = assert_migrates(before, before.replace("ckpt.restore(path)", "ckpt.restore(path).expect_partial()"))
    assert result.reasons == ("line 8: added .expect_partial(): restores model; the checkpoint saved at line 3 also "
                              "holds optimizer, step",)


def test_checkpoint_saved_through_a_manager_counts_as_saved() -> None:
    before = src("""
        import tensorflow as tf

        class Trainer:
            def __init__(self):
                self.ckpt = tf.train.Checkpoint(model=model, optimizer=optimizer)
                self.manager = tf.train.CheckpointManager(self.ckpt, "ckpts", max_to_keep=3)

            def step(self):
                self.manager.save()

        def serve(path):
            tf.train.Checkpoint(model=model).restore(path)
    """)
    result = assert_migrates(before, before.replace("restore(path)", "restore(path).expect_partial()"))
    assert result.reasons == ("line 12: added .expect_partial(): restores model; the checkpoint saved at line 5 also "
                              "holds optimizer",)


def test_a_manager_that_never_saves_does_not_make_a_saved_checkpoint() -> None:
    assert_unchanged(src("""
        import tensorflow as tf

        ckpt = tf.train.Checkpoint(model=model, optimizer=optimizer)
        manager = tf.train.CheckpointManager(ckpt, "ckpts", max_to_keep=3)
        manager.restore_or_initialize()
        tf.train.Checkpoint(model=model).restore(path)
    """))


def test_same_keywords_as_the_saved_checkpoint_is_a_full_restore() -> None:
    assert_unchanged(src("""
        import tensorflow as tf

        tf.train.Checkpoint(model=model, optimizer=optimizer).write(prefix)
        tf.train.Checkpoint(optimizer=optimizer, model=model).restore(path)
    """))


def test_subset_that_also_matches_another_saved_checkpoint_exactly_is_left_alone() -> None:
    assert_unchanged(src("""
        import tensorflow as tf

        tf.train.Checkpoint(model=model, optimizer=optimizer).save(a)
        tf.train.Checkpoint(model=model).save(b)
        tf.train.Checkpoint(model=model).restore(path)
    """))


def test_a_checkpoint_that_saves_itself_may_restore_its_own_file() -> None:
    assert_unchanged(src("""
        import tensorflow as tf

        tf.train.Checkpoint(model=model, optimizer=optimizer).save(a)
        ckpt = tf.train.Checkpoint(model=model)
        ckpt.save(b)
        ckpt.restore(path)
    """))


# -- detection 3: filtered constructions ----------------------------------------------------------------------------
def test_filtered_comprehension_in_the_call() -> None:
    before = src("""
        import tensorflow as tf

        ckpt = tf.train.Checkpoint(**{k: v for k, v in objects.items() if k != "optimizer"})
        ckpt.restore(path)
    """)
    assert_migrates(before, before.replace("ckpt.restore(path)", "ckpt.restore(path).expect_partial()"))


def test_mapping_extended_under_a_condition() -> None:
    before = src("""
        import tensorflow as tf

        def load(path, include_optimizer):
            objects = dict(model=model)
            if include_optimizer:
                objects.update(optimizer=optimizer)
            tf.train.Checkpoint(**objects).restore(path)
    """)
    result = assert_migrates(before, before.replace("restore(path)", "restore(path).expect_partial()"))
    assert result.reasons == ("line 7: added .expect_partial(): the checkpoint's objects come from `objects`, "
                              "extended under a condition "
                              "at line 6",)


def test_mapping_extended_unconditionally_is_not_partial() -> None:
    assert_unchanged(src("""
        import tensorflow as tf

        def load(path):
            objects = dict(model=model)
            objects.update(optimizer=optimizer)
            tf.train.Checkpoint(**objects).restore(path)
    """))


def test_mapping_from_a_filtered_comprehension_name() -> None:
    before = src("""
        import tensorflow as tf

        objects = {name: obj for name, obj in everything.items() if name in wanted}
        tf.train.Checkpoint(**objects).restore(path)
    """)
    assert_migrates(before, before.replace("restore(path)", "restore(path).expect_partial()"))


# -- detection 4: the author asserts a partial match -------------------------------------------------------------------
def test_assert_existing_objects_matched_chained() -> None:
    before = src("""
        import tensorflow as tf

        ckpt = tf.train.Checkpoint(model=model)
        ckpt.restore(path).assert_existing_objects_matched()
    """)
    assert_migrates(before, before.replace("restore(path)", "restore(path).expect_partial()"))


def test_assert_existing_objects_matched_on_status_name() -> None:
    before = src("""
        import tensorflow as tf

        def load(path):
            ckpt = tf.train.Checkpoint(model=model)
            status = ckpt.restore(path)
            status.assert_existing_objects_matched()
    """)
    assert_migrates(before, before.replace("restore(path)", "restore(path).expect_partial()"))


# -- detection 5: across the files of a run ----------------------------------------------------------------------------
TRAIN = src("""
    import tensorflow as tf

    ckpt = tf.train.Checkpoint(model=model, optimizer=optimizer, optimizer_step=step)
    manager = tf.train.CheckpointManager(ckpt, "ckpts", max_to_keep=3)
    for batch in data:
        manager.save()
""")
EVAL = src("""
    import tensorflow as tf

    ckpt = tf.train.Checkpoint(model=model)
    ckpt.restore(tf.train.latest_checkpoint("ckpts"))
""")


def collect(text: str, path: str = "t.py") -> tuple:
    return SavedCheckpoints.collect(_FactSource(path, text.encode()))


def saved_facts(files: dict[str, str]) -> ProjectSaves:
    """What the runner's fact pass gives every file: the saved checkpoints of all files, combined."""
    return SavedCheckpoints.combine([(path, collect(text, path)) for path, text in files.items()])


def test_cross_file_subset_of_a_saved_checkpoint() -> None:
    project = saved_facts({"train.py": TRAIN, "eval.py": EVAL})
    assert project.saved == (("train.py", 3, frozenset({"model", "optimizer", "optimizer_step"})),)
    result = assert_migrates(EVAL, EVAL.replace('"ckpts"))', '"ckpts")).expect_partial()'), path="eval.py",
                             project=project)
    assert result.reasons == ("line 4: added .expect_partial(): restores model; the checkpoint saved at train.py:3 "
                              "also holds "
                              "optimizer, optimizer_step",)
    # The saving file itself is untouched by its own fact.
    assert migrate(TRAIN, path="train.py", project=project).new is None


def test_single_file_alone_gets_no_cross_file_detection() -> None:
    assert_unchanged(EVAL)


def test_own_saved_facts_are_ignored() -> None:
    project = ProjectSaves(saved=(("./eval.py", 1, frozenset({"model", "optimizer"})),))
    assert migrate(EVAL, path="eval.py", project=project).new is None


def test_cross_file_full_restore_is_left_alone() -> None:
    project = ProjectSaves(saved=(("a.py", 3, frozenset({"model", "optimizer"})), ("b.py", 9, frozenset({"model"}))))
    assert migrate(EVAL, path="eval.py", project=project).new is None


def test_compact_project_facts_give_every_file_the_same_answer() -> None:
    """Workers get the combined (compacted) facts: they must decide every restore as the full list would."""
    from tfckpt_codemod.transforms._checkpoints import SavedCheckpoint

    sets = [frozenset(s) for s in ({"model"}, {"model", "optimizer"}, {"model", "optimizer", "step"}, {"step"})]
    entries = [(path, line, sets[(line * 7 + len(path)) % len(sets)])
               for line, path in enumerate(["eval.py", "a.py", "./a.py", "b.py", "eval.py",
                                            "a.py", "c.py", "b.py", "a.py", "d.py"] * 3, 1)]
    full = ProjectSaves(saved=tuple(entries))
    compact = SavedCheckpoints.combine([(path, (SavedCheckpoint(line, names),)) for path, line, names in entries])
    assert len(compact.saved) <= 2 * len(sets) < len(full.saved)
    for path in ("eval.py", "a.py", "b.py", "c.py", "d.py", "new.py"):
        for keywords in ("model=m", "model=m, optimizer=o", "step=s", "model=m, step=s"):
            source = f"import tensorflow as tf\n\nckpt = tf.train.Checkpoint({keywords})\nckpt.restore(p)\n"
            expected = migrate(source, path=path, project=full)
            assert migrate(source, path=path, project=compact) == expected, (path, keywords)


def test_the_fact_pass_does_not_load_libcst(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """It reads every saving file of a project; loading the parser for it would tax runs that parse nothing."""
    import subprocess
    import sys

    PATH = tmp_path / "a.py"
    PATH.write_text("import tensorflow as tf\ntf.train.Checkpoint(m=m).save(p)\n")
    code = ("import sys; from tfckpt_codemod.facts import _collect_file; "
            f"print(_collect_file({str(PATH)!r}, ('TFC301', 'TFC201')), 'libcst' in sys.modules)")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split()
    assert "SavedCheckpoint(line=2," in " ".join(output) and output[-1] == "False"


# -- never ------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("source", [
    # Already silenced: chained, after another status method, or on the status name.
    "import tensorflow as tf\nckpt = tf.train.Checkpoint(h=model.head)\nckpt.restore(p).expect_partial()\n",
    "import tensorflow as tf\nckpt = tf.train.Checkpoint(h=model.head)\n"
    "ckpt.restore(p).assert_existing_objects_matched().expect_partial()\n",
    "import tensorflow as tf\nckpt = tf.train.Checkpoint(h=model.head)\ns = ckpt.restore(p)\ns.expect_partial()\n",
    # Not a status.
    "import tensorflow as tf\nckpt = tf.train.Checkpoint(h=model.head)\n"
    "manager = tf.train.CheckpointManager(ckpt, d, 3)\nmanager.restore_or_initialize()\n",
    # Not a checkpoint this module built.
    "import tensorflow as tf\n\nclass Trainer:\n    def restore(self, p):\n        pass\n\nTrainer().restore(p)\n",
    "import tensorflow as tf\nsaver = tf.compat.v1.train.Saver()\nsaver.restore(sess, p)\n",
    "import tensorflow as tf\nmodel = tf.keras.Model()\nmodel.load_weights(p)\nmodel.restore(p)\n",
    "import tensorflow as tf\nckpt = make_checkpoint(head=model.head)\nckpt.restore(p)\n",
    # A name bound to a checkpoint in one branch and something else in another is not known to be a checkpoint.
    "import tensorflow as tf\nif a:\n    ckpt = tf.train.Checkpoint(h=model.head)\nelse:\n    ckpt = other\n"
    "ckpt.restore(p)\n",
])
def test_never(source: str) -> None:
    result = assert_unchanged(source)
    assert not [f for f in result.findings if f.code in ("TFC301", "TFC302")]


def test_partial_restore_asserted_consumed_is_reported_not_rewritten() -> None:
    source = src("""
        import tensorflow as tf

        ckpt = tf.train.Checkpoint(head=model.head)
        status = ckpt.restore(path)
        status.assert_consumed()
    """)
    result = assert_unchanged(source)
    [finding] = [f for f in result.findings if f.code in ("TFC301", "TFC302")]
    assert finding.code == "TFC302" and not finding.fixed
    assert finding.message.startswith("restore is partial but asserted consumed; decide which you mean")
    assert (finding.line, finding.column) == (4, 15)
    assert result.reasons == ()


def test_assert_consumed_alone_is_not_partial() -> None:
    result = assert_unchanged("import tensorflow as tf\nckpt = tf.train.Checkpoint(model=m)\n"
                              "ckpt.restore(p).assert_consumed()\n")
    assert result.findings == ()


# -- the rule's own examples and registration ----------------------------------------------------------------------
@pytest.mark.parametrize("source", RestoreExpectPartial.VALID)
def test_valid_examples(source: str) -> None:
    assert_unchanged(source)


@pytest.mark.parametrize(("before", "after"), RestoreExpectPartial.INVALID)
def test_invalid_examples(before: str, after: str) -> None:
    assert_migrates(before, after)


def test_rule_table_lists_both_codes() -> None:
    codes = {rule.code: rule for rule in rule_table()}
    assert codes["TFC301"].autofix and not codes["TFC302"].autofix


def test_rule_selection_by_code() -> None:
    before = "import tensorflow as tf\ntf.train.Checkpoint(h=model.head).restore(p)\n"
    result = migrate_source(before.encode(), rules=(RestoreExpectPartial,))
    assert result.new == before.replace("restore(p)", "restore(p).expect_partial()").encode()


# -- the fact collector -----------------------------------------------------------------------------------------------
def test_collect_follows_names_self_attributes_and_chains() -> None:
    source = src("""
        import tensorflow as tf
        import tensorflow.contrib.eager as tfe
        from tensorflow.train import Checkpoint

        ckpt = tf.train.Checkpoint(model=model, optimizer=opt)
        ckpt.save(prefix)

        class Trainer:
            def __init__(self):
                self.ckpt = tfe.Checkpoint(model=model)

            def load(self, path):
                self.ckpt.restore(path)

        def export(path):
            Checkpoint(step=step).write(path)
            tf.train.Checkpoint(**objects).save(path)
            other = tf.train.Checkpoint(model=model)
    """)
    assert [(f.line, sorted(f.keywords)) for f in collect(source)] == [(5, ["model", "optimizer"]), (16, ["step"])]


def test_collect_scopes_names_by_function() -> None:
    source = src("""
        import tensorflow as tf

        def train():
            ckpt = tf.train.Checkpoint(model=m, optimizer=o)
            ckpt.save(p)

        def evaluate():
            ckpt = tf.train.Checkpoint(model=m)
            ckpt.restore(p)
    """)
    assert [f.line for f in collect(source)] == [4]


def test_collect_ignores_what_is_not_a_tensorflow_checkpoint() -> None:
    source = src("""
        import tensorflow as tf
        from mylib import Checkpoint

        ckpt = Checkpoint(model=m)
        ckpt.save(p)
        ckpt2 = tf.train.Checkpoint(model=m)
        ckpt2 = something_else
        ckpt2.save(p)
    """)
    assert collect(source) == ()


def test_collect_on_unparsable_or_irrelevant_files() -> None:
    assert collect("import tensorflow as tf\ntf.train.Checkpoint(model=m).save(\n", "bad.py") == ()
    assert collect("x = 1\n", "plain.py") == ()


def test_collect_counts_a_manager_save_as_saving_its_checkpoint() -> None:
    source = src("""
        import tensorflow as tf

        class Trainer:
            def __init__(self):
                self.ckpt = tf.train.Checkpoint(model=m, optimizer=o)
                self.manager = tf.train.CheckpointManager(self.ckpt, "d", max_to_keep=3)
                self.other = tf.train.Checkpoint(model=m)
                tf.train.CheckpointManager(self.other, "e", max_to_keep=1).restore_or_initialize()

            def step(self):
                self.manager.save()
    """)
    assert [f.line for f in collect(source)] == [5]


# -- one model: a restore gets the same answer whether what it is compared with is in its file or another ------------
DIFFERENTIAL = [
    # (name, saving part, restoring part, partial?)
    ("subset-of-what-is-saved", "ckpt = tf.train.Checkpoint(model=m, optimizer=o, step=s)\nckpt.save(p)\n",
     "serve = tf.train.Checkpoint(model=m)\nserve.restore(q)\n", True),
    ("exactly-what-is-saved", "ckpt = tf.train.Checkpoint(model=m)\nckpt.save(p)\n",
     "serve = tf.train.Checkpoint(model=m)\nserve.restore(q)\n", False),
    ("saved-through-a-manager",
     "ckpt = tf.train.Checkpoint(model=m, optimizer=o)\nmanager = tf.train.CheckpointManager(ckpt, d, 3)\n"
     "manager.save()\n", "serve = tf.train.Checkpoint(model=m)\nserve.restore(q)\n", True),
    ("saved-through-self",
     "class T:\n    def __init__(self):\n        self.ckpt = tf.train.Checkpoint(model=m, step=s)\n\n"
     "    def save(self):\n        self.ckpt.save(p)\n",
     "def serve():\n    tf.train.Checkpoint(model=m).restore(q)\n", True),
    ("unrelated", "ckpt = tf.train.Checkpoint(encoder=e)\nckpt.save(p)\n",
     "serve = tf.train.Checkpoint(model=m)\nserve.restore(q)\n", False),
    ("a-subset-and-an-exact-save", "a = tf.train.Checkpoint(model=m, step=s)\na.save(p)\n"
     "b = tf.train.Checkpoint(model=m)\nb.save(p)\n",
     "serve = tf.train.Checkpoint(model=m)\nserve.restore(q)\n", False),
    ("contrib-spelling-of-the-saving-file",
     "from tensorflow.contrib.eager.python import tfe\nckpt = tfe.Checkpoint(model=m, optimizer=o)\nckpt.save(p)\n",
     "serve = tf.train.Checkpoint(model=m)\nserve.restore(q)\n", True),
    ("annotated-assignment", "ckpt: tf.train.Checkpoint = tf.train.Checkpoint(model=m, step=s)\nckpt.save(p)\n",
     "serve = tf.train.Checkpoint(model=m)\nserve.restore(q)\n", True),
    ("a-global-rebinding-hides-what-is-saved",
     "ckpt = tf.train.Checkpoint(model=m, step=s)\nckpt.save(p)\n\n\ndef reset():\n    global ckpt\n    ckpt = None\n",
     "serve = tf.train.Checkpoint(model=m)\nserve.restore(q)\n", False),
    ("compat-v1-import", "ckpt = tf.compat.v1.train.Checkpoint(model=m, step=s)\nckpt.save(p)\n",
     "serve = tf.train.Checkpoint(model=m)\nserve.restore(q)\n", True),
]


def _partial(result: FileResult) -> bool:
    return b".expect_partial()" in (result.new or b"")


@pytest.mark.parametrize(("saving", "restoring", "partial"),
                         [pytest.param(s, r, p, id=i) for i, s, r, p in DIFFERENTIAL])
def test_one_file_and_two_files_give_the_same_answer(saving: str, restoring: str, partial: bool) -> None:
    head = "import tensorflow as tf\n"
    one = migrate_source((head + saving + "\n" + restoring).encode(), "one.py")
    train, serve = head + saving, head + restoring
    project = {"TFC301": SavedCheckpoints.combine([(path, collect(text, path)) for path, text in
                                                   (("train.py", train), ("serve.py", serve))])}
    two = migrate_source(serve.encode(), "serve.py", project=project)
    assert _partial(one) == _partial(two) == partial


def test_the_modules_own_saves_win_over_another_files() -> None:
    """This module saves model+step and restores model: partial, although another file saves model alone."""
    source = src("""
        import tensorflow as tf

        train = tf.train.Checkpoint(model=m, step=s)
        train.save(p)
        serve = tf.train.Checkpoint(model=m)
        serve.restore(p)
    """)
    project = saved_facts({"other.py": "import tensorflow as tf\nc = tf.train.Checkpoint(model=m)\nc.save(p)\n"})
    result = migrate(source, path="mod.py", project=project)
    assert output(result).endswith("serve.restore(p).expect_partial()\n")


def test_parts_of_a_model_keep_their_expect_partial_when_the_module_saves_the_same_parts() -> None:
    """The seed's Example 2: a checkpoint of parts restores partially by construction, whatever else is saved."""
    source = src("""
        import tensorflow as tf

        checkpoint = tf.train.Checkpoint(w=model.layer1.kernel, b=model.layer1.bias)
        checkpoint.save(p)
        checkpoint.restore(p)
    """)
    assert output(migrate(source)).endswith("checkpoint.restore(p).expect_partial()\n")
