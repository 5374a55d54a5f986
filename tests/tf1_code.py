"""Hypothesis strategies that write whole TF 1.x checkpoint modules, the way real repositories wrote them.

A module is composed from parts, each drawn independently:

* how the file reaches tensorflow (`import tensorflow as tf`, `import tensorflow.compat.v1 as tf`,
  `from tensorflow.compat import v1 as tf`, a bare `import tensorflow`, an ImportError fallback between them, an
  import inside a function only, or none at all);
* how it reaches contrib (`tf.contrib.eager.X` chains, `import tensorflow.contrib.eager as tfe`,
  `tfe = tf.contrib.eager`, `from tensorflow.contrib.eager.python import tfe`,
  `from tensorflow.contrib import checkpoint as contrib_checkpoint`, `import tensorflow.contrib.checkpoint as
  checkpoint`, `from tensorflow.contrib.checkpoint import CheckpointManager, PythonStateWrapper`,
  `from tensorflow.contrib.framework import list_variables, load_variable`, and version-guarded imports under
  `try/except ImportError` or `if tf.__version__ < "2":`);
* what it builds (`Checkpoint` with a keyword subset, parts of objects, `**objects` filtered or not,
  `CheckpointManager`, `PythonStateWrapper` subclasses, framework helpers with `checkpoint_dir=`, `tfe.Saver`);
* how it saves and restores (`save(prefix)`, `save(prefix, session=None)`, `manager.save()`, `manager.save(step)`,
  `restore(path)`, a status checked with `assert_consumed()` or `assert_existing_objects_matched()`,
  `restore(manager.latest_checkpoint)`, chained calls);
* where (module level, a function, a method through `self.ckpt`, a nested function, a class body, a comprehension,
  a lambda, a `global` rebinding, a function whose parameters or locals shadow `tf`/`tfe`/`checkpoint`, a local
  variable called `checkpoint`, a function with its own imports);
* and noise: unrelated code, comments on and above every kind of line, blank lines, decorators, docstrings and
  strings that mention contrib, commented-out contrib code, an encoding cookie, CRLF, a BOM, tab indentation.

Each module comes with what the generator knows about it: the lines a migration may legitimately touch (lines that
reference contrib, tensorflow imports, alias assignments, saves and restores of checkpoints and their statuses,
PythonState method definitions), the lines of statements it may delete outright (contrib imports and aliases), and
the lines under a version guard. Everything else must come out byte for byte.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from hypothesis import strategies as st

# -- the module as lines ----------------------------------------------------------------------------------------------


@dataclass
class Line:
    """One physical line of generated code, with what a migration may do to it."""

    text: str
    depth: int = 0
    allowed: bool = False  # a migration may rewrite this line
    removable: bool = False  # a migration may delete it (contrib imports and aliases, continuation lines)
    guarded: bool = False  # under a version check or an ImportError fallback
    start: bool = True  # a statement starts here: blank lines and an own-line comment may precede it
    comment: bool = True  # a trailing comment may follow it
    raw: bool = False  # inside a triple-quoted string: written as is


def stmt(text: str, depth: int = 0, **flags: object) -> list[Line]:
    return [Line(text, depth, **flags)]  # type: ignore[arg-type]


def indent(lines: list[Line], by: int = 1) -> list[Line]:
    for line in lines:
        if not line.raw:
            line.depth += by
    return lines


def mark(lines: list[Line], **flags: object) -> list[Line]:
    for line in lines:
        for key, value in flags.items():
            setattr(line, key, value)
    return lines


def block(header: str, body: list[Line], **flags: object) -> list[Line]:
    """`header:` and its body, one level deeper; `flags` are the header's."""
    return [Line(header, **flags)] + indent(body)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Generated:
    """A generated module and what the generator knows about it (1-based line numbers of the source).

    Its repr numbers the lines and flags them: G under a version guard, a allowed, r removable.
    """

    source: bytes
    encoding: str
    newline: str
    bom: bool
    allowed: frozenset[int]
    removable: frozenset[int]  # lines a migration may delete, and their comments with them
    guarded: frozenset[int]
    parts: tuple[str, ...]  # the choices made, for reading a failure

    @property
    def text(self) -> str:
        """The source as Python reads it: decoded, BOM dropped, newlines as they are."""
        return self.source.decode("utf-8-sig" if self.bom else self.encoding)

    def __repr__(self) -> str:  # what hypothesis prints for a falsifying example
        rows = []
        for number, line in enumerate(self.text.splitlines(), 1):
            flag = ("G" if number in self.guarded else " ") + ("a" if number in self.allowed else " ") \
                + ("r" if number in self.removable else " ")
            rows.append(f"{number:3} {flag} {line}")
        return (f"Generated(parts={self.parts!r}, newline={self.newline!r}, bom={self.bom}, "
                f"encoding={self.encoding!r}):\n" + "\n".join(rows))


# -- how a file reaches contrib ---------------------------------------------------------------------------------------

CONTRIB_ROLES = {
    # role: (module under tf.contrib, attribute)
    "Checkpoint": ("eager", "Checkpoint"),
    "Saver": ("eager", "Saver"),
    "CheckpointManager": ("checkpoint", "CheckpointManager"),
    "PythonStateWrapper": ("checkpoint", "PythonStateWrapper"),
    "NoDependency": ("checkpoint", "NoDependency"),
    "list_variables": ("framework", "list_variables"),
    "load_variable": ("framework", "load_variable"),
    "load_checkpoint": ("framework", "load_checkpoint"),
    "init_from_checkpoint": ("framework", "init_from_checkpoint"),
    "checkpoints_iterator": ("training", "checkpoints_iterator"),
}


