"""The console script's entry point: answers `--version` before typer (and the pydantic it imports) loads."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from tfckpt_codemod import __version__

        sys.stdout.write(f"tfckpt-migrate {__version__}\n")
        return
    from tfckpt_codemod.collection import pause_for_start_up

    pause_for_start_up()  # until the runner starts on the files (collection.py)
    from tfckpt_codemod.cli import main as cli_main

    cli_main()
