"""Property tests: the engine on generated TF 1.x checkpoint modules.

`tf1_code.tf1_modules()` composes whole modules from the import forms, constructions, saves and restores, scopes
and noise found in real TF 1 code, so every generated case reaches the transforms (hypothesmith, which never writes
`tensorflow`, only ever reached the prefilter). Each module comes with the lines a migration may touch; the
properties are the ones a user relies on without thinking:

* the output compiles and parses with LibCST, a second run changes nothing, and splicing the changed statements
  gives LibCST's rendering of the whole module;
* no name the output reads is unbound unless it was unbound in the input, and a tensorflow name the migration
  writes is the module tensorflow where it is written;
* nothing changes outside the lines the generator allows; comments and blank lines survive byte for byte;
* every `contrib` left in the code is on a line with a finding, or under a version guard (TFC902);
* the BOM, the encoding cookie and CRLF line endings survive.

The default run is bounded and deterministic (`derandomize=True`); `pytest -m slow tests/test_property.py` runs
the same properties on many more modules.
"""

from __future__ import annotations

import functools
import io
import re
import subprocess
import tempfile
import tokenize
import warnings
from collections import Counter
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from helpers import run_cli
from tf1_code import Generated, tf1_modules
from unbound import reads, unbound_names
from tfckpt_codemod.engine import migrate_source
from tfckpt_codemod.types import FileResult

