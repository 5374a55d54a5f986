"""The README's rule table is the registry's: no code missing, none invented, in order."""

from __future__ import annotations

import re
from pathlib import Path

from tfckpt_codemod.transforms import known_codes

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_rule_table_lists_every_code_the_tool_can_report() -> None:
    codes = re.findall(r"^\| (TFC\d{3}) \|", README.read_text(), re.MULTILINE)
    assert codes == list(known_codes())
