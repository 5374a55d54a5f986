"""TFC301/TFC302: `.expect_partial()` on restores that are partial by construction, and only there."""

from __future__ import annotations

import ast
import textwrap

import libcst as cst
import pytest

from tfckpt_codemod.engine import migrate_source
from tfckpt_codemod.transforms import rule_table
from tfckpt_codemod.transforms._base import ProjectFacts
from tfckpt_codemod.transforms._facts import collect_facts
from tfckpt_codemod.transforms.restore_expect_partial import RestoreExpectPartial
from tfckpt_codemod.types import Fact, FileResult


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def migrate(source: str, *, path: str = "mod.py", project: ProjectFacts | None = None) -> FileResult:
    result = migrate_source(source.encode(), path, project=project)
    assert result.error is None, result.error
    return result


def output(result: FileResult) -> str:
    return (result.new if result.new is not None else result.old or b"").decode()


def assert_migrates(before: str, after: str, *, path: str = "mod.py",
                    project: ProjectFacts | None = None) -> FileResult:
    """The rewrite gives exactly `after`, which parses, and which a second run leaves byte-identical."""
    result = migrate(before, path=path, project=project)
    assert output(result) == after
    cst.parse_module(after)
    ast.parse(after)
    again = migrate(after, path=path, project=project)
    assert again.new is None, output(again)
    assert not [f for f in again.findings if f.code == "TFC301"]
    return result


def assert_unchanged(source: str, *, project: ProjectFacts | None = None) -> FileResult:
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
    assert finding.message == ("checkpoint is built from parts of larger objects "
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
    assert result.reasons == ("line 8: checkpoint saved with model, optimizer, step at line 3",)


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
    assert result.reasons == ("line 12: checkpoint saved with model, optimizer at line 5",)


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
    assert result.reasons == ("line 7: checkpoint objects come from `objects`, extended under a condition at line 6",)


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


# -- detection 5: across the files of a run -----------------------------------------------------------------------------
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


def saved_facts(files: dict[str, str]) -> ProjectFacts:
    """What the runner's first pass gives every file: the saving facts of all files."""
    return ProjectFacts(saved=tuple((path, fact.line, fact.keywords) for path, text in files.items()
                                    for fact in collect_facts(text.encode(), path) if fact.saves))


def test_cross_file_subset_of_a_saved_checkpoint() -> None:
    project = saved_facts({"train.py": TRAIN, "eval.py": EVAL})
    assert project.saved == (("train.py", 3, frozenset({"model", "optimizer", "optimizer_step"})),)
    result = assert_migrates(EVAL, EVAL.replace('"ckpts"))', '"ckpts")).expect_partial()'), path="eval.py",
                             project=project)
    assert result.reasons == ("line 4: checkpoint saved with model, optimizer, optimizer_step at train.py:3",)
    # The saving file itself is untouched by its own fact.
    assert migrate(TRAIN, path="train.py", project=project).new is None


def test_single_file_alone_gets_no_cross_file_detection() -> None:
    assert_unchanged(EVAL)


def test_own_saved_facts_are_ignored() -> None:
    project = ProjectFacts(saved=(("./eval.py", 1, frozenset({"model", "optimizer"})),))
    assert migrate(EVAL, path="eval.py", project=project).new is None


def test_cross_file_full_restore_is_left_alone() -> None:
    project = ProjectFacts(saved=(("a.py", 3, frozenset({"model", "optimizer"})), ("b.py", 9, frozenset({"model"}))))
    assert migrate(EVAL, path="eval.py", project=project).new is None


def test_compact_project_facts_give_every_file_the_same_answer() -> None:
    """The runner hands workers `compact()` facts: they must decide every restore as the full list would."""
    sets = [frozenset(s) for s in ({"model"}, {"model", "optimizer"}, {"model", "optimizer", "step"}, {"step"})]
    full = ProjectFacts(saved=tuple((path, line, sets[(line * 7 + len(path)) % len(sets)])
                                    for line, path in enumerate(["eval.py", "a.py", "./a.py", "b.py", "eval.py",
                                                                 "a.py", "c.py", "b.py", "a.py", "d.py"] * 3, 1)))
    compact = full.compact()
    assert len(compact.saved) <= 2 * len(sets) < len(full.saved)
    for path in ("eval.py", "a.py", "b.py", "c.py", "d.py", "new.py"):
        for keywords in ("model=m", "model=m, optimizer=o", "step=s", "model=m, step=s"):
            source = f"import tensorflow as tf\n\nckpt = tf.train.Checkpoint({keywords})\nckpt.restore(p)\n"
            expected = migrate(source, path=path, project=full)
            assert migrate(source, path=path, project=compact) == expected, (path, keywords)


def test_the_fact_pass_does_not_load_libcst() -> None:
    """It reads every saving file of a run; loading the parser for it would tax runs that parse nothing."""
    import subprocess
    import sys

    code = ("import sys; from tfckpt_codemod.transforms import collect_facts; "
            "collect_facts(b'import tensorflow as tf\\ntf.train.Checkpoint(m=m).save(p)\\n', 'a.py'); "
            "print('libcst' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


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


# -- collect_facts ----------------------------------------------------------------------------------------------------
def test_collect_facts_follows_names_self_attributes_and_chains() -> None:
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
    assert collect_facts(source.encode(), "t.py") == (
        Fact(frozenset({"model", "optimizer"}), 5, saves=True, restores=False),
        Fact(frozenset({"model"}), 10, saves=False, restores=True),
        Fact(frozenset({"step"}), 16, saves=True, restores=False),
        Fact(frozenset({"model"}), 18, saves=False, restores=False),
    )


def test_collect_facts_scopes_names_by_function() -> None:
    source = src("""
        import tensorflow as tf

        def train():
            ckpt = tf.train.Checkpoint(model=m, optimizer=o)
            ckpt.save(p)

        def evaluate():
            ckpt = tf.train.Checkpoint(model=m)
            ckpt.restore(p)
    """)
    facts = collect_facts(source.encode(), "t.py")
    assert [(f.line, f.saves, f.restores) for f in facts] == [(4, True, False), (8, False, True)]


def test_collect_facts_ignores_what_is_not_a_tensorflow_checkpoint() -> None:
    source = src("""
        import tensorflow as tf
        from mylib import Checkpoint

        ckpt = Checkpoint(model=m)
        ckpt.save(p)
        ckpt2 = tf.train.Checkpoint(model=m)
        ckpt2 = something_else
        ckpt2.save(p)
    """)
    assert collect_facts(source.encode(), "t.py") == (Fact(frozenset({"model"}), 6, saves=False, restores=False),)


def test_collect_facts_on_unparsable_or_irrelevant_files() -> None:
    assert collect_facts(b"import tensorflow as tf\ntf.train.Checkpoint(model=m).save(\n", "bad.py") == ()
    assert collect_facts(b"x = 1\n", "plain.py") == ()


def test_collect_facts_counts_a_manager_save_as_saving_its_checkpoint() -> None:
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
    facts = collect_facts(source.encode(), "t.py")
    assert [(f.line, f.saves) for f in facts] == [(5, True), (7, False)]