@dataclass
class Provider:
    """One way the file names contrib symbols: the lines that bind it and the expression for each role."""

    lines: list[Line]
    symbols: dict[str, str]  # role -> expression
    binds: frozenset[str]
    guarded: bool = False
    needs_tf: bool = False  # its lines read the tensorflow name

    def root(self, role: str) -> str:
        return self.symbols[role].split(".")[0]


def chain_provider(tf: str) -> Provider:
    """`tf.contrib.eager.Checkpoint` and friends, through the file's tensorflow name."""
    symbols = {role: f"{tf}.contrib.{module}.{name}" for role, (module, name) in CONTRIB_ROLES.items()}
    return Provider([], symbols, frozenset(), needs_tf=True)


def _module_symbols(prefix: str, module: str) -> dict[str, str]:
    return {role: f"{prefix}.{name}" for role, (mod, name) in CONTRIB_ROLES.items() if mod == module}


def _import_line(text: str) -> list[Line]:
    return stmt(text, allowed=True, removable=True)


@st.composite
def contrib_forms(draw: st.DrawFn, tf: str | None, taken: set[str]) -> list[Provider]:
    """The contrib imports of a module: a few forms whose names do not collide."""
    candidates: list[Provider] = []
    eager = draw(st.sampled_from(["tfe", "tfe", "contrib_eager"]))
    eager_forms = [
        Provider(_import_line(f"import tensorflow.contrib.eager as {eager}"), _module_symbols(eager, "eager"),
                 frozenset({eager})),
        Provider(_import_line("from tensorflow.contrib.eager.python import tfe" + ("" if eager == "tfe" else
                                                                                  f" as {eager}")),
                 _module_symbols(eager, "eager"), frozenset({eager})),
        Provider(_import_line(f"from tensorflow.contrib import eager as {eager}"), _module_symbols(eager, "eager"),
                 frozenset({eager})),
        Provider(block("try:", _import_line(f"import tensorflow.contrib.eager as {eager}"))
                 + block("except ImportError:", stmt(f"{eager} = None")),
                 _module_symbols(eager, "eager"), frozenset({eager}), guarded=True),
    ]
    if tf is not None:
        eager_forms.append(Provider(stmt(f"{eager} = {tf}.contrib.eager", allowed=True, removable=True),
                                    _module_symbols(eager, "eager"), frozenset({eager}), needs_tf=True))
    candidates.append(draw(st.sampled_from(eager_forms)))

    checkpoint_forms = [
        Provider(_import_line("from tensorflow.contrib import checkpoint as contrib_checkpoint"),
                 _module_symbols("contrib_checkpoint", "checkpoint"), frozenset({"contrib_checkpoint"})),
        Provider(_import_line("import tensorflow.contrib.checkpoint as checkpoint"),
                 _module_symbols("checkpoint", "checkpoint"), frozenset({"checkpoint"})),
    ]
    candidates.append(draw(st.sampled_from(checkpoint_forms)))
    # an import under a plain condition: not a version guard, so it may go (and its block must still compile)
    guarded = block("if USE_EAGER:", _import_line("from tensorflow.contrib import eager as eager_lib"))
    candidates.append(Provider(guarded, _module_symbols("eager_lib", "eager"), frozenset({"eager_lib"})))

    names = draw(st.lists(st.sampled_from(["CheckpointManager", "PythonStateWrapper"]), min_size=1, max_size=2,
                          unique=True))
    candidates.append(Provider(_from_import("tensorflow.contrib.checkpoint", names, draw),
                               {name: name for name in names}, frozenset(names)))
    helpers = draw(st.lists(st.sampled_from(["list_variables", "load_variable"]), min_size=1, max_size=2,
                            unique=True))
    candidates.append(Provider(_from_import("tensorflow.contrib.framework", helpers, draw),
                               {name: name for name in helpers}, frozenset(helpers)))
    if tf is not None:
        candidates.append(Provider(
            block(f'if {tf}.__version__ < "2":', _import_line("from tensorflow.contrib.checkpoint import "
                                                              "CheckpointManager"))
            + block("else:", stmt(f"CheckpointManager = {tf}.train.CheckpointManager")),
            {"CheckpointManager": "CheckpointManager"}, frozenset({"CheckpointManager"}), guarded=True,
            needs_tf=True))
        candidates.append(Provider(
            block(f'if {tf}.__version__.startswith("1."):',
                  _import_line("from tensorflow.contrib.checkpoint import PythonStateWrapper as StateBase"))
            + block("else:", stmt(f"StateBase = {tf}.train.experimental.PythonState")),
            {"PythonStateWrapper": "StateBase"}, frozenset({"StateBase"}), guarded=True, needs_tf=True))
    for provider in candidates:
        if provider.guarded:
            mark(provider.lines, guarded=True)
    chosen = draw(st.lists(st.sampled_from(range(len(candidates))), min_size=0 if tf else 1, max_size=4,
                           unique=True))
    picked: list[Provider] = []
    for index in chosen:
        provider = candidates[index]
        if provider.binds & taken:
            continue
        taken |= provider.binds
        picked.append(provider)
    return picked


def _from_import(module: str, names: list[str], draw: st.DrawFn) -> list[Line]:
    head = f"from {module} import"
    if len(names) > 1 and draw(st.booleans()):
        lines = [Line(f"{head} (", allowed=True, removable=True)]
        for name in names:
            lines.append(Line(f"{name},", 1, allowed=True, removable=True, start=False))
        lines.append(Line(")", allowed=True, removable=True, start=False))
        return lines
    return _import_line(f"{head} {', '.join(names)}")


