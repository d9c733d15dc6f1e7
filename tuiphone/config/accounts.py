"""Read ``[[accounts]]`` tables into AccountConfig and SecretSpec values."""

from __future__ import annotations

import dataclasses
import re

from tuiphone.config.files import parse_files
from tuiphone.config.network import host_ports, parse_nat
from tuiphone.config.reader import Reader
from tuiphone.config.rules import parse_rules
from tuiphone.config.schema import SecretSpec
from tuiphone.config.secrets import parse_secret
from tuiphone.config.sections import expand
from tuiphone.config.trust import parse_tls_client, parse_trust
from tuiphone.model.account import AccountConfig, DtmfMethod, Features, SrtpMode, Transport
from tuiphone.model.network import IpVersion

MAX_PJSUA_ACCOUNTS = 8
ECHO_ACCOUNT_ID = "echo"  # must match tuiphone.engine.echo.ECHO_ID (config may not import engine)
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_DEFAULTS = AccountConfig(id="", uri="")


def check_sip_uri(reader: Reader, key: str, value: str | None) -> str | None:
    """``value`` if it is a sip:/sips: URI, else report it and return None."""
    if value is None:
        return None
    scheme, colon, rest = value.partition(":")
    if not colon or scheme.lower() not in ("sip", "sips") or not rest.strip():
        reader.error(key, f"{value!r} is not a SIP URI: it must start with sip: or sips:")
        return None
    return value


def _account_id(reader: Reader) -> str | None:
    value = reader.required_text("id")
    if value is not None and not _ID.fullmatch(value):
        reader.error("id", f"{value!r}: use letters, digits, '.', '_' and '-' only")
        return None
    return value


# Switches the config accepts (the README's privacy table names them) whose feature is
# not built yet: turning one on gets a warning rather than a silent no-op.
NOT_BUILT: dict[str, str] = {}  # every switch is built now


def _features(reader: Reader) -> Features:
    table = reader.table("features")
    values = {f.name: table.flag(f.name, False) for f in dataclasses.fields(Features)}
    table.finish()
    for name, why in NOT_BUILT.items():
        if values[name]:
            table.problems.warn(table.at(name), f"{why}; this switch has no effect")
    return Features(**values)


_REGION = re.compile(r"[A-Z]{2}")
_DIGITS = re.compile(r"[0-9*#+]+")
_LOCATION_SCHEMES = ("http", "https", "sip", "sips", "pres")


def _region(reader: Reader) -> str | None:
    value = reader.opt_text("region")
    if value is not None and not _REGION.fullmatch(value):
        reader.error("region", f"{value!r} is not an ISO 3166 alpha-2 code such as \"DE\"")
        return None
    return value


def _digits(reader: Reader, key: str) -> tuple[str, ...]:
    values = reader.strings(key)
    for value in values:
        if not _DIGITS.fullmatch(value):
            reader.error(key, f"{value!r}: digits, '*', '#' and '+' only")
    return tuple(v for v in values if _DIGITS.fullmatch(v))


def _location_url(reader: Reader) -> str | None:
    value = reader.opt_text("location_url")
    if value is None:
        return None
    scheme = value.partition(":")[0].lower()
    if scheme not in _LOCATION_SCHEMES or any(c in value for c in "<> \t\r\n"):
        reader.error("location_url", f"{value!r}: an http(s):, sip(s): or pres: URI "
                                     "(RFC 6442), without spaces or angle brackets")
        return None
    return value


@dataclasses.dataclass(frozen=True, slots=True)
class ParsedAccount:
    """One ``[[accounts]]`` table: the account, its password and TURN password specs,
    and STUN servers given the old way (per account; they belong in ``[engine]``)."""

    account: AccountConfig
    secret: SecretSpec | None
    turn_secret: SecretSpec | None
    legacy_stun: tuple[str, ...]
    tls_key_secret: SecretSpec | None = None


