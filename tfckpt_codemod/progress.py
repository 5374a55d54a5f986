"""The progress bar of long runs, and the output printed while it shows.

The bar is a rich live display on stderr: each frame is drawn with the cursor left at the end of the bar's line.
Text written straight to the terminal meanwhile starts there, glued to the frame (`migrating ━━ 3% 0:00:01--- a/...`),
and the next frame erases the line below instead. So while the bar is live, every line the Reporter writes to the
bar's terminal goes through the bar's console: rich erases the bar, writes the line as it is (raw, colors and all)
and draws the bar again below it. That holds for stderr (errors) always, and for stdout when it is the same terminal
as stderr; a stdout that is a pipe, a file or another terminal is written directly, as the bar cannot reach it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from tfckpt_codemod.report import Reporter


def same_terminal(one: IO[str], other: IO[str]) -> bool:
    """Whether both streams are terminals and the same one (stdout and stderr of an interactive shell)."""
    try:
        return one.isatty() and other.isatty() and os.path.samestat(os.fstat(one.fileno()),
                                                                      os.fstat(other.fileno()))
    except (OSError, ValueError, AttributeError):
        return False


class _Raw:
    """Text that rich writes as it is: no markup, no control-code stripping, no tab expansion, no wrapping."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        yield Segment(self.text)


class AboveBar:
    """A text stream whose complete lines are printed above the live bar; a plain pass-through once detached."""

    def __init__(self, stream: IO[str], console: Console) -> None:
        self._stream = stream
        self._console: Console | None = console
        self._pending: list[str] = []

    def write(self, text: str) -> int:
        if self._console is None:
            return self._stream.write(text)
        head, newline, tail = text.rpartition("\n")
        if newline:
            lines = "".join(self._pending) + head + newline
            self._pending = [tail] if tail else []
            self._console.print(_Raw(lines), end="")
        elif text:
            self._pending.append(text)
        return len(text)

    def flush(self) -> None:
        if self._console is None:
            self._stream.flush()
        # While the bar is live, complete lines are already out and a partial line waits for its end.

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def detach(self) -> None:
        """The bar is gone: what is left of a partial line goes to the stream, and so does everything after."""
        self._console = None
        if self._pending:
            self._stream.write("".join(self._pending))
            self._pending = []

    def isatty(self) -> bool:
        return self._stream.isatty()

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, broken, ... as the wrapped stream has them
        return getattr(self._stream, name)


@contextmanager
def progress_bar(total: int, stderr: IO[str], reporter: Reporter | None = None) -> Iterator[Callable[[int], None]]:
    """A transient bar on `stderr` (a terminal); the reporter's output goes above it while it shows."""
    from rich.progress import Progress

    from tfckpt_codemod.report import make_console

    wrapped: list[AboveBar] = []
    saved = (reporter.out, reporter.err) if reporter is not None else None
    try:
        with Progress(console=make_console(stderr, "auto"), transient=True) as progress:
            if reporter is not None:
                out, err = cast("IO[str]", reporter.out), cast("IO[str]", reporter.err)  # PipeSafe streams
                if same_terminal(out, stderr):
                    wrapped.append(AboveBar(out, progress.console))
                    reporter.out = cast("IO[str]", wrapped[-1])
                if same_terminal(err, stderr):
                    wrapped.append(AboveBar(err, progress.console))
                    reporter.err = cast("IO[str]", wrapped[-1])
            task = progress.add_task("migrating", total=total)
            yield lambda done: progress.update(task, completed=done)
    finally:
        # The bar is erased now. A console the reporter made on a wrapper meanwhile keeps writing through it.
        if reporter is not None and saved is not None:
            reporter.out, reporter.err = saved
        for stream in wrapped:
            stream.detach()