TF_IMPORTS = {
    "import tensorflow as tf": ("tf", ["import tensorflow as tf"]),
    "import tensorflow.compat.v1 as tf": ("tf", ["import tensorflow.compat.v1 as tf"]),
    "from tensorflow.compat import v1 as tf": ("tf", ["from tensorflow.compat import v1 as tf"]),
    "import tensorflow": ("tensorflow", ["import tensorflow"]),
    "try compat.v1 except tensorflow": ("tf", ["try:", "    import tensorflow.compat.v1 as tf", "except ImportError:",
                                               "    import tensorflow as tf"]),
}


def tf_import_lines(form: str) -> list[Line]:
    lines = []
    for text in TF_IMPORTS[form][1]:
        depth = 1 if text.startswith("    ") else 0
        text = text.strip()
        lines.append(Line(text, depth, allowed=text.startswith(("import", "from"))))
    return lines


# -- the code that uses it --------------------------------------------------------------------------------------------


@dataclass
class Scope:
    """Where a unit's statements run: the names that mean something else there, the tensorflow name and the
    contrib names usable there, and a session if the file runs one."""

    kind: str
    shadowed: frozenset[str] = frozenset()
    tf: str | None = None  # the tensorflow name usable here
    providers: list[Provider] = field(default_factory=list)
    session: str | None = None  # a session variable usable here


