"""The README's table of honoured Account XML nodes is the code's mapping."""

from __future__ import annotations

from pathlib import Path

from tuiphone.provision.mapping import readme_table

README = Path(__file__).resolve().parents[2] / "README.md"
BEGIN = "<!-- provision-nodes: generated from tuiphone/provision/mapping.py -->\n"
END = "<!-- /provision-nodes -->"


def test_readme_table_matches_the_mapping():
    text = README.read_text()
    assert BEGIN in text, "README lacks the generated table of honoured nodes"
    table = text.split(BEGIN, 1)[1].split(END, 1)[0]
    assert table == readme_table(), (
        "README's honoured-nodes table differs from tuiphone/provision/mapping.py; paste:\n"
        + readme_table())
