"""The registry's copy of each rule's code, trigger words and other codes equals the rule class's own."""

from __future__ import annotations

import subprocess
import sys

from tfckpt_codemod.transforms import PASSES_REGISTRY, RULES_REGISTRY, _load, is_pass, reported_codes


def test_every_entry_matches_its_rule_class() -> None:
    for entry in (*RULES_REGISTRY, *PASSES_REGISTRY):
        rule = _load(entry)
        assert (entry.code, entry.triggers, entry.emits) == (rule.CODE, rule.TRIGGERS,
                                                             tuple(code for code, _, _ in rule.EMITS)), entry.target
        assert is_pass(rule) == (entry in PASSES_REGISTRY)


def test_reported_codes_are_every_code_a_rule_reports() -> None:
    from tfckpt_codemod.transforms import known_codes

    assert reported_codes() == tuple(known_codes())


def test_choosing_rules_and_prefiltering_import_no_rule() -> None:
    code = ("import sys; from tfckpt_codemod.transforms import select_codes, triggers; "
            "triggers(select_codes(['TFC1'], ['TFC103'])); "
            "print(sorted(m for m in sys.modules if m.startswith('tfckpt_codemod.transforms.')))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