class Writer:
    """Draws the parts of one module; names are numbered so that units do not collide unless meant to."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.used: set[str] = set()
        self.reserved: set[str] = set()  # names the module binds to contrib or tensorflow
        self.parts: list[str] = []

    def coin(self, percent: int) -> bool:
        """True with about `percent` % chance; shrinks to False."""
        return self.draw(st.integers(0, 99)) >= 100 - percent

    def pick(self, options):  # type: ignore[no-untyped-def]
        return self.draw(st.sampled_from(options))

    def fresh(self, stem: str) -> str:
        """`stem` the first time, then `stem_2`, `stem_3`, ...; never a name the module binds to contrib."""
        name, number = stem, 1
        while name in self.used or name in self.reserved:
            number += 1
            name = f"{stem}_{number}"
        self.used.add(name)
        return name

    def provider(self, scope: Scope, role: str) -> Provider | None:
        usable = [p for p in scope.providers if role in p.symbols and p.root(role) not in scope.shadowed]
        return self.pick(usable) if usable else None

    # -- constructions ------------------------------------------------------------------------------------------
    def checkpoint_arguments(self, scope: Scope, prefix: str) -> tuple[list[Line], str]:
        """Lines that prepare the objects, and the argument text of the constructor."""
        kind = self.pick(["keywords", "keywords", "keywords", "parts", "objects", "filtered", "conditional"])
        self.parts.append(f"arguments:{kind}")
        model, optimizer, step = f"{prefix}model", f"{prefix}optimizer", f"{prefix}step"
        if kind in ("keywords", "parts"):
            pool = [("model", model), ("optimizer", optimizer), ("step", step)]
            chosen = self.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
            if kind == "parts":
                part = self.pick([f"{model}.layer1.kernel", f"{model}.layers[0]", f"{model}.get_layer('dense')",
                                  f"{model}.encoder"])
                chosen = [(self.pick(["kernel", "encoder", "layer"]), part)] + [c for c in chosen if c[0] != "model"]
            return [], ", ".join(f"{k}={v}" for k, v in chosen)
        objects = self.fresh("objects")
        if self.coin(50):
            lines = stmt(f'{objects} = {{"model": {model}, "optimizer": {optimizer}}}')
        else:
            lines = stmt(f"{objects} = dict(model={model}, optimizer={optimizer}, step={step})")
        if kind == "filtered":
            lines += stmt(f"{objects} = {{k: v for k, v in {objects}.items() if v is not None}}")
        elif kind == "conditional":
            lines += block(f"if not {prefix}include_optimizer:" if prefix else "if not include_optimizer:",
                           stmt(f'{objects}.pop("optimizer")'))
        return lines, f"**{objects}"

    def construction(self, scope: Scope, target: str, prefix: str = "") -> tuple[list[Line], bool]:
        """`target = X.Checkpoint(...)`; True if X is a contrib checkpoint."""
        provider = self.provider(scope, "Checkpoint")
        if provider is not None and (scope.tf is None or scope.tf in scope.shadowed or self.coin(85)):
            ctor, contrib = provider.symbols["Checkpoint"], True
        elif scope.tf is not None and scope.tf not in scope.shadowed:
            ctor, contrib = f"{scope.tf}.train.Checkpoint", False
        else:
            return [], False
        before, arguments = self.checkpoint_arguments(scope, prefix)
        if self.coin(25) and "**" not in arguments:
            # one keyword a line, with a comment after the opening parenthesis sometimes
            lines = [Line(f"{target} = {ctor}(", allowed=contrib)]
            for argument in arguments.split(", "):
                lines.append(Line(f"{argument},", 1, allowed=contrib, start=False))
            lines.append(Line(")", allowed=contrib, start=False))
        else:
            lines = stmt(f"{target} = {ctor}({arguments})", allowed=contrib)
        return before + lines, contrib

    # -- saves and restores -------------------------------------------------------------------------------------
    def saves(self, scope: Scope, ckpt: str, prefix_var: str) -> list[Line]:
        lines: list[Line] = []
        for _ in range(self.draw(st.integers(0, 2))):
            form = self.pick(["plain", "session_none", "keyword", "assigned"] + (["session"] if scope.session else []))
            self.parts.append(f"save:{form}")
            text = {
                "plain": f"{ckpt}.save({prefix_var})",
                "session_none": f"{ckpt}.save({prefix_var}, session=None)",
                "keyword": f"{ckpt}.save(file_prefix={prefix_var})",
                "assigned": f"save_path = {ckpt}.save({prefix_var})",
                "session": f"{ckpt}.save({prefix_var}, session={scope.session})",
            }[form]
            lines += stmt(text, allowed=True)
        return lines

    def restores(self, scope: Scope, ckpt: str, path_var: str, manager: str | None = None) -> list[Line]:
        lines: list[Line] = []
        for _ in range(self.draw(st.integers(0 if manager else 1, 2))):
            forms = ["plain", "status_consumed", "status_existing", "chained_consumed", "chained_existing",
                     "chained_partial", "status_nontrivial"]
            if scope.tf is not None and scope.tf not in scope.shadowed:
                forms.append("latest")
            if manager is not None:
                forms += ["manager", "manager_if"]
            form = self.pick(forms)
            self.parts.append(f"restore:{form}")
            status = self.checkpoint_name(scope, "status")
            source = f"{manager}.latest_checkpoint" if manager is not None and form.startswith("manager") else path_var
            if form == "plain":
                lines += stmt(f"{ckpt}.restore({path_var})", allowed=True)
            elif form.startswith("status_"):
                check = {"status_consumed": "assert_consumed", "status_existing": "assert_existing_objects_matched",
                         "status_nontrivial": "assert_nontrivial_match"}[form]
                lines += stmt(f"{status} = {ckpt}.restore({path_var})", allowed=True)
                lines += stmt(f"{status}.{check}()", allowed=True)
            elif form.startswith("chained_"):
                check = {"chained_consumed": "assert_consumed()", "chained_existing":
                         "assert_existing_objects_matched()", "chained_partial": "expect_partial()"}[form]
                lines += stmt(f"{ckpt}.restore({path_var}).{check}", allowed=True)
            elif form == "latest":
                lines += stmt(f"{ckpt}.restore({scope.tf}.train.latest_checkpoint(ckpt_dir))", allowed=True)
            elif form == "manager":
                lines += stmt(f"{status} = {ckpt}.restore({source})", allowed=True)
            else:
                lines += block(f"if {source}:", stmt(f"{ckpt}.restore({source})", allowed=True))
                if self.coin(50):
                    lines += block("else:", stmt('print("Initializing from scratch.")'))
        return lines

    # -- units: one thing the module does with checkpoints -------------------------------------------------------
    def checkpoint_unit(self, scope: Scope, target: str | None = None, prefix: str = "",
                        path_var: str = "path", prefix_var: str = "prefix") -> list[Line]:
        ckpt = target or self.checkpoint_name(scope, self.pick(["ckpt", "checkpoint", "root", "saver"])
                                              if "checkpoint" not in scope.shadowed else "ckpt")
        if self.coin(15):
            # built and restored in one expression
            provider = self.provider(scope, "Checkpoint")
            if provider is not None:
                self.parts.append("inline")
                return stmt(f"{provider.symbols['Checkpoint']}(model={prefix}model).restore({path_var})"
                            f"{self.pick(['', '.assert_consumed()', '.assert_existing_objects_matched()'])}",
                            allowed=True)
        built, _ = self.construction(scope, ckpt, prefix)
        if not built:
            return []
        lines = built
        order = [self.saves(scope, ckpt, prefix_var), self.restores(scope, ckpt, path_var)]
        if self.coin(50):
            order.reverse()
        for part in order:
            lines += part
        return lines

    def manager_unit(self, scope: Scope, prefix: str = "") -> list[Line]:
        provider = self.provider(scope, "CheckpointManager")
        if provider is None:
            return self.checkpoint_unit(scope, prefix=prefix)
        manager_ctor = provider.symbols["CheckpointManager"]
        ckpt, manager = self.checkpoint_name(scope, "ckpt"), self.checkpoint_name(scope, "manager")
        built, _ = self.construction(scope, ckpt, prefix)
        if not built:
            built = stmt(f"{ckpt} = make_checkpoint()")
        form = self.pick(["keywords", "directory", "positional"])
        self.parts.append(f"manager:{form}")
        keep = self.draw(st.integers(1, 5))
        arguments = {"keywords": f"{ckpt}, ckpt_dir, max_to_keep={keep}",
                     "directory": f"{ckpt}, directory=ckpt_dir, max_to_keep={keep}",
                     "positional": f"{ckpt}, ckpt_dir, {keep}"}[form]
        lines = built + stmt(f"{manager} = {manager_ctor}({arguments})", allowed=True)
        lines += self.restores(scope, ckpt, "path", manager)
        for _ in range(self.draw(st.integers(0, 2))):
            save = self.pick(["plain", "step", "number", "assigned"] + (["session"] if scope.session else []))
            self.parts.append(f"manager.save:{save}")
            lines += stmt({"plain": f"{manager}.save()", "step": f"{manager}.save({prefix}step)",
                           "number": f"{manager}.save(checkpoint_number={prefix}step)",
                           "assigned": f"saved = {manager}.save()",
                           "session": f"{manager}.save({scope.session})"}[save], allowed=True)
        return lines

    def python_state_unit(self, scope: Scope) -> list[Line]:
        provider = self.provider(scope, "PythonStateWrapper")
        if provider is None:
            return self.checkpoint_unit(scope)
        name = self.fresh("Counter")
        body = [Line('"""A Python value saved with the checkpoint (tf.contrib.checkpoint style)."""')]
        body += block("def __init__(self, value=0):", stmt("self.value = value"))
        body += block("def serialize(self):", stmt("return str(self.value)"), allowed=True)
        body += block("def deserialize(self, string_value):", stmt("self.value = int(string_value)"), allowed=True)
        lines = block(f"class {name}({provider.symbols['PythonStateWrapper']}):", body, allowed=True)
        if self.coin(50):
            state = self.fresh("state")
            lines += stmt(f"{state} = {name}()")
            built, _ = self.construction(scope, self.fresh("ckpt"))
            for line in built:
                if ".Checkpoint(" in line.text:
                    line.text = line.text.replace(".Checkpoint(", f".Checkpoint({state}={state}, "
                                                  if not line.text.endswith("(") else ".Checkpoint(", 1)
            lines += built
        return lines

    def framework_unit(self, scope: Scope) -> list[Line]:
        roles = [r for r in ("list_variables", "load_variable", "load_checkpoint", "init_from_checkpoint",
                             "checkpoints_iterator") if self.provider(scope, r) is not None]
        if not roles:
            return self.checkpoint_unit(scope)
        lines: list[Line] = []
        for role in self.draw(st.lists(st.sampled_from(roles), min_size=1, max_size=3, unique=True)):
            fn = self.provider(scope, role).symbols[role]  # type: ignore[union-attr]
            keyword = self.coin(40)
            self.parts.append(f"framework:{role}{'(kw)' if keyword else ''}")
            if role == "list_variables":
                if self.coin(50):
                    lines += block(f"for name, shape in {fn}({'checkpoint_dir=' if keyword else ''}ckpt_dir):",
                                   stmt('print(name, shape)'), allowed=True)
                else:
                    lines += stmt(f"names = {fn}({'checkpoint_dir=' if keyword else ''}ckpt_dir)", allowed=True)
            elif role == "load_variable":
                arguments = 'checkpoint_dir=ckpt_dir, name="dense/kernel"' if keyword else 'ckpt_dir, "dense/kernel"'
                lines += stmt(f"kernel = {fn}({arguments})", allowed=True)
            elif role == "load_checkpoint":
                lines += stmt(f"reader = {fn}({'filepattern=' if keyword else ''}ckpt_dir)", allowed=True)
            elif role == "init_from_checkpoint":
                lines += stmt(f'{fn}(ckpt_dir, {{"encoder/": "encoder/"}})', allowed=True)
            else:
                lines += block(f"for path in {fn}(ckpt_dir, timeout=60):", stmt('print("new checkpoint", path)'),
                               allowed=True)
        return lines

    def unsupported_unit(self, scope: Scope) -> list[Line]:
        saver = self.provider(scope, "Saver")
        dependency = self.provider(scope, "NoDependency")
        lines: list[Line] = []
        if saver is not None:
            name = self.fresh("name_saver")
            self.parts.append("unsupported:Saver")
            lines += stmt(f"{name} = {saver.symbols['Saver']}(model.variables)", allowed=True)
            lines += stmt(f"{name}.save(prefix)") + stmt(f"{name}.restore(path)")
        if dependency is not None and self.coin(50):
            self.parts.append("unsupported:NoDependency")
            lines += stmt(f"cache = {dependency.symbols['NoDependency']}({{}})", allowed=True)
        return lines or self.checkpoint_unit(scope)

    def other_contrib_unit(self, scope: Scope) -> list[Line]:
        """contrib code outside checkpoints: left alone, and reported."""
        if scope.tf is None or scope.tf in scope.shadowed:
            return []
        self.parts.append("other-contrib")
        lines = stmt(f"hidden = {scope.tf}.contrib.layers.fully_connected(inputs, 10)", allowed=True)
        if self.coin(30):
            lines += stmt(f"logits = {scope.tf}.contrib.layers.fully_connected(hidden, 2)", allowed=True)
        return lines

    def lookalike_unit(self, scope: Scope) -> list[Line]:
        """Restores and saves of things that are not checkpoints: a TF 1 Saver, Keras weights, a user's class."""
        self.parts.append("lookalike")
        lines: list[Line] = []
        if scope.tf is not None and scope.tf not in scope.shadowed:
            session = scope.session or "None"
            saver = self.checkpoint_name(scope, "saver")
            lines += stmt(f"{saver} = {scope.tf}.train.Saver()") + stmt(f"{saver}.save({session}, prefix)")
            lines += stmt(f"{saver}.restore({session}, path)")
        lines += stmt("model.save_weights(prefix)") + stmt("model.load_weights(path)")
        trainer = self.fresh("trainer")
        return lines + stmt(f"{trainer} = Trainer()") + stmt(f"{trainer}.restore(path)")

    def checkpoint_name(self, scope: Scope, stem: str) -> str:
        """In a function, names repeat from one function to the next, as in real code; at module level they don't."""
        if scope.kind == "function" and self.coin(60) and stem not in self.reserved:
            return stem
        return self.fresh(stem)

    def unit(self, scope: Scope) -> list[Line]:
        kind = self.pick(["checkpoint", "checkpoint", "manager", "python_state", "framework", "unsupported",
                          "other_contrib", "lookalike"])
        self.parts.append(f"unit:{kind}")
        return getattr(self, f"{kind}_unit")(scope)