def parse_account(reader: Reader, file_mode: int | None) -> ParsedAccount | None:
    """One account and its secret specs; None if a required key is unusable."""
    account_id = _account_id(reader)
    uri = check_sip_uri(reader, "uri", reader.required_text("uri"))
    registrar = reader.opt_text("registrar")
    if registrar is not None:
        registrar = check_sip_uri(reader, "registrar", registrar)
    account = AccountConfig(
        id=account_id or "",
        uri=uri or "",
        registrar=registrar,
        proxy=tuple(p for p in reader.strings("proxy") if check_sip_uri(reader, "proxy", p)),
        username=reader.opt_text("username"),
        realm=reader.text("realm", _DEFAULTS.realm),
        transport=reader.choice("transport", Transport, _DEFAULTS.transport),
        local_port=reader.integer("local_port", 0, 0, 65535),
        srtp=reader.choice("srtp", SrtpMode, _DEFAULTS.srtp),
        tls_verify=reader.flag("tls_verify", _DEFAULTS.tls_verify),
        ca_file=expand(reader.opt_text("ca_file")),
        codecs=reader.strings("codecs"),
        dtmf=reader.choice("dtmf", DtmfMethod, _DEFAULTS.dtmf),
        auto_answer=reader.flag("auto_answer", _DEFAULTS.auto_answer),
        register_expires=reader.integer("register_expires", 300, 1, 2**31 - 1),
        voicemail=reader.opt_text("voicemail"),
        region=_region(reader),
        emergency_numbers=_digits(reader, "emergency_numbers"),
        dial_prefix=_digits(reader, "dial_prefix"),
        location_url=_location_url(reader),
        features=(features := _features(reader)),
        files=parse_files(reader, features.file_sharing),
        ip_version=reader.choice("ip_version", IpVersion, _DEFAULTS.ip_version),
    )
    nat, turn_secret = parse_nat(reader, account.id, file_mode)
    cert, key, tls_key_secret = parse_tls_client(reader, account.id, file_mode)
    if account.features.location_in_register and account.location_url is None:
        reader.problems.error(reader.at("features") + ("location_in_register",),
                              "needs location_url: the URL REGISTER points at (RFC 6442)")
    account = dataclasses.replace(account, nat=nat, tls_cert_file=cert, tls_key_file=key,
                                  trust=parse_trust(reader, account.registers),
                                  rules=parse_rules(reader, account.voicemail))
    legacy_stun = host_ports(reader, "stun")
    if legacy_stun:
        reader.problems.warn(reader.at("stun"), "moved: STUN servers are shared by every "
                                                "account; write them as [engine] stun_servers")
    secret = parse_secret(reader, account.id, file_mode)
    reader.finish()
    if account_id is None or uri is None:
        return None
    return ParsedAccount(account, secret, turn_secret, legacy_stun, tls_key_secret)


def parse_accounts(
    root: Reader, file_mode: int | None, echo_line: bool
) -> tuple[tuple[AccountConfig, ...], dict[str, SecretSpec], tuple[str, ...]]:
    """Every account, checking ids are unique and the pjsua2 account limit holds.

    Returns the accounts, the secret specs by name, and legacy per-account STUN servers.
    """
    accounts: list[AccountConfig] = []
    secrets: dict[str, SecretSpec] = {}
    stun: list[str] = []
    first_line: dict[str, int] = {}
    for reader in root.tables("accounts"):
        parsed = parse_account(reader, file_mode)
        if parsed is None:
            continue
        account, secret = parsed.account, parsed.secret
        if echo_line and account.id == ECHO_ACCOUNT_ID:
            reader.error("id", f"account id {ECHO_ACCOUNT_ID!r} is reserved for the built-in "
                               "echo line; rename it or set [engine] echo_line = false")
            continue
        if account.id in first_line:
            reader.error("id", f"duplicate account id {account.id!r} "
                               f"(first defined at line {first_line[account.id]})")
            continue
        first_line[account.id] = root.problems.line_of(reader.at("id"))
        accounts.append(account)
        if secret is not None:
            secrets[account.id] = secret
        for extra in (parsed.turn_secret, parsed.tls_key_secret):
            if extra is not None:
                secrets[extra.name] = extra
        stun += [s for s in parsed.legacy_stun if s not in stun]
    raw = root.data.get("accounts")
    _check_limit(root, len(raw) if isinstance(raw, list) else 0, echo_line)
    return tuple(accounts), secrets, tuple(stun)


def _check_limit(root: Reader, count: int, echo_line: bool) -> None:
    limit = MAX_PJSUA_ACCOUNTS - (1 if echo_line else 0)
    if count <= limit:
        return
    message = (f"{count} accounts configured, at most {limit} allowed: the pjsua2 wheel "
               f"supports at most {MAX_PJSUA_ACCOUNTS} accounts; the 9th aborts the process")
    if echo_line:
        message += ("; the built-in echo line ([engine] echo_line = true) uses one, so the "
                    f"limit for your accounts is {limit}")
    root.problems.error(("accounts", limit), message)
