"""Which source encodings a file may be rewritten in, and how new text goes back into the original bytes.

Python accepts any codec in a PEP 263 cookie, but not every codec can carry a rewrite. `unicode_escape` decodes a
whole file of real line breaks into text that encodes back as a single line of `\\n` escapes; `utf-7` writes `~` and
`\\` as `+AH4-` and `+AFw-`; `iso2022_jp` spells Japanese with ASCII bytes between escape sequences. Writing through
such a codec changes bytes the migration never touched. So a file is migrated only when

* its codec is a text encoding in which every printable ASCII character, tab and line break is its own byte
  (`codec_error`);
* the file decodes, and its text encodes back to exactly its bytes (`file_error`);
* every ASCII byte of the file stands for that ASCII character (no shift states, no escapes: `file_error`);

and the new file is rebuilt from the original bytes: unchanged lines are copied, only changed lines are encoded,
and the result must decode to the text the migration produced (`splice`). Anything else is one error line and the
file is left alone.
"""

from __future__ import annotations

import codecs
import functools
import io
import tokenize

# Printable ASCII, tab, line feed, carriage return and form feed: what Python source is made of.
_ASCII_SOURCE = "".join(chr(code) for code in range(0x20, 0x7F)) + "\t\n\r\x0c"
_HIGH_BYTES = bytes(range(0x80, 0x100))

# Byte order marks of the encodings CPython cannot read source in, most specific first (UTF-32-LE starts like
# UTF-16-LE).
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_WIDE_NEEDLES = tuple((b"tensorflow".decode().encode(codec), name) for codec, name in (
    ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32-le", "UTF-32"), ("utf-32-be", "UTF-32")))


class EncodingError(ValueError):
    """A one-line reason the file cannot be read or written back in its encoding."""


def source_encoding(data: bytes) -> str:
    """The encoding Python reads `data` with (PEP 263 cookie or BOM, else UTF-8); SyntaxError if the cookie is bad."""
    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def wide_bom(data: bytes) -> str | None:
    """"UTF-16" or "UTF-32" when the file starts with that encoding's byte order mark."""
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    return None


def wide_tensorflow(data: bytes) -> str | None:
    """"UTF-16" or "UTF-32" when the file is in that encoding and names tensorflow in it: what the byte prefilter
    (which searches for ASCII `tensorflow`) cannot see. Two byte comparisons on an ordinary file: UTF-16 and UTF-32
    text has a NUL among its first two bytes, or starts with FF FE / FE FF."""
    if len(data) < 2 or (data[0] and data[1] and data[:2] not in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    for needle, name in _WIDE_NEEDLES:
        if needle in data:
            return wide_bom(data) or name
    return None


def wide_error(name: str) -> str:
    return (f"file is encoded in {name}, which CPython cannot read as source (only ASCII-compatible encodings); "
            "save it as UTF-8; not migrated")


@functools.cache
def codec_error(encoding: str) -> str | None:
    """Why text cannot be written back through this codec without touching other bytes, or None."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        return f"unknown encoding: {encoding}"
    if not getattr(info, "_is_text_encoding", True):
        return f"'{encoding}' is not a text encoding"
    # utf-8-sig writes its BOM at the start of every encode call; the file's own BOM is checked with the file.
    probe = "utf-8" if info.name == "utf-8-sig" else info.name
    for char in _ASCII_SOURCE:
        try:
            written = char.encode(probe)
            same = written == char.encode("ascii") and written.decode(probe) == char
        except (UnicodeError, ValueError, TypeError, LookupError) as error:
            return f"encoding '{encoding}' cannot write Python source ({' '.join(str(error).split())}); not migrated"
        if not same:
            return (f"encoding '{encoding}' writes {char!r} as {written!r}, so rewriting would change bytes outside "
                    "the migration; not migrated")
    return None


def file_error(data: bytes, encoding: str) -> str | None:
    """Why this file's bytes cannot be decoded, or cannot be rewritten byte for byte in `encoding`, or None."""
    reason = codec_error(encoding)
    if reason is not None and reason.startswith(("unknown", "'")):
        return reason
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        return f"cannot decode as {encoding}: byte 0x{data[error.start]:02x} at offset {error.start}"
    except (UnicodeError, ValueError, LookupError) as error:  # a codec that raises its own error (`undefined`)
        return f"cannot decode as {encoding}: {' '.join(str(error.__cause__ or error).split())}"
    if reason is not None:
        return reason
    try:
        again = text.encode(encoding)
    except (UnicodeError, ValueError) as error:
        return f"text decoded as {encoding} does not encode back ({' '.join(str(error).split())}); not migrated"
    if again != data:
        return f"the bytes of this file do not round-trip through {encoding}; not migrated"
    ascii_bytes = data.translate(None, _HIGH_BYTES)
    if ascii_bytes != text.encode("ascii", "ignore"):
        return (f"in this file, {encoding} writes non-ASCII characters with ASCII bytes (shift sequences, escapes "
                "or trail bytes), so rewriting could change bytes outside the migration; not migrated")
    return None


def splice(old: bytes, new: bytes, encoding: str) -> bytes:
    """`new` rebuilt from `old`: lines that the migration left as they were keep their original bytes, the changed
    lines in between are encoded. Raises EncodingError when the result would not decode to `new`'s text."""
    if old == new:
        return new
    try:
        old_text = old.decode(encoding)
        new_text = new.decode(encoding)
    except (UnicodeError, ValueError, LookupError) as error:
        raise EncodingError(f"the migrated text does not decode as {encoding} "
                            f"({' '.join(str(error).split())}); not migrated") from None
    old_lines = old.split(b"\n")
    old_text_lines = old_text.split("\n")
    new_text_lines = new_text.split("\n")
    if len(old_lines) != len(old_text_lines):
        raise EncodingError(f"line breaks of this file are not its own bytes in {encoding}; not migrated")
    limit = min(len(old_text_lines), len(new_text_lines))
    head = 0
    while head < limit and old_text_lines[head] == new_text_lines[head]:
        head += 1
    tail = 0
    while tail < limit - head and old_text_lines[-1 - tail] == new_text_lines[-1 - tail]:
        tail += 1
    parts = old_lines[:head]
    changed = new_text_lines[head:len(new_text_lines) - tail]
    if changed:
        try:
            encoded = "\n".join(changed).encode(_plain(encoding))
        except (UnicodeError, ValueError) as error:
            raise EncodingError(f"the migrated text cannot be written in {encoding} "
                                f"({' '.join(str(error).split())}); not migrated") from None
        if head == 0 and old.startswith(codecs.BOM_UTF8) and _plain(encoding) != encoding:
            encoded = codecs.BOM_UTF8 + encoded  # the BOM belongs to the first line of the old bytes
        parts.append(encoded)
    parts.extend(old_lines[len(old_lines) - tail:])
    result = b"\n".join(parts)
    try:
        ok = result.decode(encoding) == new_text
    except (UnicodeError, ValueError):
        ok = False
    if not ok:
        raise EncodingError(f"the migrated text cannot be written back into this {encoding} file byte for byte; "
                            "not migrated")
    return result


def _plain(encoding: str) -> str:
    """The codec that encodes a piece from the middle of a file: utf-8-sig would put a BOM before each piece."""
    return "utf-8" if codecs.lookup(encoding).name == "utf-8-sig" else encoding