# -- scopes -----------------------------------------------------------------------------------------------------------


def function_scope(writer: Writer, module: Scope) -> list[Line]:
    """The unit inside a function, a method, a nested function, a class body, a lambda or a comprehension."""
    kind = writer.pick(["module", "function", "function", "method", "nested", "class_body", "comprehension",
                        "lambda", "global", "shadow", "shadow", "local_checkpoint", "local_import"])
    writer.parts.append(f"scope:{kind}")
    name = writer.fresh(writer.pick(["train", "restore_model", "build", "evaluate"]))
    params = "model, optimizer, step, path, prefix"
    decorator = stmt("@traced") if writer.coin(20) else []
    docstring = stmt(writer.pick(['"""Saves and restores with tf.contrib checkpoints."""',
                                  '"""Replaces tf.contrib.eager.Checkpoint usage."""', "'''Plain docstring.'''"])) \
        if writer.coin(30) else []
    inside = dataclasses.replace(module, kind="function")
    if kind == "module":
        return writer.unit(module)
    if kind == "function":
        body = writer.unit(inside) or stmt("pass")
        if writer.coin(30):
            body += stmt("return locals()")
        return decorator + block(f"def {name}({params}):", docstring + body)
    if kind == "method":
        provider = writer.provider(module, "Checkpoint")
        ctor = provider.symbols["Checkpoint"] if provider and writer.coin(85) else \
            (f"{module.tf}.train.Checkpoint" if module.tf else None)
        if ctor is None:
            return writer.unit(module)
        contrib = provider is not None and ctor == provider.symbols["Checkpoint"]
        keywords = writer.draw(st.lists(st.sampled_from(["model", "optimizer", "step"]), min_size=1, max_size=3,
                                        unique=True))
        init = stmt("self.model = model") + stmt(
            f"self.ckpt = {ctor}({', '.join(f'{k}={k}' for k in keywords)})", allowed=contrib)
        methods = block("def __init__(self, model, optimizer=None, step=None):", init)
        save = writer.saves(module, "self.ckpt", "prefix")
        if save:
            methods += block("def save(self, prefix):", save)
        restore = writer.restores(module, "self.ckpt", "path")
        methods += block("def load(self, path):", restore + stmt("return self"))
        if writer.coin(40):
            methods += stmt("@property") + block("def checkpoint(self):", stmt("return self.ckpt"))
        if writer.coin(30):
            methods += stmt("@staticmethod") + block("def checkpoint_prefix(directory):",
                                                     stmt('return directory + "/ckpt"'))
        base = writer.pick(["", "(object)"])
        return block(f"class {writer.fresh('Trainer')}{base}:", docstring + methods)
    if kind == "nested":
        inner = writer.unit(inside) or stmt("pass")
        inner_name = writer.fresh("inner")
        return decorator + block(f"def {name}({params}):", docstring + block(f"def {inner_name}():", inner)
                                 + stmt(f"return {inner_name}"))
    if kind == "class_body":
        provider = writer.provider(module, "Checkpoint")
        if provider is None:
            return writer.unit(module)
        ckpt = writer.fresh("ckpt")
        body = stmt(f"{ckpt} = {provider.symbols['Checkpoint']}(model=model)", allowed=True)
        manager = writer.provider(module, "CheckpointManager")
        if manager is not None and writer.coin(50):
            body += stmt(f"manager = {manager.symbols['CheckpointManager']}({ckpt}, ckpt_dir, max_to_keep=2)",
                         allowed=True)
        body += block("def load(self, path):", stmt(f"return self.{ckpt}.restore(path)", allowed=True))
        return block(f"class {writer.fresh('Defaults')}:", docstring + body)
    if kind == "comprehension":
        provider = writer.provider(module, "Checkpoint")
        if provider is None:
            return writer.unit(module)
        ckpts = writer.fresh("checkpoints")
        lines = stmt(f"{ckpts} = [{provider.symbols['Checkpoint']}(model=m) for m in models]", allowed=True)
        lines += stmt(writer.pick([f"statuses = [c.restore(path) for c in {ckpts}]",
                                   f"paths = [c.save(prefix) for c in {ckpts}]",
                                   f"statuses = {{i: c.restore(path) for i, c in enumerate({ckpts})}}"]),
                      allowed=True)
        return lines
    if kind == "lambda":
        provider = writer.provider(module, "Checkpoint")
        if provider is None:
            return writer.unit(module)
        make, load, ckpt = writer.fresh("make_checkpoint"), writer.fresh("load"), writer.fresh("ckpt")
        return (stmt(f"{make} = lambda m: {provider.symbols['Checkpoint']}(model=m)", allowed=True)
                + stmt(f"{load} = lambda c, p: c.restore(p).assert_consumed()", allowed=True)
                + stmt(f"{ckpt} = {make}(model)") + stmt(f"{load}({ckpt}, path)"))
    if kind == "global":
        ckpt = writer.fresh("global_ckpt")
        built, _ = writer.construction(module, ckpt)
        if not built:
            return writer.unit(module)
        lines = stmt(f"{ckpt} = None")
        lines += block(f"def {writer.fresh('init_checkpoint')}(model, optimizer, step):",
                       stmt(f"global {ckpt}") + built)
        lines += block(f"def {writer.fresh('save_checkpoint')}(prefix):",
                       writer.saves(module, ckpt, "prefix") or stmt("pass"))
        lines += block(f"def {writer.fresh('load_checkpoint')}(path):", writer.restores(module, ckpt, "path"))
        return lines
    if kind == "shadow":
        # A name the module binds to tensorflow or contrib means something else here; the unit inside still uses
        # contrib through the module's other names, so a migration that writes `tf` here writes the wrong one.
        bound = sorted({name for p in module.providers for name in p.binds} | ({module.tf} if module.tf else set()))
        shadow = "tf" if writer.coin(50) else writer.pick(bound + ["checkpoint"])
        how = writer.pick(["parameter", "parameter", "local", "lambda", "comprehension", "class_attribute"])
        writer.parts.append(f"shadow:{shadow}:{how}")
        inner = Scope("function", module.shadowed | {shadow}, module.tf, module.providers, module.session)
        provider = writer.provider(inner, "Checkpoint")
        if how in ("lambda", "comprehension"):
            contrib = provider is not None and writer.coin(60)
            uses = f"{provider.symbols['Checkpoint']}(model={shadow})" if contrib \
                else f"{shadow}.Checkpoint(model=model)"  # type: ignore[union-attr]
            if how == "lambda":
                return stmt(f"{writer.fresh('use')} = lambda {shadow}: {uses}", allowed=contrib)
            return stmt(f"{writer.fresh('others')} = [{uses} for {shadow} in factories]", allowed=contrib)
        body = stmt(f"{shadow} = make_factory()") if how in ("local", "class_attribute") else []
        body += writer.unit(inner) or stmt("pass")
        if how == "class_attribute":
            return block(f"class {writer.fresh('Holder')}:", body)
        body += stmt(f"{shadow}.log(path)")
        if shadow == "tf" and how == "parameter" and writer.coin(25):
            # a contrib chain through a parameter called tf: not known to be tensorflow
            writer.parts.append("shadow:tf-contrib-chain")
            body += stmt("other = tf.contrib.eager.Checkpoint(model=model)")
        signature = f"{shadow}, {params}" if how == "parameter" else params
        return decorator + block(f"def {name}({signature}):", docstring + body)
    if kind == "local_checkpoint":
        provider = writer.provider(module, "Checkpoint")
        if provider is None:
            return writer.unit(module)
        inner = Scope("function", module.shadowed | {"checkpoint"}, module.tf, module.providers, module.session)
        body = writer.checkpoint_unit(inner, target="checkpoint")
        return decorator + block(f"def {name}({params}):", docstring + (body or stmt("pass"))
                                 + stmt("return checkpoint" if body else "return None"))
    # local_import: the function imports what it uses
    local_tf = module.tf
    lines: list[Line] = []
    if module.tf is None or writer.coin(30):
        local_tf = "tf"
        lines += stmt("import tensorflow as tf", allowed=True)
    form = writer.pick(["eager", "checkpoint", "chain", "alias"])
    writer.parts.append(f"local_import:{form}")
    if form == "alias":
        provider = Provider(stmt(f"tfe = {local_tf}.contrib.eager", allowed=True, removable=True),
                            _module_symbols("tfe", "eager"), frozenset({"tfe"}))
    elif form == "eager":
        provider = Provider(_import_line("import tensorflow.contrib.eager as tfe"), _module_symbols("tfe", "eager"),
                            frozenset({"tfe"}))
    elif form == "checkpoint":
        provider = Provider(_import_line("from tensorflow.contrib import checkpoint as contrib_checkpoint"),
                            _module_symbols("contrib_checkpoint", "checkpoint"), frozenset({"contrib_checkpoint"}))
    else:
        provider = chain_provider(local_tf)  # type: ignore[arg-type]
    lines += provider.lines
    inner = Scope("function", module.shadowed, local_tf, [provider], module.session)
    body = writer.unit(inner) or stmt("pass")
    return decorator + block(f"def {name}({params}):", docstring + lines + body)


