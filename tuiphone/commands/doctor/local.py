"""Checks of this machine alone: Python and the pjsua2 wheel, the config, the secrets."""

from __future__ import annotations

import importlib.metadata
import platform
import sys

from tuiphone.commands import exitcodes
from tuiphone.commands.doctor.report import Finding, fail, ok, warn
from tuiphone.config.schema import AppConfig
from tuiphone.model.account import AccountConfig
from tuiphone.model.errors import ConfigError

WHEEL = "pjsua2-python"
TESTED_PYTHON = ((3, 11), (3, 12))
TESTED_WHEEL = "2.15.1.post1"  # the wheel whose ctypes layouts (BLF) we pin


def python_version() -> Finding:
    version = platform.python_version()
    if sys.version_info[:2] > TESTED_PYTHON[-1]:
        return warn("python", f"Python {version}: newer than the wheel is built for",
                    "use Python 3.11 or 3.12 (pjsua2-python has wheels for 3.8-3.12)")
    return ok("python", f"Python {version} ({sys.executable})")


def wheel_version() -> Finding:
    try:
        version = importlib.metadata.version(WHEEL)
    except importlib.metadata.PackageNotFoundError:
        return fail("pjsua2", f"{WHEEL} is not installed",
                    f"pip install '{WHEEL}=={TESTED_WHEEL}' in tuiphone's environment")
    if version != TESTED_WHEEL:
        return warn("pjsua2", f"{WHEEL} {version}; tuiphone is tested with {TESTED_WHEEL}",
                    f"pip install '{WHEEL}=={TESTED_WHEEL}' (BLF reads this wheel's layout)")
    return ok("pjsua2", f"{WHEEL} {version} (bundled OpenSSL 1.0.2: TLS 1.2 at most)")


def load(path: str | None) -> tuple[AppConfig | None, list[Finding]]:
    """The config as the engine loads it, and its finding (with every warning)."""
    from tuiphone.config.loader import load_config
    from tuiphone.config.paths import config_file

    try:
        config = load_config(path)
    except ConfigError as err:
        shown = "; ".join(err.problems[:5]) + (" ..." if len(err.problems) > 5 else "")
        return None, [fail("config", shown, "fix each line named above; "
                           "'tuiphone config check' lists every problem", exitcodes.USAGE)]
    where = "no config file: built-in defaults (a local account and the echo line)" \
        if config.embedded else str(config.source or config_file(path)[0])
    found = [ok("config", f"{where}; {len(config.accounts)} account(s)")]
    found += [warn("config", text, "see the message; 'tuiphone config check'")
              for text in config.warnings]
    return config, found


def pick_account(config: AppConfig, wanted: str | None) -> AccountConfig | None:
    """The account ``--account`` names, else the first. None when there is no such id."""
    if wanted is None:
        return config.accounts[0] if config.accounts else None
    return next((a for a in config.accounts if a.id == wanted), None)


def secrets(config: AppConfig, account: AccountConfig) -> Finding:
    """Resolve the account's password without printing it; never asks on the terminal."""
    from tuiphone.config.secrets import SecretError, resolve_secret

    spec = config.secrets.get(account.id)
    if spec is None:
        detail = "no password configured" if account.registers else "none needed"
        return ok("secrets", f"{account.id}: {detail}")
    try:
        value = resolve_secret(spec, prompt=None)
    except SecretError as err:
        return fail("secrets", str(err), _secret_fix(spec.kind.value), exitcodes.USAGE)
    if not value:
        return fail("secrets", f"{account.id}: the {spec.kind.value} password is empty",
                    _secret_fix(spec.kind.value), exitcodes.USAGE)
    return ok("secrets", f"{account.id}: password from {spec.kind.value} resolves "
                         f"({len(value)} characters, not shown)")


def _secret_fix(kind: str) -> str:
    fixes = {
        "password_command": "run the password_command yourself; it must print the password",
        "password_env": "export the variable named by password_env",
        "password_keyring": "store it: keyring set tuiphone ACCOUNT (pip install keyring)",
        "password_store": "set TUIPHONE_PASSPHRASE, or 'tuiphone secrets set ACCOUNT'",
    }
    return fixes.get(kind, "set password_command, password_keyring or password_store")

