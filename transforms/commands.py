"""Each rule as a LibCST codemod command, so LibCST's own runner can apply one rule on its own:

    python -m libcst.tool codemod -x --no-format tfckpt_codemod.transforms.commands.CheckpointConstructor src/

The classes are made from the registry, one per rule, named like the rule; the import passes run after the rule,
as they do in every migration. Kept apart from the rules because `libcst.codemod` imports all of
`libcst.matchers`, which the tool's own runs never need.
"""

from __future__ import annotations

import sys

import libcst as cst
from libcst.codemod import CodemodCommand

from . import PASSES_REGISTRY, RULES_REGISTRY, _load, all_rules, is_pass
from ._rule import Rule


def _command(rule: type[Rule]) -> type[CodemodCommand]:
    def transform_module_impl(self: CodemodCommand, tree: cst.Module) -> cst.Module:
        from tfckpt_codemod.engine import migrate_source

        filename = self.context.filename or "<stdin>"
        passes = tuple(r for r in all_rules() if is_pass(r))
        result = migrate_source(tree.bytes, filename, rules=(rule, *passes))
        for finding in result.findings:
            self.warn(finding.render(filename))
        if result.error is not None:
            raise ValueError(result.error)
        return cst.parse_module(result.new) if result.new is not None else tree

    return type(rule.__name__, (CodemodCommand,), {
        "DESCRIPTION": f"{rule.CODE}: {rule.SUMMARY}",
        "__doc__": sys.modules[rule.__module__].__doc__,
        "__module__": __name__,
        "transform_module_impl": transform_module_impl,
    })


for _entry in (*RULES_REGISTRY, *PASSES_REGISTRY):
    _rule = _load(_entry)
    setattr(sys.modules[__name__], _rule.__name__, _command(_rule))
