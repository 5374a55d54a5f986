"""The console script's entry point: answers `--version` before typer (and the pydantic it imports) loads."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from tfckpt_codemod import __version__

        sys.stdout.write(f"tfckpt-migrate {__version__}\n")
        return
    from tfckpt_codemod.cli import main as cli_main

    cli_main()
