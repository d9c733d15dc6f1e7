"""Password specs from config tables, and turning a spec into the password.

Exactly one of ``password_command``, ``password_env``, ``password_keyring``,
``password_store`` or ``password`` may appear in an account or CardDAV table.
A plain ``password`` is accepted only from a file nobody else can read.
"""

from __future__ import annotations

import importlib
import os
import re
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path

from tuiphone.config.reader import Reader
from tuiphone.config.schema import SecretKind, SecretSpec
from tuiphone.model.errors import ConfigError

SECRET_KEYS = tuple(kind.value for kind in SecretKind)
KEYRING_SERVICE = "tuiphone"
COMMAND_TIMEOUT_S = 10.0
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
Prompt = Callable[[str], str]


class SecretError(ConfigError):
    """A password could not be obtained. The message never contains the password."""

    def __init__(self, message: str) -> None:
        super().__init__([message])


def parse_secret(reader: Reader, name: str, file_mode: int | None) -> SecretSpec | None:
    """The SecretSpec in ``reader``'s table, or None if it names no password.

    ``file_mode`` is the permission bits of the config file (None: not a file).
    """
    present = [key for key in SECRET_KEYS if reader.get(key) is not None]
    if len(present) > 1:
        last = max(present, key=lambda key: reader.problems.line_of(reader.at(key)))
        reader.error(last, f"use only one of {', '.join(present)}")
        return None
    if not present:
        return None
    kind = SecretKind(present[0])
    if kind is SecretKind.COMMAND:
        return _command_spec(reader, name)
    if kind is SecretKind.ENV:
        return _env_spec(reader, name)
    if kind is SecretKind.PLAIN:
        return _plain_spec(reader, name, file_mode)
    return SecretSpec(kind, name) if reader.flag(kind.value, False) else None


def _command_spec(reader: Reader, name: str) -> SecretSpec | None:
    raw = reader.get("password_command")
    try:
        argv = tuple(shlex.split(raw)) if isinstance(raw, str) else reader.strings(
            "password_command")
    except ValueError as err:
        reader.error("password_command", f"cannot split command: {err}")
        return None
    if not argv:
        reader.error("password_command", "must name a program")
        return None
    return SecretSpec(SecretKind.COMMAND, name, command=argv)


def _env_spec(reader: Reader, name: str) -> SecretSpec | None:
    var = reader.opt_text("password_env")
    if var is None:
        return None
    if not _ENV_NAME.fullmatch(var):
        reader.error("password_env", f"{var!r} is not an environment variable name")
        return None
    return SecretSpec(SecretKind.ENV, name, env=var)


def _plain_spec(reader: Reader, name: str, file_mode: int | None) -> SecretSpec | None:
    value = reader.opt_text("password")
    if value is None:
        return None
    if file_mode is not None and file_mode & 0o077:
        file_name = reader.problems.source.rsplit("/", 1)[-1]
        reader.error("password", f"{file_name} is readable by others (mode {file_mode:04o}); "
                                 "chmod 600 it or use password_command")
        return None
    reader.problems.warn(reader.at("password"), "plain-text password in the config file; "
                         "prefer password_command, password_keyring or password_store")
    return SecretSpec(SecretKind.PLAIN, name, value=value)


def resolve_secret(
    spec: SecretSpec | None,
    *,
    prompt: Prompt | None = None,
    store_path: Path | None = None,
    timeout_s: float = COMMAND_TIMEOUT_S,
) -> str | None:
    """The password ``spec`` points at (None for no spec). Raises SecretError.

    ``prompt`` asks for the secret-store passphrase when ``TUIPHONE_PASSPHRASE``
    is unset. Runs commands synchronously: call it from a worker thread.
    """
    if spec is None:
        return None
    value: str | None
    if spec.kind is SecretKind.COMMAND:
        value = _run_command(spec, timeout_s)
    elif spec.kind is SecretKind.ENV:
        value = _from_env(spec)
    elif spec.kind is SecretKind.KEYRING:
        value = _from_keyring(spec)
    elif spec.kind is SecretKind.STORE:
        from tuiphone.config.secret_store import read_store_secret

        value = read_store_secret(spec.name, prompt=prompt, path=store_path)
    else:
        value = spec.value
    if value:
        _RESOLVED.add(value)
    return value


_RESOLVED: set[str] = set()


def remember_secret(value: str | None) -> None:
    """Treat ``value`` like a resolved password: redacted from logs and bundles."""
    if value:
        _RESOLVED.add(value)


def resolved_secrets() -> frozenset[str]:
    """Every password this process has resolved, for redacting logs and bundles."""
    return frozenset(_RESOLVED)


def _run_command(spec: SecretSpec, timeout_s: float) -> str:
    what = f"{spec.name}: password_command {spec.command[0]!r}"
    try:
        done = subprocess.run(  # noqa: S603 - argv from the user's own config, no shell
            list(spec.command), capture_output=True, timeout=timeout_s,
            stdin=subprocess.DEVNULL, check=False,
        )
    except FileNotFoundError as err:
        raise SecretError(f"{what} not found") from err
    except PermissionError as err:
        raise SecretError(f"{what} is not executable") from err
    except subprocess.TimeoutExpired as err:
        raise SecretError(f"{what} did not finish within {timeout_s:g} s") from err
    if done.returncode != 0:
        raise SecretError(f"{what} failed with exit status {done.returncode}")
    lines = done.stdout.decode("utf-8", errors="replace").splitlines()
    value = lines[0].strip() if lines else ""
    if not value:
        raise SecretError(f"{what} printed nothing")
    return value


def _from_env(spec: SecretSpec) -> str:
    value = os.environ.get(spec.env or "", "")
    if not value:
        raise SecretError(f"{spec.name}: environment variable {spec.env} is not set")
    return value


def _from_keyring(spec: SecretSpec) -> str:
    try:
        keyring = importlib.import_module("keyring")
    except ImportError as err:
        raise SecretError(f"{spec.name}: password_keyring needs the keyring package; "
                          "install keyring (pip install keyring)") from err
    try:
        value = keyring.get_password(KEYRING_SERVICE, spec.name)
    except Exception as err:  # any backend failure; keyring has no common base we can rely on
        raise SecretError(f"{spec.name}: keyring failed: {type(err).__name__}") from err
    if not value:
        raise SecretError(f"{spec.name}: no password in the keyring; store one with: "
                          f"keyring set {KEYRING_SERVICE} {spec.name}")
    return str(value)
