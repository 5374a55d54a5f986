"""``[tool.tfckpt-migrate]`` settings from pyproject.toml, merged with the command line.

Teams run the codemod from pre-commit and CI as well as by hand; keeping ``select``,
``exclude`` and friends in pyproject.toml makes those runs agree.  Lookup follows ruff: the
nearest pyproject.toml above the given paths that has a ``[tool.tfckpt-migrate]`` table wins
(a sub-package's bare pyproject.toml must not hide the root's settings), or the one ``--config``
names.  Exclude patterns are anchored at the directory of the file that holds them, whatever
path is passed; the command line's at the working directory.  Mistakes are errors, not
warnings: a misspelt key that silently selects nothing would make ``--check`` pass in CI while checking nothing.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tfckpt_codemod.discovery import Pattern
    from tfckpt_codemod.ignores import PerFileIgnores

__all__ = [
    "ConfigError",
    "Settings",
    "TABLE",
    "explicit_pyproject",
    "find_pyproject",
    "load_settings",
    "merge",
]

TABLE = "tfckpt-migrate"
_TABLE_LABEL = f"[tool.{TABLE}]"

# A rule code or a prefix of one: "TFC", "TFC1", "TFC30", "TFC301".
_CODE_RE = re.compile(r"TFC[0-9]{0,3}")


class ConfigError(Exception):
    """A one-line message naming the file and the key, ready for ``path: error: ...`` output."""


@dataclass(frozen=True)
class Settings:
    """Effective settings; every field's default means "not configured"."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[Pattern, ...] | None = None
    extend_exclude: tuple[Pattern, ...] = ()
    jobs: int | None = None
    respect_gitignore: bool = True
    max_file_size: int | None = None  # bytes; None means the default (limits.DEFAULT_MAX_FILE_SIZE)
    checkpoints: tuple[str, ...] = ()  # `[NAME=]PATH` each; a config's relative paths are anchored at its directory
    per_file_ignores: PerFileIgnores | None = None  # patterns relative to the config's directory -> codes
    source: Path | None = None


# pyproject key -> Settings field.  ``source`` is not user-settable.
_KEYS: dict[str, str] = {
    "select": "select",
    "ignore": "ignore",
    "exclude": "exclude",
    "extend-exclude": "extend_exclude",
    "jobs": "jobs",
    "respect-gitignore": "respect_gitignore",
    "max-file-size": "max_file_size",
    "checkpoints": "checkpoints",
    "per-file-ignores": "per_file_ignores",
}


def _display(path: Path) -> str:
    """The path relative to the working directory when below it: shorter, and what users type (quoted when it
    does not print, like every path the tool shows)."""
    from tfckpt_codemod.quoting import display_path

    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return display_path(str(path))
    return display_path(str(path) if relative.startswith("..") else relative)


def _read_toml(pyproject: Path) -> dict[str, Any]:
    # Loaded here: most runs from a directory without a pyproject.toml never need a TOML parser.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised only on Python 3.10
        import tomli as tomllib

    from tfckpt_codemod.fileio import read_regular

    where = _display(pyproject)
    try:
        data = read_regular(pyproject)
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{where}: invalid TOML: not UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                          f"{exc.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: invalid TOML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise ConfigError(f"{where}: invalid TOML: arrays or tables nested too deeply to read") from None
    except (ValueError, MemoryError) as exc:  # what a TOML parser may raise besides its own error
        raise ConfigError(f"{where}: invalid TOML: {' '.join(str(exc).split()) or type(exc).__name__}") from None


def _table(document: Mapping[str, Any]) -> Any:
    tool = document.get("tool")
    if not isinstance(tool, dict):
        return None
    return tool.get(TABLE)


def _common_parent(paths: Sequence[Path]) -> Path:
    if not paths:
        return Path(os.getcwd())
    directories = []
    for path in paths:
        absolute = Path(os.path.abspath(path))
        directories.append(absolute if absolute.is_dir() else absolute.parent)
    return Path(os.path.commonpath([str(d) for d in directories]))


def find_pyproject(paths: Sequence[Path]) -> Path | None:
    """The nearest pyproject.toml above the paths' common parent that configures us.

    A pyproject.toml without a ``[tool.tfckpt-migrate]`` table is passed over: a sub-package's
    own packaging file says nothing about how the repository is migrated, and stopping at it
    would make ``tfckpt-migrate src/pkg`` ignore the excludes that ``tfckpt-migrate .`` honours.
    """
    current = _common_parent(paths)
    while True:
        candidate = current / "pyproject.toml"
        if candidate.is_file() and _table(_read_toml(candidate)) is not None:
            return candidate
        if current.parent == current:
            return None
        current = current.parent


def explicit_pyproject(path: Path) -> Path:
    """``--config PATH``: that file, which must exist and hold the table (a typo must not mean "defaults")."""
    if not path.is_file():
        raise ConfigError(f"{_display(path)}: error: --config: no such file")
    if _table(_read_toml(path)) is None:
        raise ConfigError(f"{_display(path)}: error: --config: no {_TABLE_LABEL} table")
    return path


