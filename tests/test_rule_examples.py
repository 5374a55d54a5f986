"""Every rule's own VALID and INVALID examples, each run with that rule alone, the way Fixit runs a rule's examples.

"Alone" means the rule and the fixed final passes that follow every rule (import cleanup, remaining-contrib
report), which is what `--select CODE` runs too.
"""

from __future__ import annotations

import pytest

from tfckpt_codemod.transforms import all_rules, is_pass

from helpers import assert_migrates, migrate

RULES = all_rules()
PASSES = tuple(rule for rule in RULES if is_pass(rule))


def alone(rule: type) -> tuple[type, ...]:
    return (rule,) if is_pass(rule) else (rule, *PASSES)


VALID = [pytest.param(rule, source, id=f"{rule.CODE}-valid-{i}") for rule in RULES for i, source in
         enumerate(rule.VALID)]
INVALID = [pytest.param(rule, before, after, id=f"{rule.CODE}-invalid-{i}") for rule in RULES
           for i, (before, after) in enumerate(rule.INVALID)]


@pytest.mark.parametrize(("rule", "source"), VALID)
def test_valid_examples_are_left_alone(rule: type, source: str) -> None:
    result = migrate(source, rules=alone(rule))
    assert result.error is None
    assert result.new is None
    assert not [f for f in result.findings if f.code == rule.CODE]


@pytest.mark.parametrize(("rule", "before", "after"), INVALID)
def test_invalid_examples_are_migrated_or_reported(rule: type, before: str, after: str) -> None:
    result = assert_migrates(before, after, rules=alone(rule))
    if before == after:  # a finding-only rule: it must say something, at a real position
        assert rule.CODE in {f.code for f in result.findings}
        assert all(f.line >= 1 and f.column >= 1 for f in result.findings)


def test_every_rule_has_examples_and_a_unique_code() -> None:
    codes = [rule.CODE for rule in RULES]
    assert len(codes) == len(set(codes))
    for rule in RULES:
        assert rule.INVALID, f"{rule.CODE} has no INVALID example"


def test_each_rule_is_a_libcst_codemod_command_too() -> None:
    from libcst.codemod import CodemodCommand

    from tfckpt_codemod.transforms import commands

    for rule in RULES:
        command = getattr(commands, rule.__name__)
        assert issubclass(command, CodemodCommand)
        assert command.DESCRIPTION == f"{rule.CODE}: {rule.SUMMARY}"
