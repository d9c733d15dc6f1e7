"""Layer rules that keep the engine headless and the CLI fast (see DESIGN.md)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("textual", "prompt_toolkit", "pjsua2")


def loaded_after(module: str) -> set[str]:
    code = f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in json.loads(out.stdout)}


@pytest.mark.parametrize(
    "module",
    [
        "tuiphone.model.events",
        "tuiphone.engine.phone",
        "tuiphone.host.build",
        "tuiphone.engine.fake",
        "tuiphone.store",
        "tuiphone.config",
        "tuiphone.contacts",
        "tuiphone.sip.trust",
        "tuiphone.sip.errors",
    ],
)
def test_headless_modules_import_no_ui_and_no_pjsua2(module: str):
    heavy = loaded_after(module) & set(HEAVY)
    assert not heavy, f"{module} pulls in {heavy}"


def test_only_the_sip_package_imports_pjsua2():
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent / "tuiphone"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "import pjsua2" in path.read_text()
        and path.relative_to(root).parts[0] != "sip"
    ]
    assert offenders == []


def test_import_linter_contracts_hold():
    import pathlib
    import shutil

    exe = pathlib.Path(sys.executable).parent / "lint-imports"
    if not exe.exists():
        exe = pathlib.Path(shutil.which("lint-imports") or "")
    if not exe.is_file():
        pytest.skip("import-linter not installed (pip install -e '.[dev]')")
    root = pathlib.Path(__file__).resolve().parent.parent
    done = subprocess.run([str(exe)], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:]


def test_the_readme_states_the_layers_import_linter_enforces():
    import pathlib
    import re
    import tomllib

    root = pathlib.Path(__file__).resolve().parent.parent
    contracts = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c["layers"] for c in contracts["contracts"] if c["type"] == "layers")
    line = " → ".join(f"`{layer.replace('tuiphone.', '')}`" for layer in layers)
    readme = re.sub(r"\s+", " ", (root / "README.md").read_text())
    assert line in readme