# -- noise ------------------------------------------------------------------------------------------------------------

NOISE = [
    lambda: stmt("BATCH_SIZE = 32"),
    lambda: stmt('MESSAGE = "tf.contrib.eager.Checkpoint is gone in TF 2; see tf.contrib docs"'),
    lambda: stmt("# tf.contrib.eager.Checkpoint(model=model).restore(path)  (old code, kept for reference)"),
    lambda: stmt("settings = {'contrib': True, 'checkpoint': 'ckpt'}"),
    lambda: block("def helper(x):", stmt('"""Not contrib: just doubles x."""') + stmt("return x * 2")),
    lambda: [Line('USAGE = """')] + [Line(text, raw=True, start=False, comment=False) for text in (
        "Example:", "    import tensorflow.contrib.eager as tfe", "    ckpt = tfe.Checkpoint(model=model)")]
        + [Line('"""', raw=True, start=False)],
    lambda: block("def assign_from_checkpoint_fn(model_path, var_list):",
                  stmt('"""A local re-implementation: not the contrib function."""') + stmt("return var_list")),
    lambda: block("class Config(object):", stmt("learning_rate = 0.1") + stmt("@property")
                  + block("def contrib(self):", stmt("return 'contrib'"))),
    lambda: block("for index in range(3):", stmt("print(index)")),
    lambda: block("with open(__file__) as handle:", stmt("text = handle.read()")),
]


