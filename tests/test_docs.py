"""The API reference lists every public name."""

import re
from pathlib import Path

import skprune

API_RST = Path(__file__).resolve().parents[1] / "docs" / "api.rst"


def test_api_reference_lists_every_public_name():
    text = API_RST.read_text()
    # Entries of the autosummary blocks: indented bare names.
    listed = set(re.findall(r"^   ([A-Za-z_][A-Za-z0-9_]*)$", text, flags=re.MULTILINE))
    public = set(skprune.__all__) - {"__version__"}
    assert public - listed == set(), "add these to docs/api.rst"
    assert listed - public == set(), "docs/api.rst lists names skprune does not export"
