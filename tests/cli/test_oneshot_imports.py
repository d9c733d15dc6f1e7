"""A one-shot command loads only what it uses (issue 14: cli_cold_register_s).

Each command runs for real (``tuiphone.cli.main.main``, the fake backend, a private
engine) in a subprocess that writes ``sys.modules`` at exit. The real SIP backend's
modules are checked by importing ``tuiphone.sip.core`` as ``PjBackend.start`` does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import ROOT, cli_env

# none of these is needed to register, call, ping or send a MESSAGE
NEVER = (
    "httpx", "textual", "prompt_toolkit", "rich", "phonenumbers", "dns", "click",
    "pygments", "cryptography", "urllib.request", "email",
    "tuiphone.contacts.book", "tuiphone.contacts.index", "tuiphone.contacts.dav",
    "tuiphone.contacts.vcard", "tuiphone.contacts.vdir", "tuiphone.commands.contacts.books",
    "tuiphone.sip.blf.watcher", "tuiphone.sip.blf.hook", "tuiphone.sip.blf.body",
    "tuiphone.sip.stun2", "tuiphone.ui", "tuiphone.shell",
    # file sharing: built on the first file message or `send-file`
    "tuiphone.engine.file_send", "tuiphone.engine.file_receive", "tuiphone.engine.file_cleanup",
    "tuiphone.files.fthttp", "tuiphone.files.acrobits", "tuiphone.files.http",
    "tuiphone.files.crypto",
)

RUN = """
import atexit, json, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
from tuiphone.cli.main import main
sys.argv[1:] = json.loads(sys.argv[2])
main()
"""


def loaded(names: set[str], banned: tuple[str, ...] = NEVER) -> list[str]:
    return sorted(b for b in banned if any(n == b or n.startswith(b + ".") for n in names))


def modules_of(args: list[str], tmp_path: Path) -> set[str]:
    out = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", RUN, str(out), json.dumps(args)],
                          capture_output=True, text=True, env=cli_env(), cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return set(json.loads(out.read_text()))


@pytest.mark.parametrize("args", [
    ["register", "--json"],
    ["call", "echo", "--json"],
    ["ping", "sip:echo@127.0.0.1", "--count", "1", "--json"],
    ["message", "echo", "hi", "--json"],
])
def test_a_one_shot_command_imports_nothing_it_does_not_use(args, tmp_path):
    names = modules_of(args, tmp_path)
    assert "tuiphone.engine.phone" in names  # it really ran a private engine
    assert loaded(names) == []


# what `register` itself does not need, though other commands may (ids for a MESSAGE,
# XML for its receipts): loaded on first use (issue 14)
NOT_FOR_REGISTER = (
    "uuid", "platform", "xml", "logging.handlers", "tuiphone.engine.pidf",
    "tuiphone.control.remote", "tuiphone.control.listener",
    "tuiphone.commands.calls.junit", "tuiphone.commands.calls.jsonl",
)


def test_register_loads_none_of_what_only_other_commands_use(tmp_path):
    names = modules_of(["register", "--json"], tmp_path)
    assert "tuiphone.engine.phone" in names
    assert loaded(names, NOT_FOR_REGISTER) == []


def test_the_check_sees_a_banned_module(tmp_path):
    """The check itself can fail: a command that does use httpx is caught."""
    assert loaded({"httpx._client", "tuiphone.engine.phone"}) == ["httpx"]
    assert loaded({"tuiphone.sip.blf.watcher"}) == ["tuiphone.sip.blf.watcher"]
    assert loaded({"emailx"}) == []


SIP = """
import json, sys
import tuiphone.sip.core
from tuiphone.net.resolve import Resolver
Resolver(["127.0.0.1"]).hops("sip:127.0.0.1:5060")  # an IP literal: no DNS library
print(json.dumps(sorted(sys.modules)))
"""


def test_the_pjsua2_backend_loads_blf_stun_and_dns_only_when_used():
    done = subprocess.run([sys.executable, "-c", SIP], capture_output=True, text=True,
                          env=cli_env(), cwd=ROOT, timeout=60, check=True)
    names = set(json.loads(done.stdout))
    assert "pjsua2" in names
    assert loaded(names) == []
    assert loaded(names, NOT_FOR_REGISTER) == []


LAZY = """
import sys
from tuiphone.net.resolve import Resolver
from tuiphone.sip.lamps import LampHub
import tuiphone.files.http as http
assert "dns" not in sys.modules and "httpx" not in sys.modules
assert "tuiphone.sip.blf.watcher" not in sys.modules
Resolver(["127.0.0.1"], timeout_s=0.2)._own_resolver()
assert "dns.resolver" in sys.modules
http._client().close()
assert "httpx" in sys.modules
import tuiphone.sip.blf.watcher
print("ok")
"""


def test_the_deferred_libraries_load_when_used():
    done = subprocess.run([sys.executable, "-c", LAZY], capture_output=True, text=True,
                          env=cli_env(), cwd=ROOT, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr[-2000:]


FREEZE = """
import asyncio, gc, sys
from tuiphone.config.loader import load_config
from tuiphone.host.claim import Role
from tuiphone.host.session import EngineHost

async def main():
    host = EngineHost(Role[sys.argv[1]], lambda: load_config(None))
    await host.open()
    print(gc.get_freeze_count(), flush=True)
    await host.release()

asyncio.run(main())
"""


@pytest.mark.parametrize(("role", "frozen"), [("COMMAND", True), ("FRONT_END", False)])
def test_only_a_command_engine_freezes_what_it_imported(role, frozen):
    """A command's engine ends with its process, so what it imported is frozen out of
    the garbage collections (host.build.settle); a serving engine collects everything."""
    done = subprocess.run([sys.executable, "-c", FREEZE, role], capture_output=True,
                          text=True, env=cli_env(), cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (int(done.stdout.split()[0]) > 1000) is frozen
