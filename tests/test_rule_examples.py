"""Every rule's own VALID and INVALID examples, run the way Fixit runs a rule's examples."""

from __future__ import annotations

import pytest

from tfckpt_codemod.transforms import RULES

from helpers import assert_migrates, migrate

VALID = [pytest.param(rule, source, id=f"{rule.CODE}-valid-{i}") for rule in RULES for i, source in
         enumerate(rule.VALID)]
INVALID = [pytest.param(rule, before, after, id=f"{rule.CODE}-invalid-{i}") for rule in RULES
           for i, (before, after) in enumerate(rule.INVALID)]


@pytest.mark.parametrize(("rule", "source"), VALID)
def test_valid_examples_are_left_alone(rule: type, source: str) -> None:
    result = migrate(source)
    assert result.error is None
    assert result.new is None
    assert not [f for f in result.findings if f.code == rule.CODE]


@pytest.mark.parametrize(("rule", "before", "after"), INVALID)
def test_invalid_examples_are_migrated_or_reported(rule: type, before: str, after: str) -> None:
    result = assert_migrates(before, after)
    if before == after:  # a finding-only rule: it must say something, at a real position
        codes = [f.code for f in result.findings]
        assert rule.CODE in codes
        assert all(f.line >= 1 and f.column >= 1 for f in result.findings)


def test_every_rule_has_examples_and_a_unique_code() -> None:
    codes = [rule.CODE for rule in RULES]
    assert len(codes) == len(set(codes))
    for rule in RULES:
        assert rule.INVALID, f"{rule.CODE} has no INVALID example"


def test_the_registry_names_each_rule_class_once_with_its_code() -> None:
    from tfckpt_codemod.transforms import REGISTRY, load_rules

    assert [rule.CODE for rule in load_rules()] == [code for code, *_ in REGISTRY]


def test_each_rule_is_a_libcst_codemod_command_too() -> None:
    from libcst.codemod import CodemodCommand

    from tfckpt_codemod.transforms import commands

    for rule in RULES:
        command = getattr(commands, rule.__name__)
        assert issubclass(command, CodemodCommand)
        assert command.DESCRIPTION == f"{rule.CODE}: {rule.SUMMARY}"