def _string_list(value: Any, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(
            f"{where}: '{key}' in {_TABLE_LABEL} must be a list of strings, got {_describe(value)}"
        )
    return tuple(value)


def _codes(value: Any, where: str, key: str) -> tuple[str, ...]:
    codes = _string_list(value, where, key)
    from tfckpt_codemod.transforms import unknown_selectors

    for code in codes:
        if not _CODE_RE.fullmatch(code) or unknown_selectors([code]):
            raise ConfigError(
                f"{where}: '{key}' in {_TABLE_LABEL} has {code!r}, which is not a rule code "
                "or prefix (e.g. TFC1, TFC301; see --list-rules)"
            )
    return codes


def _check_patterns(patterns: tuple[str, ...], where: str, key: str) -> None:
    from tfckpt_codemod.discovery import pattern_error

    for pattern in patterns:
        text = pattern.strip()
        if not text or text.startswith("#") or text.isidentifier():
            continue
        reason = pattern_error(text)
        if reason is not None:
            raise ConfigError(f"{where}: '{key}' in {_TABLE_LABEL} has {pattern!r}, which is not a valid "
                              f"pattern: {reason}")


def _describe(value: Any) -> str:
    kind = {bool: "boolean", int: "integer", float: "float", str: "string", list: "array",
            dict: "table"}.get(type(value), type(value).__name__)
    return f"{kind} {value!r}"


def load_settings(pyproject: Path | None) -> Settings:
    """Read and validate ``[tool.tfckpt-migrate]``; ``None`` or a missing table gives defaults."""
    if pyproject is None:
        return Settings()
    where = _display(pyproject)
    table = _table(_read_toml(pyproject))
    if table is None:
        return Settings(source=pyproject)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: {_TABLE_LABEL} must be a table, got {_describe(table)}")

    values: dict[str, Any] = {}
    for key, value in table.items():
        field = _KEYS.get(key)
        if field is None:
            expected = ", ".join(sorted(_KEYS))
            raise ConfigError(
                f"{where}: unknown key '{key}' in {_TABLE_LABEL}; expected one of {expected}"
            )
        if field in ("select", "ignore"):
            values[field] = _codes(value, where, key)
        elif field in ("exclude", "extend_exclude"):
            patterns = _string_list(value, where, key)
            _check_patterns(patterns, where, key)
            values[field] = _anchored(patterns, pyproject.parent)
        elif field == "jobs":
            # bool is an int subclass; `jobs = true` is a mistake, not one worker.
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(
                    f"{where}: 'jobs' in {_TABLE_LABEL} must be a positive integer, "
                    f"got {_describe(value)}"
                )
            values[field] = value
        elif field == "max_file_size":
            from tfckpt_codemod.limits import LimitError, parse_size

            try:
                values[field] = parse_size(value)
            except LimitError as exc:
                raise ConfigError(f"{where}: {exc} in {_TABLE_LABEL}") from None
        elif field == "checkpoints":
            values[field] = tuple(_anchored_checkpoint(spec, pyproject.parent)
                                  for spec in _string_list(value, where, key))
        elif field == "per_file_ignores":
            values[field] = _per_file_ignores(value, where, pyproject.parent)
        elif field == "respect_gitignore":
            if not isinstance(value, bool):
                raise ConfigError(
                    f"{where}: 'respect-gitignore' in {_TABLE_LABEL} must be true or false, "
                    f"got {_describe(value)}"
                )
            values[field] = value
    return Settings(source=pyproject, **values)


def _per_file_ignores(value: Any, where: str, base: Path) -> PerFileIgnores:
    """ruff's `per-file-ignores`: a table of pattern -> codes or prefixes, each code one that a run can report."""
    from tfckpt_codemod.ignores import PerFileIgnores

    if not isinstance(value, dict):
        raise ConfigError(f"{where}: 'per-file-ignores' in {_TABLE_LABEL} must be a table of pattern = [codes], "
                          f"got {_describe(value)}")
    entries = []
    for pattern, codes in value.items():
        key = f'per-file-ignores."{pattern}"'
        checked = _codes(codes, where, key)  # each a code or prefix of one that a run can report
        _check_patterns((pattern.removeprefix("!"),), where, key)
        entries.append((pattern, checked))
    return PerFileIgnores(os.path.abspath(base), tuple(entries))


def _anchored_checkpoint(spec: str, base: Path) -> str:
    """A checkpoint named in the config means the same whatever directory the tool runs from."""
    from tfckpt_codemod.evidence import split_spec

    name, path = split_spec(spec, base)
    anchored = str(base / path) if path and not os.path.isabs(path) else path
    return anchored if name is None else f"{name}={anchored}"


def _anchored(patterns: Iterable[str], base: Path) -> tuple[Pattern, ...]:
    from tfckpt_codemod.discovery import Anchored

    absolute = os.path.abspath(base)
    return tuple(Anchored(pattern, absolute) for pattern in patterns)


def _as_tuple(field: str, value: Any) -> Any:
    """CLI layers hand over lists or comma-separated strings; Settings stores tuples. The command line's
    exclude patterns are anchored at the working directory, as the config's are at its own."""
    if field in ("select", "ignore", "exclude", "extend_exclude", "checkpoints"):
        if isinstance(value, str):
            value = tuple(part.strip() for part in value.split(",") if part.strip())
        elif isinstance(value, Iterable):
            value = tuple(value)
        else:
            return value
        if field in ("exclude", "extend_exclude"):  # `--extend-exclude a,b` too
            parts = [part.strip() for item in value for part in item.split(",") if part.strip()]
            return _anchored(parts, Path(os.getcwd()))
    return value


_FIELDS = frozenset(f.name for f in fields(Settings))


def merge(settings: Settings, **cli_overrides: Any) -> Settings:
    """Command-line values override the file's; ``None`` means "not given on the command line".

    Unknown names raise ``TypeError`` because they are programming errors in the CLI layer,
    not user mistakes.
    """
    unknown = set(cli_overrides) - _FIELDS
    if unknown:
        raise TypeError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    changes = {
        name: _as_tuple(name, value) for name, value in cli_overrides.items() if value is not None
    }
    if "extend_exclude" in changes:  # the command line's --extend-exclude adds to the config's (ruff)
        changes["extend_exclude"] = (*settings.extend_exclude, *changes["extend_exclude"])
    return replace(settings, **changes) if changes else settings
