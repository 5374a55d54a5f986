"""Turn the paths a user typed into the files the engine should migrate.

The rules follow ruff (without ``--force-exclude``) because that is what users of a Python
codemod already expect:

* a path given on the command line is always processed, even when it is excluded or
  git-ignored: the user asked for it by name;
* inside directories only regular ``*.py`` files (and ``*.ipynb`` notebooks) are picked up,
  excluded names and git-ignored paths are pruned *before* descending, so a virtualenv or a
  ``site-packages`` tree costs one directory entry, not 30,000 files;
* symlinked directories are never followed (they can form loops and they lead out of the
  tree the user pointed at), and symlinked files are kept only while their target stays
  inside the directory being searched, so ``--write`` can never reach outside it;
* a dangling ``*.py`` symlink is returned on purpose: silently skipping it would hide a file
  the user expects to be migrated, while returning it lets the engine report it as unreadable.

The walk uses ``os.scandir`` (one ``stat``-free listing per directory) and reads each
``.gitignore`` exactly once, when its directory is entered.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Union

if TYPE_CHECKING:  # pathspec is imported only when there is a glob or an ignore file to match
    import pathspec

__all__ = [
    "DEFAULT_EXCLUDES",
    "Anchored",
    "Pattern",
    "Discovered",
    "MissingPathError",
    "PatternError",
    "discover",
    "pattern_error",
    "find_git_root",
]

DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "build",
    "dist",
    "__pycache__",
    ".tox",
    ".nox",
    "node_modules",
    "site-packages",
    ".mypy_cache",
    ".pytest_cache",
    ".eggs",
)

PYTHON_SUFFIX = ".py"
NOTEBOOK_SUFFIX = ".ipynb"

# Characters that make a gitignore pattern more than a plain name.  Plain names are matched
# with a set lookup on each entry's name, which is what makes pruning a large tree cheap.
_GLOB_CHARS = frozenset("*?[]!/\\")


class MissingPathError(Exception):
    """A path given on the command line does not exist.

    Raised before any file is processed so the CLI can exit with a usage error instead of
    migrating half of what the user asked for.
    """

    def __init__(self, path: Path) -> None:
        from tfckpt_codemod.quoting import display_path

        super().__init__(f"{display_path(str(path))}: error: No such file or directory")
        self.path = path


class PatternError(ValueError):
    """An exclude pattern (from the command line or pyproject.toml) that is not valid gitignore syntax.

    Raised before any file is processed: a mistyped exclude must not silently include what it meant to skip.
    """


# The largest ignore file read; past it the rest is not read (git has a similar limit of 100 MB).
_MAX_IGNORE_FILE = 100_000_000


@dataclass(frozen=True)
class Discovered:
    """One file to migrate.

    ``path`` keeps the user's spelling (relative stays relative) so diffs and findings show
    paths the user recognises; ``explicit`` tells the engine the file was named directly and
    therefore must be processed whatever its suffix. A string, not a ``Path``: on a tree of
    30,000 files that need nothing, building the ``Path`` objects costs more than reading them.
    """

    path: str
    explicit: bool


class Anchored(NamedTuple):
    """An exclude pattern and the absolute directory it is relative to: a pyproject.toml's directory for the
    config's patterns, the working directory for the command line's. A plain string pattern is relative to each
    directory searched instead."""

    pattern: str
    base: str


Pattern = Union[str, Anchored]  # noqa: UP007 - a runtime alias, and Python 3.10 is supported


class _NameAndGlobSpec:
    """An exclude list split into plain names (set lookup) and real globs (pathspec), the globs grouped by the
    directory they are anchored at.

    ``DEFAULT_EXCLUDES`` are all plain names; matching them through regular expressions for
    every entry of a 30,000-file tree would dominate the walk.
    """

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        names: set[str] = set()
        globs: dict[str | None, list[str]] = {}
        for raw in patterns:
            base = raw.base if isinstance(raw, Anchored) else None
            pattern = (raw.pattern if isinstance(raw, Anchored) else raw).strip()
            if not pattern or pattern.startswith("#"):
                continue
            if _GLOB_CHARS.isdisjoint(pattern):
                names.add(pattern)
            else:
                globs.setdefault(base, []).append(pattern)
        self.names = frozenset(names)
        for group in globs.values():
            for pattern in group:
                reason = pattern_error(pattern)
                if reason is not None:
                    raise PatternError(f"invalid exclude pattern {pattern!r}: {reason}")
        self.specs = [(base, _gitignore_spec(group)) for base, group in globs.items()]

    def bound_to(self, top: str) -> _WalkExcludes:
        """The patterns for a walk of ``top``: each anchored glob sees paths relative to its own base."""
        absolute = os.path.abspath(top)
        bound: list[tuple[pathspec.GitIgnoreSpec, str, str | None]] = []
        for base, spec in self.specs:
            prefix = os.curdir if base is None else os.path.relpath(absolute, base)
            if prefix == os.curdir:
                bound.append((spec, "", None))
            elif prefix == os.pardir or prefix.startswith(os.pardir + os.sep):
                bound.append((spec, os.path.join(absolute, ""), base))  # the base is inside the walk
            else:
                bound.append((spec, prefix.replace(os.sep, "/") + "/", None))
        return _WalkExcludes(self.names, bound)

    def excludes_file(self, path: str) -> bool:
        """``--force-exclude``: whether a file named on the command line (or a directory above it, up to the
        working directory or the pattern's base) is excluded."""
        absolute = os.path.abspath(path)
        parts = Path(os.path.relpath(absolute)).parts
        if any(part in self.names for part in parts if part != os.pardir):
            return True
        for base, spec in self.specs:
            relative = os.path.relpath(absolute, base if base is not None else os.curdir).replace(os.sep, "/")
            if relative.startswith("../"):
                continue
            pieces = relative.split("/")
            for end in range(1, len(pieces) + 1):
                candidate = "/".join(pieces[:end])
                if spec.match_file(candidate if end == len(pieces) else candidate + "/"):
                    return True
        return False


class _WalkExcludes:
    """The excludes of one walk: names, and each glob with the prefix that turns a path relative to the walked
    directory into one relative to the glob's base (or the base itself, when the walk starts above it)."""

    def __init__(self, names: frozenset[str], bound: list[tuple[pathspec.GitIgnoreSpec, str, str | None]]) -> None:
        self.names = names
        self._bound = bound

    def matches(self, name: str, rel: str, is_dir: bool) -> bool:
        """``rel`` is the posix path relative to the searched directory."""
        if name in self.names:
            return True
        for spec, prefix, outside in self._bound:
            path = prefix + rel
            if outside is not None:
                path = os.path.relpath(path, outside).replace(os.sep, "/")
                if path.startswith("../"):
                    continue
            if spec.match_file(path + "/" if is_dir else path):
                return True
        return False


@dataclass(frozen=True)
class _IgnoreFile:
    """A parsed ``.gitignore`` (or ``info/exclude``) and where it is anchored.

    Every path in a walk is a posix path relative to the directory being searched.  For an
    ignore file found during the walk, ``base`` is its directory relative to the searched
    directory (``"sub/"``, or ``""``) and is stripped from paths below it.  For an ignore
    file *above* the searched directory (``outer``), ``base`` is the searched directory
    relative to the ignore file's directory and is prefixed instead, so the outer patterns
    keep their own anchoring.
    """

    base: str
    spec: pathspec.GitIgnoreSpec
    outer: bool = False

    def relative(self, rel: str) -> str | None:
        """``rel`` as seen from this file's directory, or None when the file does not apply."""
        if self.outer:
            return self.base + rel
        if rel.startswith(self.base):
            return rel[len(self.base) :]
        return None


def _gitignore_spec(lines: Iterable[str]) -> pathspec.GitIgnoreSpec:
    """The spec of these lines; lines that are not valid patterns (`!`, `foo\\`, `[z-a].py`) are left out one by
    one, as git does (it accepts them and they match nothing), so one bad line costs nothing but itself."""
    import pathspec

    lines = list(lines)
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except Exception:  # pathspec raises ValueError or re.error; look for the culprits only then
        return pathspec.GitIgnoreSpec.from_lines([line for line in lines if pattern_error(line) is None])


def pattern_error(line: str) -> str | None:
    """Why pathspec cannot compile this gitignore line, or None."""
    import pathspec

    import re

    try:
        pathspec.GitIgnoreSpec.from_lines([line])
    except re.error as error:  # the glob became a regular expression re refuses: say what, not where in it
        return error.msg
    except Exception:  # pathspec's GitIgnorePatternError (a ValueError), or anything else it raises
        return "not valid gitignore syntax"
    return None


def _read_lines(path: str) -> list[str]:
    """An ignore file's lines; nothing if it is missing, unreadable or not a regular file (a FIFO must not hang
    the walk)."""
    from tfckpt_codemod.fileio import read_regular

    try:
        data = read_regular(path, _MAX_IGNORE_FILE)
    except OSError:
        return []
    return data.decode("utf-8", errors="replace").splitlines()


def _read_ignore_file(path: str, base: str, *, outer: bool = False,
                      specs: dict[str, pathspec.GitIgnoreSpec | None] | None = None) -> _IgnoreFile | None:
    """``specs`` caches parsed files for one discovery: twenty directories of one repository given on the
    command line share its top-level ``.gitignore``, which is read and compiled once, not twenty times."""
    if specs is not None and path in specs:
        spec = specs[path]
    else:
        lines = _read_lines(path)
        spec = _gitignore_spec(lines) if lines else None
        if spec is not None and not spec.patterns:
            spec = None
        if specs is not None:
            specs[path] = spec
    return None if spec is None else _IgnoreFile(base, spec, outer)


def _is_ignored(stack: Sequence[_IgnoreFile], rel: str, is_dir: bool) -> bool:
    """Git semantics: the deepest ignore file with a matching pattern decides.

    Within one file the last matching pattern wins (``check_file`` does that, including
    ``!negation``); a deeper file overrides a shallower one, hence reading the stack from
    its end.  Directories are matched with a trailing slash so ``build/`` patterns apply.
    """
    for ignore in reversed(stack):
        sub = ignore.relative(rel)
        if not sub:
            continue
        if is_dir:
            sub = sub.rstrip("/") + "/"
        result = ignore.spec.check_file(sub)
        if result.include is not None:
            return bool(result.include)
    return False


def find_git_root(start: Path, cache: dict[Path, Path | None] | None = None) -> Path | None:
    """Walk up from ``start`` to the directory holding ``.git`` (a directory or a worktree file).

    ``cache`` remembers the answer for every directory passed on the way, for the other paths
    of the same discovery."""
    current = start
    passed: list[Path] = []
    root: Path | None = None
    while True:
        if cache is not None and current in cache:
            root = cache[current]
            break
        passed.append(current)
        if os.path.lexists(os.path.join(current, ".git")):
            root = current
            break
        parent = current.parent
        if parent == current:
            break
        current = parent
    if cache is not None:
        for directory in passed:
            cache[directory] = root
    return root


def _git_dir(root: Path) -> Path | None:
    """The real git directory of ``root``: ``.git`` itself, or where a worktree's ``.git`` file points."""
    from tfckpt_codemod.fileio import read_regular

    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git
    try:
        text = read_regular(dot_git, 1 << 16).decode("utf-8", errors="replace").strip()
    except OSError:
        return None
    if not text.startswith("gitdir:"):
        return None
    git_dir = Path(text[len("gitdir:") :].strip())
    if not git_dir.is_absolute():
        git_dir = root / git_dir
    # A linked worktree keeps info/exclude in the common directory it names.
    commondir = git_dir / "commondir"
    try:
        common = Path(read_regular(commondir, 1 << 16).decode("utf-8", errors="replace").strip())
    except OSError:
        return git_dir
    return common if common.is_absolute() else git_dir / common


@dataclass
class _Lookups:
    """What one discovery learns once and asks again for every path given (a shell glob can give hundreds)."""

    specs: dict[str, pathspec.GitIgnoreSpec | None] = field(default_factory=dict)  # parsed ignore files
    git_roots: dict[Path, Path | None] = field(default_factory=dict)
    real_dirs: dict[str, str] = field(default_factory=dict)

    def real_path(self, path: str, is_link: bool) -> str:
        """``os.path.realpath``, with one resolution per directory: a file that is not a link is its
        directory's real path plus its own name."""
        if is_link:
            return os.path.realpath(path)
        directory, name = os.path.split(os.path.abspath(path))
        real = self.real_dirs.get(directory)
        if real is None:
            real = self.real_dirs[directory] = os.path.realpath(directory)
        return os.path.join(real, name)


def _initial_ignores(directory: Path, lookups: _Lookups) -> list[_IgnoreFile]:
    """Ignore files above ``directory`` that still govern what lies below it.

    Those are the repository's ``info/exclude`` and every ``.gitignore`` from the git root
    down to the parent of ``directory`` (its own ``.gitignore`` is read by the walk).
    """
    absolute = Path(os.path.abspath(directory))
    root = find_git_root(absolute, lookups.git_roots)
    if root is None:
        return []
    sources: list[tuple[Path, str]] = []
    git_dir = _git_dir(root)
    if git_dir is not None:
        sources.append((root, str(git_dir / "info" / "exclude")))
    ancestors = [] if root == absolute else list(absolute.parents)
    if ancestors:
        ancestors = ancestors[: ancestors.index(root) + 1]
    for ancestor in reversed(ancestors):
        sources.append((ancestor, str(ancestor / ".gitignore")))
    result: list[_IgnoreFile] = []
    for base_dir, ignore_path in sources:
        prefix = absolute.relative_to(base_dir).as_posix()
        loaded = _read_ignore_file(ignore_path, "" if prefix == "." else prefix + "/", outer=True, specs=lookups.specs)
        if loaded is not None:
            result.append(loaded)
    # A directory named on the command line is processed even when git ignores it (ruff
    # does the same); the outer rules would otherwise match every path below it.
    if result and _is_ignored(result, "", True):
        return []
    return result


def _within(root_real: str, target: str) -> bool:
    return target == root_real or target.startswith(root_real.rstrip(os.sep) + os.sep)


def _walk(
    top: Path,
    *,
    excludes: _NameAndGlobSpec,
    respect_gitignore: bool,
    suffixes: tuple[str, ...],
    lookups: _Lookups,
) -> list[tuple[str, bool]]:
    """Paths of files under ``top``, relative to it, each with whether it is a symlink (``top``
    is walked even if excluded).

    Plain strings rather than ``Path`` objects: building 30,000 ``Path`` objects costs more
    than the directory listing itself. The symlink flag comes from the directory listing, so
    nobody has to ``lstat`` each file again.
    """
    found: list[tuple[str, bool]] = []
    top_str = os.fspath(top)
    bound = excludes.bound_to(top_str)
    root_real = os.path.realpath(top_str)
    base_stack: list[_IgnoreFile] = _initial_ignores(top, lookups) if respect_gitignore else []

    # Each pending item: (directory path as the user would write it, rel posix path with a
    # trailing slash or "", the ignore stack that applies inside it).
    pending: list[tuple[str, str, list[_IgnoreFile]]] = [(top_str, "", base_stack)]
    while pending:
        dir_path, rel_dir, stack = pending.pop()
        try:
            with os.scandir(dir_path) as iterator:
                entries = list(iterator)
        except OSError:
            # An unreadable directory is not a file we were asked to migrate; skipping it
            # matches what git and ruff do.
            continue
        if respect_gitignore:
            names = {entry.name for entry in entries}
            local: list[_IgnoreFile] = []
            if rel_dir and ".git" in names:
                # A nested repository (submodule) does not inherit the outer ignore rules.
                stack = []
                git_dir = _git_dir(Path(dir_path))
                if git_dir is not None:
                    exclude = _read_ignore_file(str(git_dir / "info" / "exclude"), rel_dir)
                    if exclude is not None:
                        local.append(exclude)
            if ".gitignore" in names:
                loaded = _read_ignore_file(os.path.join(dir_path, ".gitignore"), rel_dir)
                if loaded is not None:
                    local.append(loaded)
            if local:
                stack = [*stack, *local]
        for entry in entries:
            name = entry.name
            rel = rel_dir + name
            try:
                is_symlink = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if bound.matches(name, rel, True):
                    continue
                if stack and _is_ignored(stack, rel, True):
                    continue
                pending.append((entry.path, rel + "/", stack))
                continue
            if not name.endswith(suffixes):
                continue
            if is_symlink:
                try:
                    if entry.is_dir():  # a symlink to a directory is never followed
                        continue
                except OSError:
                    pass
                target = os.path.realpath(entry.path)
                if os.path.exists(target):
                    if not os.path.isfile(target) or not _within(root_real, target):
                        continue
                elif not name.endswith(PYTHON_SUFFIX):
                    continue
            elif not entry.is_file(follow_symlinks=False):
                continue  # fifo, socket, device
            if bound.matches(name, rel, False):
                continue
            if stack and _is_ignored(stack, rel, False):
                continue
            found.append((rel, is_symlink))
    return found


def discover(
    paths: Sequence[Path],
    *,
    exclude: Sequence[Pattern] | None = None,
    extend_exclude: Sequence[Pattern] = (),
    respect_gitignore: bool = True,
    include_notebooks: bool = True,
    force_exclude: bool = False,
    missing: list[Path] | None = None,
) -> list[Discovered]:
    """Expand ``paths`` into a sorted, de-duplicated list of files to migrate.

    ``exclude`` replaces ``DEFAULT_EXCLUDES`` (``None`` keeps them), ``extend_exclude`` adds
    to whichever list is in force.  Patterns use gitignore syntax; an ``Anchored`` one is matched relative to its
    base, a plain string relative to each directory given.  ``force_exclude`` applies them to files named
    directly too (pre-commit names every file).  Paths that do not exist go to ``missing`` when it is given
    (one mistyped path among several must not stop the others); else ``MissingPathError`` is raised for the
    first.  ``PatternError`` is raised for an exclude pattern that is not valid gitignore syntax, before
    walking anything (a bad line in a ``.gitignore`` is skipped instead, as git does).
    """
    given = [Path(p) for p in paths]
    for path in given:
        if not os.path.lexists(path):
            if missing is None:
                raise MissingPathError(path)
            missing.append(path)
    given = [path for path in given if missing is None or path not in missing]

    base_excludes = DEFAULT_EXCLUDES if exclude is None else tuple(exclude)
    excludes = _NameAndGlobSpec([*base_excludes, *extend_exclude])
    suffixes = (PYTHON_SUFFIX, NOTEBOOK_SUFFIX) if include_notebooks else (PYTHON_SUFFIX,)

    # key (normalised absolute path) -> (path as the user would write it, explicit, real path, is a link)
    by_key: dict[str, tuple[str, bool, str, bool]] = {}
    lookups = _Lookups()
    for path in given:
        if os.path.isdir(path):
            absolute = os.path.abspath(path)
            real_root = os.path.realpath(path)  # the walk never follows a link, so only links need realpath
            spelled = str(path)
            # `rel` never starts with a separator, so prefix + rel is os.path.join(directory, rel).
            absolute_prefix = os.path.join(absolute, "")
            real_prefix = os.path.join(real_root, "")
            spelled_prefix = "" if spelled == os.curdir else os.path.join(spelled, "")  # as `Path` spells it
            for rel, is_link in _walk(
                path, excludes=excludes, respect_gitignore=respect_gitignore, suffixes=suffixes, lookups=lookups
            ):
                key = os.path.normcase(absolute_prefix + rel)
                if key not in by_key:
                    real = os.path.realpath(key) if is_link else real_prefix + rel
                    by_key[key] = (spelled_prefix + rel, False, real, is_link)
        else:
            # Files (and dangling symlinks) named on the command line are processed unless forced out.
            if force_exclude and excludes.excludes_file(str(path)):
                continue
            key = os.path.normcase(os.path.abspath(path))
            is_link = os.path.islink(path)
            by_key[key] = (str(path), True, lookups.real_path(str(path), is_link), is_link)
    # The spellings are already normal (they come from `Path`s): sorting needs no `Path` per file.
    found = sorted(by_key.values(), key=lambda entry: (entry[0].replace(os.sep, "/"), entry[1]))
    return _one_spelling_per_file(found)


def _one_spelling_per_file(found: list[tuple[str, bool, str, bool]]) -> list[Discovered]:
    """A file reached twice (a symlink beside it, a directory given under two names) is processed once.

    Otherwise the second spelling would be migrated from the bytes read before the first was written, and its
    changed-on-disk check would fail. The file's own name wins over a link to it, then the first in sorted order;
    if any spelling was given explicitly, the one kept counts as explicit.
    """
    chosen: dict[str, int] = {}
    kept: list[Discovered | None] = []
    links: list[bool] = []
    for spelled, explicit, real, is_link in found:
        item = Discovered(spelled, explicit)
        index = chosen.get(real)
        if index is None or not os.path.exists(real):  # a broken link is reported on its own
            chosen[real] = len(kept)
            kept.append(item)
            links.append(is_link)
            continue
        first = kept[index]
        assert first is not None
        explicit = first.explicit or explicit
        if links[index] and not is_link:
            kept[index] = None
            chosen[real] = len(kept)
            kept.append(Discovered(item.path, explicit))
            links.append(False)
        else:
            kept[index] = Discovered(first.path, explicit)
    return [item for item in kept if item is not None]