BOM = b"\xef\xbb\xbf"
_COMMON = dict(deadline=None, derandomize=True, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# The default run does not shrink (shrinking a failure costs minutes); the slow run does.
FAST = settings(max_examples=40, phases=[Phase.explicit, Phase.generate], **_COMMON)
SLOW = settings(max_examples=500, **_COMMON)

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")


@functools.lru_cache(maxsize=64)
def migrate(source: bytes) -> FileResult:
    return migrate_source(source, "generated.py")


def output_of(generated: Generated) -> bytes:
    result = migrate(generated.source)
    assert result.error is None, f"the engine refused a generated module: {result.error}"
    return generated.source if result.new is None else result.new


def decode(data: bytes, generated: Generated) -> str:
    return data.decode("utf-8-sig" if generated.bom else generated.encoding)


# -- 1. compiles, parses, is a fixpoint -------------------------------------------------------------------------------


def check_reaches_the_transforms(generated: Generated) -> None:
    assert migrate(generated.source).parsed, "the prefilter skipped a module that uses contrib checkpoint code"


def check_sound_output(generated: Generated) -> None:
    output = output_of(generated)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compile(output, "output.py", "exec", dont_inherit=True)
    cst.parse_module(output)
    second = migrate_source(output, "generated.py")
    assert second.error is None, second.error
    assert second.new is None, "a second run changed the output again:\n" + _diff(output, second.new)


# -- 2. names ---------------------------------------------------------------------------------------------------------


def check_names(generated: Generated) -> None:
    before, after = decode(generated.source, generated), decode(output_of(generated), generated)
    new_unbound = unbound_names(after) - unbound_names(before)
    assert not new_unbound, f"the output reads names nothing binds: {sorted(new_unbound)}"
    old_reads, new_reads = reads(before), reads(after)
    # Names the output binds to tensorflow anywhere, and `tf`: a read of one of them that is not the tensorflow
    # module where it is read must have been there before.
    tensorflow_names = {r.name for r in new_reads if r.resolution == "tensorflow"} | {"tf", "tensorflow"}

    def elsewhere(found: list) -> Counter:  # type: ignore[type-arg]
        return Counter((r.scope, r.name) for r in found if r.name in tensorflow_names and r.resolution != "tensorflow")

    grown = elsewhere(new_reads) - elsewhere(old_reads)
    lines = sorted({r.line for r in new_reads if (r.scope, r.name) in grown and r.resolution != "tensorflow"})
    assert not grown, (f"the output writes {sorted({name for _, name in grown})} where it is not the tensorflow "
                       f"module (output lines {lines})")


# -- 3. layout --------------------------------------------------------------------------------------------------------

KEPT, INSERTED = 1, 2
# what a migration may add: an import of tensorflow itself
_INSERTED_IMPORT = re.compile(rb"[ \t]*import[ \t]+tensorflow(\.compat\.v[12])?([ \t]+as[ \t]+\w+)?[ \t]*\r?\n?\Z")


def _lines(data: bytes) -> list[bytes]:
    return (data[len(BOM):] if data.startswith(BOM) else data).splitlines(keepends=True)


def align(generated: Generated, output: bytes) -> list[int | None] | None:
    """For each output line, the input line (1-based) it stands for, or None for an inserted tensorflow import.

    The cheapest reading of the output as the input with only the allowed lines changed: a line the generator does
    not allow comes out byte for byte and in order; an allowed line may be rewritten, or become several lines; a
    removable line (an import, an alias, a continuation line) may go; a tensorflow import may be inserted, with
    blank lines after it. None when no such reading exists.
    """
    old, new = _lines(generated.source), _lines(output)
    n, m = len(old), len(new)
    allowed = [i + 1 in generated.allowed for i in range(n)]
    removable = [i + 1 in generated.removable for i in range(n)]
    # Lines equal at both ends that no rewrite can have produced are matched first: most of a module.
    head = 0
    while head < min(n, m) and old[head] == new[head] and not allowed[head]:
        head += 1
    tail = 0
    while tail < min(n, m) - head and old[n - 1 - tail] == new[m - 1 - tail] and not allowed[n - 1 - tail]:
        tail += 1
    # cost[(i, j, c)]: the cheapest way to account for i input lines and j output lines; c is KEPT when input line
    # i-1 was allowed and kept (the next output lines may still be part of what it became), INSERTED after an
    # inserted import (a blank line may follow it), else 0.
    INF = 1 << 30
    best: dict[tuple[int, int, int], tuple[int, tuple[int, int, int] | None, int | None]] = {
        (head, head, 0): (0, None, None)}

    def relax(target: tuple[int, int, int], cost: int, origin: tuple[int, int, int], source: int | None) -> None:
        if cost < best.get(target, (INF,))[0]:
            best[target] = (cost, origin, source)

    for i in range(head, n - tail + 1):
        for j in range(head, m - tail + 1):
            for c in (0, KEPT, INSERTED):
                state = (i, j, c)
                if state not in best:
                    continue
                cost = best[state][0]
                inserted = j < m - tail and _INSERTED_IMPORT.match(new[j]) is not None
                if i < n - tail and j < m - tail:
                    if old[i] == new[j]:
                        relax((i + 1, j + 1, KEPT if allowed[i] else 0), cost, state, i + 1)
                    elif allowed[i]:
                        # an import written over a removed import reads best as a removal and an insertion
                        relax((i + 1, j + 1, KEPT), cost + (5 if inserted and removable[i] else 1), state, i + 1)
                if i < n - tail and removable[i]:
                    relax((i + 1, j, 0), cost + 1, state, None)
                if j < m - tail and c == KEPT:
                    relax((i, j + 1, KEPT), cost + 1, state, i)
                if inserted or (j < m - tail and c == INSERTED and not new[j].strip()):
                    relax((i, j + 1, INSERTED), cost + 1, state, None)
    ends = [s for s in ((n - tail, m - tail, c) for c in (0, KEPT, INSERTED)) if s in best]
    if not ends:
        return None
    mapping: list[int | None] = list(range(1, head + 1)) + [None] * (m - head - tail) \
        + list(range(n - tail + 1, n + 1))
    state: tuple[int, int, int] | None = min(ends, key=lambda s: best[s][0])
    while state is not None:
        _, origin, source = best[state]
        if origin is not None and state[1] != origin[1]:
            mapping[origin[1]] = source
        state = origin
    return mapping


def _rough_alignment(source: bytes, output: bytes) -> list[int | None]:
    """difflib's line mapping, for outputs the layout property already rejects: an inserted or rewritten line
    stands for the input line it follows or replaces."""
    import difflib

    old, new = _lines(source), _lines(output)
    mapping: list[int | None] = [None] * len(new)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        for j in range(j1, j2):
            if tag == "insert":
                mapping[j] = max(i1, 1)  # the line it follows
            else:
                mapping[j] = min(i2, i1 + 1 + (j - j1))
    return mapping


def _comments(text: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            found.setdefault(token.start[0], []).append(token.string)
    return found


def check_layout(generated: Generated) -> None:
    output = output_of(generated)
    mapping = align(generated, output)
    if mapping is None:
        old, new = Counter(_lines(generated.source)), Counter(_lines(output))
        gone = [line.decode("latin-1").rstrip() for number, line in enumerate(_lines(generated.source), 1)
                if number not in generated.allowed and old[line] > new[line]]
        raise AssertionError(f"a line the migration has no business with changed or went ({gone[:3]}):\n"
                             + _diff(generated.source, output))
    # Comments on the lines a migration rewrote are still there, on what those lines became.
    before, after = _comments(decode(generated.source, generated)), _comments(decode(output, generated))
    became: dict[int, list[str]] = {}
    for number, source in enumerate(mapping, 1):
        if source is not None:
            became.setdefault(source, []).extend(after.get(number, []))
    lost = [(line, comment) for line, comments in before.items() if line in became
            for comment in comments if comment not in became[line]]
    assert not lost, f"comments lost from rewritten lines: {lost}\n" + _diff(generated.source, output)


# -- 4. never silent --------------------------------------------------------------------------------------------------


def _silent_contrib(generated: Generated, imports: bool) -> list[str]:
    """`contrib` references left in the output's code (in import statements, or elsewhere) with no finding that
    needs a person on their line, outside version guards."""
    result = migrate(generated.source)
    output = output_of(generated)
    mapping = align(generated, output) or _rough_alignment(generated.source, output)
    reported = [(f.line, max(f.line, f.end_line)) for f in result.findings if not f.fixed]
    silent = []
    previous, statement = None, None
    for token in tokenize.generate_tokens(io.StringIO(decode(output, generated)).readline):
        if token.type in (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT):
            if token.type == tokenize.NEWLINE:
                statement = None
            continue
        statement = statement or token.string  # the first word of the statement
        after_dot, previous = previous is not None and previous.string == ".", token
        # `x.contrib` in code or `tensorflow.contrib` in an import; not a method or a key called contrib
        if token.type != tokenize.NAME or token.string != "contrib" or not after_dot:
            continue
        if (statement in ("import", "from")) != imports:
            continue
        line = mapping[token.start[0] - 1]
        if line is not None and (line in generated.guarded or any(a <= line <= b for a, b in reported)):
            continue
        silent.append(f"output line {token.start[0]} (input line {line}): {token.line.strip()}")
    return silent


def check_never_silent(generated: Generated) -> None:
    silent = _silent_contrib(generated, imports=False)
    assert not silent, "contrib left in the code with no finding:\n" + "\n".join(silent)


def check_kept_imports_are_reported(generated: Generated) -> None:
    silent = _silent_contrib(generated, imports=True)
    assert not silent, "contrib import left with no finding on it:\n" + "\n".join(silent)


# -- 5. bytes that say how to read the file ---------------------------------------------------------------------------


def check_encoding_and_newlines(generated: Generated) -> None:
    output = output_of(generated)
    assert output.startswith(BOM) == generated.bom, "the BOM was added or lost"
    decode(output, generated)
    old, new = _lines(generated.source), _lines(output)
    for number in range(min(2, len(old))):
        if re.match(rb"[ \t\f]*#.*?coding[:=]", old[number]):
            assert new[number] == old[number], "the encoding cookie moved or changed"
    if generated.newline == "\r\n":
        ended = new if generated.source.endswith(b"\n") else new[:-1]
        assert all(line.endswith(b"\r\n") for line in ended), "a line lost its CRLF ending"
    else:
        assert b"\r" not in output, "a CR crept into an LF file"


def _diff(old: bytes, new: bytes | None) -> str:
    import difflib

    return "".join(difflib.unified_diff(old.decode("latin-1").splitlines(True),
                                        (new or b"").decode("latin-1").splitlines(True), "input", "output"))


# -- the tests --------------------------------------------------------------------------------------------------------

# Properties the current engine fails on some generated modules (the transforms are being rewritten). Not strict: a
# run that happens to draw no failing module passes.
KNOWN_FAILING: frozenset[str] = frozenset()


def known_failing(name: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(name in KNOWN_FAILING, reason="the current engine fails this property", strict=False)


PROPERTIES = {
    "reaches_the_transforms": check_reaches_the_transforms,
    "sound_output": check_sound_output,
    "names": check_names,
    "layout": check_layout,
    "never_silent": check_never_silent,
    "kept_imports_are_reported": check_kept_imports_are_reported,
    "encoding_and_newlines": check_encoding_and_newlines,
}


@known_failing("reaches_the_transforms")
@FAST
@given(generated=tf1_modules())
def test_every_generated_module_reaches_the_transforms(generated: Generated) -> None:
    check_reaches_the_transforms(generated)


@known_failing("sound_output")
@FAST
@given(generated=tf1_modules())
def test_output_compiles_parses_and_is_a_fixpoint(generated: Generated) -> None:
    check_sound_output(generated)


@known_failing("names")
@FAST
@given(generated=tf1_modules())
def test_no_new_unbound_names_and_tf_is_tensorflow(generated: Generated) -> None:
    check_names(generated)


@known_failing("layout")
@FAST
@given(generated=tf1_modules())
def test_nothing_changes_outside_the_migrated_lines(generated: Generated) -> None:
    check_layout(generated)


@known_failing("never_silent")
@FAST
@given(generated=tf1_modules())
def test_remaining_contrib_is_never_silent(generated: Generated) -> None:
    check_never_silent(generated)


@known_failing("kept_imports_are_reported")
@FAST
@given(generated=tf1_modules())
def test_contrib_imports_left_in_place_are_reported(generated: Generated) -> None:
    check_kept_imports_are_reported(generated)


@known_failing("encoding_and_newlines")
@FAST
@given(generated=tf1_modules())
def test_bom_cookie_and_newlines_survive(generated: Generated) -> None:
    check_encoding_and_newlines(generated)


@settings(max_examples=2, phases=[Phase.generate], **_COMMON)
@given(generated=tf1_modules())
def test_cli_writes_what_the_engine_returns(generated: Generated) -> None:
    result = migrate(generated.source)
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / "train.py"
        target.write_bytes(generated.source)
        check = _cli("--check", target, cwd=directory)
        assert check.returncode == (1 if result.new is not None or result.findings else 0), check.stderr
        assert target.read_bytes() == generated.source, "--check wrote"
        write = _cli("--write", "-j", "1", target, cwd=directory)
        assert write.returncode == 0, write.stderr
        assert target.read_bytes() == output_of(generated)


def _cli(*args: str | Path, cwd: str) -> subprocess.CompletedProcess[bytes]:
    return run_cli("--color", "never", *args, cwd=cwd, text=False)


@pytest.fixture
def slow_selected(request: pytest.FixtureRequest) -> None:
    """Named on the command line without `-m slow` (`pytest tests/test_property.py::...`): still not run."""
    expression = request.config.getoption("markexpr") or ""
    if "slow" not in expression or "not slow" in expression:
        pytest.skip("many examples: run with -m slow")


@pytest.mark.slow
@pytest.mark.parametrize("name", [pytest.param(name, marks=known_failing(name)) for name in sorted(PROPERTIES)])
def test_property_on_many_modules(name: str, slow_selected: None) -> None:
    check = PROPERTIES[name]

    @SLOW
    @given(generated=tf1_modules())
    def run(generated: Generated) -> None:
        check(generated)

    run()
