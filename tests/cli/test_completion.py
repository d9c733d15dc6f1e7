"""Shell completion: the candidates, the live values, and the real shells running the
scripts ``tuiphone completion bash|zsh|fish`` prints (Debian bash-completion, zsh, fish)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import ROOT, cli_env
from tests.conftest import lab_missing
from tests.support.vdir import write_vdir
from tuiphone.cli.complete import complete
from tuiphone.control import socket_path

CONFIG = '''[[accounts]]
id = "work"
uri = "sip:alice@127.0.0.1"
[contacts]
vdirs = ["{vdir}"]
[[quickdial]]
label = "Bob"
uri = "sip:bob@127.0.0.1"
'''
CARD = ("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:jo\r\nFN:Jo Example\r\n"
        "IMPP:sip:jo@example.com\r\nEND:VCARD\r\n")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    vdir = write_vdir(tmp_path / "book", {"jo.vcf": CARD})
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "tuiphone" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONFIG.format(vdir=vdir))
    path.chmod(0o600)
    return path


def run(*words: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tuiphone.cli.main", *words], env=cli_env(),
                            cwd=ROOT, text=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


@pytest.fixture
def engine(config: Path) -> Iterator[subprocess.Popen[str]]:
    """A daemon on the fake backend with that config, and a call ringing on it."""
    daemon = run("daemon")
    ringing = None
    try:
        deadline = time.monotonic() + 30
        while not socket_path().is_socket():  # bounded wait for a file another process makes
            assert daemon.poll() is None, daemon.stderr.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the daemon made no socket"
            time.sleep(0.02)
        ringing = run("call", "sip:noanswer@example.com", "--timeout", "60")
        while not [w for w in complete(["hangup", ""]) if w.startswith("c")]:
            assert time.monotonic() < deadline, "the call never showed"
            time.sleep(0.02)
        yield daemon
    finally:
        for proc in (ringing, daemon):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)


def test_commands_options_and_choices_come_from_the_table(config):
    assert complete(["ca"]) == ["call", "calls"]
    assert "completion" in complete([""])
    assert "h" not in complete([""])  # aliases only once something is typed
    assert complete(["call", "--min"]) == ["--min-mos"]
    assert complete(["data", ""]) == ["show", "export", "erase"]
    assert complete(["completion", "z"]) == ["zsh"]
    assert complete(["--json", "sta"]) == ["stats", "status"]


def test_without_an_engine_values_come_from_the_config(config):
    assert complete(["--account", ""]) == ["work"]
    assert complete(["call", "Bo"]) == ["sip:bob@127.0.0.1"]  # a QuickDial label
    assert complete(["call", "ec"]) == ["echo"]
    assert complete(["hangup", ""]) == []  # calls exist only in an engine
    assert not socket_path().exists()  # and completing started none


def test_with_an_engine_values_come_from_it(engine):
    calls = complete(["hangup", ""])
    assert len(calls) == 1
    deadline = time.monotonic() + 30  # the daemon reads its books after it is up
    while complete(["call", "jo"]) != ["sip:jo@example.com"]:  # a contact, by name
        assert time.monotonic() < deadline, complete(["call", "jo"])
        time.sleep(0.05)
    assert complete(["--account", ""]) == ["work"]


def shell(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        lab_missing(f"{name} is not installed (.ci/install-lab installs it)")
    return path


def script(name: str) -> str:
    out = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", "completion", name],
                         env=cli_env(), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def in_shell(argv: list[str], code: str) -> list[str]:
    out = subprocess.run([*argv, code], env=cli_env(), cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_bash_with_bash_completion(config, tmp_path):
    bash = shell("bash")
    loader = Path("/usr/share/bash-completion/bash_completion")
    if not loader.exists():
        lab_missing("bash-completion is not installed")
    (tmp_path / "t.bash").write_text(script("bash"))

    def tab(line: str) -> list[str]:
        """Run the function as readline would: words split at COMP_WORDBREAKS (':' too)."""
        words: list[str] = []
        for word in line.split(" "):
            words.extend([p for p in re.split(r"(:)", word) if p] or [""])
        code = (f"source {loader}; source {tmp_path / 't.bash'}; "
                f"COMP_LINE={shlex.quote(line)}; COMP_POINT={len(line)}; "
                f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)}); "
                f"COMP_CWORD={len(words) - 1}; _tuiphone; "
                "printf '%s\\n' \"${COMPREPLY[@]}\"")
        return in_shell([bash, "--norc", "-c"], code)

    assert tab("tuiphone cal") == ["call", "calls"]
    assert tab("tuiphone --account ") == ["work"]
    assert tab("tuiphone call sip:bo") == ["bob@127.0.0.1"]  # after the colon, as bash wants


def test_zsh(config):
    zsh = shell("zsh")
    code = ("autoload -Uz compinit && compinit -u -D; eval \"$(cat)\"; "
            "(( $+_comps[tuiphone] )) || exit 3; "
            "compadd() { print -rl -- \"${(@P)${@[-1]}}\" }; "
            "words=(tuiphone call --min); CURRENT=3; _tuiphone; "
            "words=(tuiphone --account ''); CURRENT=3; _tuiphone; "
            "words=(tuiphone call sip:bo); CURRENT=3; _tuiphone")
    out = subprocess.run([zsh, "-f", "-c", code], input=script("zsh"), env=cli_env(), cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["--min-mos", "work", "sip:bob@127.0.0.1"]


def test_fish(config, tmp_path):
    fish = shell("fish")
    (tmp_path / "t.fish").write_text(script("fish"))
    code = (f"source {tmp_path / 't.fish'}; complete -C 'tuiphone cal'; "
            "complete -C 'tuiphone call sip:bo'")
    assert in_shell([fish, "--no-config", "-c"], code) == ["call", "calls", "sip:bob@127.0.0.1"]
