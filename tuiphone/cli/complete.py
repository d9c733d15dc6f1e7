"""``tuiphone __complete WORDS...`` and ``tuiphone completion bash|zsh|fish``.

The shell scripts are thin: on each Tab they run ``__complete`` with the words typed so
far (the last one is the word being completed, maybe empty) and offer what it prints,
one candidate per line. Candidates come from the command table; live values from the
running engine over its control socket (accounts, calls, contacts), else from the config
file (accounts, QuickDial entries). It never starts an engine and answers in a few tens
of milliseconds: only the table, ``socket``, ``tomllib`` and (with an engine) ``json`` are imported.
"""

from __future__ import annotations

import shlex
import socket
import sys
from pathlib import Path
from typing import Any

from tuiphone.commands.completion import candidates

FRONT_ENDS = ("daemon", "shell", "run", "completion")
SOCKET_TIMEOUT_S = 0.3
CONTACT_LIMIT = 20


class LiveValues:
    """What the running engine knows, asked once per Tab; the config when none runs."""

    def __init__(self, words: list[str]) -> None:
        self.config = _flag_value(words, "--config")
        self.engine = _Engine.connect()
        self._state: dict[str, Any] | None = None

    def state(self) -> dict[str, Any]:
        if self._state is None:
            self._state = (self.engine.call("state", {}) if self.engine else None) or {}
        return self._state

    def accounts(self) -> list[str]:
        if self.engine:
            return [str(a.get("id")) for a in self.state().get("accounts", [])]
        return [str(a.get("id")) for a in _config(self.config).get("accounts", [])
                if isinstance(a, dict) and a.get("id")]

    def calls(self) -> list[str]:
        return [str(c.get("id")) for c in self.state().get("calls", [])] if self.engine else []

    def contacts(self, prefix: str) -> list[str]:
        found: list[str] = ["echo"]
        if self.engine:
            rows = self.engine.call("search_contacts", {"text": prefix, "limit": CONTACT_LIMIT})
            for row in rows or []:
                targets = [*row.get("sips", []), *row.get("numbers", [])]
                found.extend(targets[:1])
        quickdial = _config(self.config).get("quickdial", [])
        low = prefix.lower()
        for entry in quickdial if isinstance(quickdial, list) else []:
            uri, label = str(entry.get("uri", "")), str(entry.get("label", ""))
            if uri and (uri.startswith(prefix) or label.lower().startswith(low)):
                found.append(uri)
        return [f for f in found if f != "echo" or "echo".startswith(prefix)]


class _Engine:
    """One short-lived connection to the control socket (JSON lines)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.file, self.next_id = sock, sock.makefile("rb"), 0

    @classmethod
    def connect(cls) -> _Engine | None:
        from tuiphone.config.paths import socket_file

        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(SOCKET_TIMEOUT_S)
        try:
            sock.connect(str(socket_file()))
        except OSError:
            sock.close()
            return None
        return cls(sock)

    def call(self, cmd: str, args: dict[str, Any]) -> Any:
        """The result, or None on any failure (completion is best effort)."""
        import json  # only with an engine: a Tab without one skips the import

        self.next_id += 1
        try:
            self.sock.sendall(json.dumps({"id": self.next_id, "cmd": cmd, "args": args})
                              .encode() + b"\n")
            reply = json.loads(self.file.readline())
        except (OSError, ValueError):
            return None
        return reply.get("result") if isinstance(reply, dict) and reply.get("ok") else None


def _flag_value(words: list[str], flag: str) -> str | None:
    for i, word in enumerate(words):
        if word == flag and i + 1 < len(words):
            return words[i + 1]
        if word.startswith(flag + "="):
            return word.split("=", 1)[1]
    return None


def _config(explicit: str | None) -> dict[str, Any]:
    """The config file as plain TOML (not validated: completion must stay quick)."""
    import tomllib

    from tuiphone.config.paths import config_file

    try:
        path, _ = config_file(explicit)
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def complete(words: list[str]) -> list[str]:
    """Candidates for the last of ``words`` (the words after ``tuiphone``)."""
    before, current = words[:-1], (words[-1] if words else "")
    if before[:1] == ["completion"]:
        return [s for s in ("bash", "zsh", "fish") if s.startswith(current)] if len(
            before) == 1 else []
    if before[:1] and before[0] in FRONT_ENDS:
        return []
    extra = FRONT_ENDS if not [w for w in before if not w.startswith("-")] else ()
    if not before and current.startswith("-"):
        return [f for f in ("--version", "--bindings", "--help") if f.startswith(current)] + \
            candidates(before, current, LiveValues(words))
    return candidates(before, current, LiveValues(words), extra)


def main(words: list[str]) -> int:
    try:
        print("\n".join(complete(words)))
    except Exception:  # noqa: BLE001 - a broken Tab must never print a traceback
        return 1
    return 0


BASH = r"""# bash completion for tuiphone: eval "$(tuiphone completion bash)"
_tuiphone() {
    local cur words cword
    if declare -F _comp_get_words >/dev/null; then
        _comp_get_words -n := cur words cword
    elif declare -F _get_comp_words_by_ref >/dev/null; then
        _get_comp_words_by_ref -n := cur words cword
    else
        words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; cur=${COMP_WORDS[COMP_CWORD]}
    fi
    local IFS=$'\n'
    COMPREPLY=($(__TUIPHONE__ __complete "${words[@]:1:cword}" 2>/dev/null))
    if declare -F __ltrim_colon_completions >/dev/null; then
        __ltrim_colon_completions "$cur"
    fi
}
complete -o default -F _tuiphone tuiphone
"""

ZSH = r"""#compdef tuiphone
# zsh completion for tuiphone: eval "$(tuiphone completion zsh)" (after compinit)
_tuiphone() {
    local -a found
    found=("${(@f)$(__TUIPHONE__ __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    compadd -U -Q -a found
}
compdef _tuiphone tuiphone
"""

FISH = r"""# fish completion for tuiphone: tuiphone completion fish | source
function __tuiphone_complete
    set -l before (commandline -opc)
    __TUIPHONE__ __complete $before[2..-1] (commandline -ct) 2>/dev/null
end
complete -c tuiphone -f -a '(__tuiphone_complete)'
"""


def script(shell: str, argv0: str = sys.argv[0]) -> str:
    """The completion script, calling this very ``tuiphone`` (a venv is not on PATH)."""
    exe = Path(argv0)
    if exe.name == "tuiphone" and exe.exists():
        command = shlex.quote(str(exe.resolve()))
    else:
        command = f"{shlex.quote(sys.executable)} -m tuiphone.cli.main"
    template = {"bash": BASH, "zsh": ZSH, "fish": FISH}[shell]
    return template.replace("__TUIPHONE__", command)


def print_script(shell: str) -> int:
    if shell not in ("bash", "zsh", "fish"):
        print(f"tuiphone: completion for {shell!r}: choose bash, zsh or fish", file=sys.stderr)
        return 2
    sys.stdout.write(script(shell))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))

