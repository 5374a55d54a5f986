"""File names as output shows them: as they are when printable, quoted with C-style escapes when not.

A file name may hold a newline (which would forge a second `path: error: ...` line), a terminal escape sequence
(which would recolor or retitle the user's terminal) or bytes that are not UTF-8 (which Python hands over as lone
surrogates). Like `ls` and git, such a name is printed between double quotes with `\\n`, `\\t`, `\\x1b`, `\\"` and
`\\\\` escapes, and a byte that is not UTF-8 as `\\xff`; every other name is printed as it is. JSON output needs no
quoting (json escapes), and a name that needs none is never changed, so ordinary output stays as it was.
"""

from __future__ import annotations

_SIMPLE = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\", '"': '\\"'}


def needs_quoting(path: str) -> bool:
    return not path.isprintable()


def display_path(path: str) -> str:
    """`path` unchanged when every character prints, else double-quoted with escapes (`"a\\nb.py"`)."""
    if path.isprintable():
        return path
    return '"' + "".join(_escape(char) for char in path) + '"'


def _escape(char: str) -> str:
    if char in _SIMPLE:
        return _SIMPLE[char]
    if char.isprintable():
        return char
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode hands it over (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
