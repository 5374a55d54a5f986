"""TFC107: the rest of `tf.contrib.eager` that has an exact TF 2 spelling.

A file that imported `tfe` for `tfe.Checkpoint` nearly always uses `tfe.GradientTape`, `tfe.Variable`,
`tfe.enable_eager_execution` too, and while one of them remains the `tfe` import stays and the file dies on TF 2.
Every public member of TF 1.15's tfe.py has a row in the symbol table: where TF 2.21 has the very same object under
a public name (GradientTape, py_function, function, custom_gradient, executing_eagerly, TensorSpec, ...), every use
is renamed; four more are exact rewrites under conditions, checked here:

- `tfe.Variable(...)` was `ResourceVariable`, whose third positional parameter is `collections` where
  `tf.Variable`'s is `validate_shape` (which would take it silently), and which bypassed variable creators that
  `tf.Variable` goes through (tf.function, creator scopes): a call with at most two positional arguments and only
  parameters both share, outside a `tf.function`/`defun`, becomes `tf.Variable(...)`;
- `tfe.make_template(...)` was `make_template_internal`: `tf.compat.v1.make_template` with at most five positional
  arguments and no `create_graph_function_`;
- `tfe.run(main, argv)` enabled eager execution then ran the app: `tf.compat.v1.app.run(main, argv)` where eager is
  on, i.e. in a file that never turns it off;
- `tfe.get_optimizer_variables(opt)` returned `opt.variables()`.

The members without a home are reported (TFC901) with what to write instead.
"""

from __future__ import annotations

import ast

from ._analysis import Ref, dotted
from ._context import MigrationContext, display
from ._rename import names_the_symbol, rewrite_rows
from ._rule import Rule

_VARIABLE_KEYWORDS = frozenset({"initial_value", "trainable", "validate_shape", "caching_device", "name", "dtype",
                                "variable_def", "import_scope", "constraint", "synchronization", "aggregation",
                                "shape", "collections"})
_TRACING = frozenset({"function", "defun"})  # decorators under which tf.Variable and ResourceVariable differ
_EAGER_OFF = ("disable_eager_execution", "disable_v2_behavior")


class EagerNamespace(Rule):
    CODE = "TFC107"
    NAME = "contrib-eager-namespace"
    SUMMARY = "the rest of tf.contrib.eager with an exact TF 2 spelling (GradientTape, Variable, py_function, ...)"
    VALID = ("import tensorflow as tf\nwith tf.GradientTape() as tape:\n    y = f(x)\n",)
    INVALID = (
        (
            "import tensorflow as tf\nimport tensorflow.contrib.eager as tfe\n\ntfe.enable_eager_execution()\n"
            "w = tfe.Variable(1.0, name='w')\nwith tfe.GradientTape() as tape:\n    loss = w * w\n"
            "slots = tfe.get_optimizer_variables(optimizer)\n",
            "import tensorflow as tf\n\ntf.compat.v1.enable_eager_execution()\n"
            "w = tf.Variable(1.0, name='w')\nwith tf.GradientTape() as tape:\n    loss = w * w\n"
            "slots = optimizer.variables()\n",
        ),
    )

    @classmethod
    def plan(cls, context: MigrationContext) -> None:
        special = {"contrib.eager.Variable": _variable, "contrib.eager.make_template": _make_template,
                   "contrib.eager.run": _run, "contrib.eager.get_optimizer_variables": _optimizer_variables}
        aliases = [ref for ref in context.analysis.refs if ref.symbol is not None and ref.symbol.code == cls.CODE
                   and ref.contrib not in special]
        if aliases:
            rewrite_rows(context, cls.CODE, only={id(ref) for ref in aliases})
        for ref in context.analysis.refs:
            rewrite = special.get(ref.contrib or "")
            if rewrite is None or ref.binding.guarded or names_the_symbol(ref):
                continue
            problem = rewrite(context, ref)
            if problem is not None:
                context.report(cls.CODE, ref.node, f"{display(ref)} is kept: {problem}")


def _call_only(ref: Ref) -> str | None:
    if ref.call is None:
        return "only its calls have an exact TF 2 spelling (isinstance, subclassing and other uses do not)"
    if any(isinstance(a, ast.Starred) for a in ref.call.args) or any(k.arg is None for k in ref.call.keywords):
        return "the call passes *args or **kwargs, which the tool cannot check"
    return None


def _variable(context: MigrationContext, ref: Ref) -> str | None:
    problem = _call_only(ref)
    if problem is not None:
        return problem
    call = ref.call
    assert call is not None
    if len(call.args) > 2:
        return "its third positional argument is `collections`, which tf.Variable would take as validate_shape"
    unknown = sorted(k.arg for k in call.keywords if k.arg is not None and k.arg not in _VARIABLE_KEYWORDS)
    if unknown:
        return f"tf.Variable has no {', '.join(unknown)}"
    if _inside_tracing(context, ref):
        return ("inside a tf.function, tf.Variable goes through variable creators that tfe.Variable bypassed; "
                "create the variable outside the function")
    context.replace_ref(ref, "Variable", EagerNamespace.CODE)
    return None


def _inside_tracing(context: MigrationContext, ref: Ref) -> bool:
    for ancestor in context.analysis.ancestors(ref.node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in ancestor.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if (dotted(target) or "").rsplit(".", 1)[-1] in _TRACING:
                    return True
    return False


def _make_template(context: MigrationContext, ref: Ref) -> str | None:
    problem = _call_only(ref)
    if problem is not None:
        return problem
    call = ref.call
    assert call is not None
    if len(call.args) > 5 or any(k.arg == "create_graph_function_" for k in call.keywords):
        return "tf.compat.v1.make_template takes at most five positional arguments and sets create_graph_function_"
    context.replace_ref(ref, "compat.v1.make_template", EagerNamespace.CODE)
    return None


def _run(context: MigrationContext, ref: Ref) -> str | None:
    problem = _call_only(ref)
    if problem is not None:
        return problem
    off = [r for r in context.analysis.refs if r.qualified.rsplit(".", 1)[-1] in _EAGER_OFF]
    if off:
        return f"tfe.run turned eager execution on, and this file turns it off (line {off[0].node.lineno})"
    context.replace_ref(ref, "compat.v1.app.run", EagerNamespace.CODE)
    return None


def _optimizer_variables(context: MigrationContext, ref: Ref) -> str | None:
    problem = _call_only(ref)
    if problem is not None:
        return problem
    call = ref.call
    assert call is not None
    if len(call.args) != 1 or call.keywords:
        return "it is called with other than one optimizer"
    optimizer = call.args[0]
    text = context.source.segment(optimizer)
    simple = isinstance(optimizer, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)) and "\n" not in text
    context.replace_with(call, f"{text}.variables()" if simple else f"({text}).variables()")
    return None
