"""bench/tui_mirror.py: the TUI's first screen, described and rebuilt from Textual's classes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PANES = ["Dialpad", "Calls", "Chat", "QuickDial", "Contacts", "SIP ladder"]


def _walk(node: dict) -> list[dict]:
    return [node, *(n for c in node["children"] for n in _walk(c))]


def test_the_dump_holds_the_first_screens_tree(tmp_path: Path) -> None:
    """The spec names every pane with its title, the focused input and the keypad, each
    under a Textual class, and carries the app's stylesheet: what the mirror paints."""
    spec = tmp_path / "screen.json"
    subprocess.run([sys.executable, str(ROOT / "bench" / "tui_mirror.py"), "dump", str(spec)],
                   cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), check=True,
                   capture_output=True, timeout=60)
    got = json.loads(spec.read_text())
    nodes = [n for c in got["screen"]["children"] for n in _walk(c)]
    assert got["screen"]["name"] == "MainScreen"
    assert [n["title"] for n in nodes if "pane" in n["classes"]] == PANES
    assert all(n["base"].startswith("textual.") for n in nodes)
    assert sum(n["name"] == "Button" and n["id"].startswith("key-") for n in nodes) == 12
    assert any(n["id"] == "dial-input" for n in nodes)
    assert "#keypad" in got["css"]
    assert len(nodes) > 50