def noise(writer: Writer) -> list[Line]:
    return writer.pick(NOISE)()


# -- rendering --------------------------------------------------------------------------------------------------------


@st.composite
def tf1_modules(draw: st.DrawFn) -> Generated:
    """One whole TF 1.x module that uses contrib checkpoint code."""
    writer = Writer(draw)
    tf_form = writer.pick(list(TF_IMPORTS) + ["none", "import tensorflow as tf", "import tensorflow as tf"])
    writer.parts.append(f"tf:{tf_form}")
    tf = TF_IMPORTS[tf_form][0] if tf_form != "none" else None
    taken: set[str] = {tf} if tf else set()
    providers = draw(contrib_forms(tf, taken))
    writer.parts += [f"import:{p.lines[0].text if p.lines else 'chain'}" for p in providers]
    if tf is not None:
        providers.append(chain_provider(tf))
    session = None
    if tf is not None and writer.coin(15):
        session = "sess"
    module = Scope("module", frozenset(), tf, providers, session)

    writer.reserved |= taken | {"checkpoint", "tfe", "tf"}
    extra = draw(st.lists(st.sampled_from(["import os", "import functools", "import numpy as np",
                                           "from absl import flags"]), max_size=2, unique=True))
    imports: list[list[Line]] = [stmt(text) for text in extra]
    imports += [provider.lines for provider in providers if provider.lines]
    if tf is not None:
        # usually first; anywhere before the first import that reads it
        latest = next((i for i, group in enumerate(imports) for p in providers if p.needs_tf and p.lines is group),
                      len(imports))
        imports.insert(0 if writer.coin(70) else draw(st.integers(0, latest)), tf_import_lines(tf_form))

    body: list[Line] = []
    for group in imports:
        body += group
    preamble = stmt('model_dir = "/tmp/model"') + stmt('ckpt_dir = model_dir') + stmt('prefix = ckpt_dir + "/ckpt"') \
        + stmt('path = prefix + "-1"') + stmt("model = make_model()") + stmt("optimizer = make_optimizer()") \
        + stmt("step = 0" if tf is None else f"step = {tf}.train.get_or_create_global_step()")
    body += preamble
    if session:
        body += stmt(f"{session} = {tf}.Session()")
    if writer.coin(50):
        body += block("def traced(fn):", stmt('"""A decorator."""') + stmt("return fn"))
    else:
        body += stmt("traced = lambda fn: fn")
    for _ in range(draw(st.integers(1, 4))):
        if writer.coin(35):
            body += noise(writer)
        body += function_scope(writer, module)
    if not any(line.allowed and not line.removable and not line.text.startswith("import ")
               and any(expression in line.text for p in providers for expression in p.symbols.values())
               for line in body):
        # every module uses contrib somewhere, not only imports it
        provider, role = draw(st.sampled_from([(p, role) for p in providers for role in sorted(p.symbols)
                                               if role in ("Checkpoint", "CheckpointManager", "list_variables",
                                                           "load_variable", "PythonStateWrapper")]))
        writer.parts.append(f"forced:{role}")
        body += {
            "Checkpoint": lambda e: stmt(f"forced = {e}(model=model)", allowed=True)
            + stmt("forced.restore(path)", allowed=True),
            "CheckpointManager": lambda e: stmt(f"forced = {e}(make_checkpoint(), ckpt_dir, 3)", allowed=True),
            "list_variables": lambda e: stmt(f"forced = {e}(ckpt_dir)", allowed=True),
            "load_variable": lambda e: stmt(f'forced = {e}(ckpt_dir, "w")', allowed=True),
            "PythonStateWrapper": lambda e: block(f"class Forced({e}):", stmt("pass"), allowed=True),
        }[role](provider.symbols[role])
    if writer.coin(25):
        body += block('if __name__ == "__main__":', stmt("print(model_dir)"))

    return render(writer, body, draw)


def render(writer: Writer, body: list[Line], draw: st.DrawFn) -> Generated:
    unit = writer.pick(["    ", "    ", "  ", "\t"])
    newline = writer.pick(["\n", "\n", "\r\n"])
    encoding = "utf-8"
    header: list[str] = []
    if writer.coin(15):
        header.append("#!/usr/bin/env python")
    cookie = writer.pick([None, None, "utf-8", "latin-1"])
    bom = cookie != "latin-1" and writer.coin(15)
    if cookie is not None:
        header.append(f"# -*- coding: {cookie} -*-")
        encoding = cookie
        writer.parts.append(f"cookie:{cookie}")
    if writer.coin(40):
        header.append(writer.pick(['"""Trains a model; checkpoints through tf.contrib."""',
                                   '"""Module docstring."""']))
    if writer.coin(15):
        header.append("from __future__ import absolute_import")
    if encoding == "latin-1":
        header.append("# Auteur : Ren\u00e9, caf\u00e9 compris")

    texts = list(header)
    allowed: set[int] = set()
    guarded: set[int] = set()
    removable: set[int] = set()
    comment_number = 0
    for line in body:
        if line.start and not line.raw:
            for _ in range(draw(st.integers(0, 2)) if writer.coin(30) else 0):
                texts.append(writer.pick(["", "", unit]))  # sometimes a line of whitespace only
            if writer.coin(20):
                comment_number += 1
                texts.append(unit * line.depth + f"# note {comment_number} above: tf.contrib stays a comment")
        if line.raw:
            text = line.text
        else:
            text = unit * line.depth + line.text
            if line.comment and line.text and writer.coin(20):
                comment_number += 1
                text += f"  # note {comment_number}"
        texts.append(text)
        number = len(texts)
        if line.allowed or line.removable:
            allowed.add(number)
        if line.removable or (line.allowed and not line.start):
            removable.add(number)  # a statement may come out on fewer lines
        if line.guarded:
            guarded.add(number)
    data = newline.join(texts) + (newline if not writer.coin(8) else "")
    source = data.encode(encoding)
    if bom:
        source = b"\xef\xbb\xbf" + source
    if unit == "\t":
        writer.parts.append("tabs")
    return Generated(source=source, encoding=encoding, newline=newline, bom=bom, allowed=frozenset(allowed),
                     removable=frozenset(removable), guarded=frozenset(guarded), parts=tuple(writer.parts))
