"""baresip's config and accounts files for the lab. Pure text; ``baresip.py`` decides."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.lab.sipwire import uri_host

MODULES = ("g711.so", "aufile.so", "aubridge.so", "sndfile.so")
ICE_MODULES = ("stun.so", "turn.so", "ice.so")

CONFIG = """sip_listen {sip}
net_interface {address}
audio_source aufile,{tone}
audio_player aubridge,nil
audio_alert aubridge,nil
ausrc_srate 8000
auplay_srate 8000
ausrc_channels 1
auplay_channels 1
snd_path {dump}
module_path /usr/lib/baresip/modules
{modules}
module_tmp account.so
module_app menu.so
module_app ctrl_tcp.so
ctrl_tcp_listen {ctrl}
"""


@dataclass(frozen=True, slots=True)
class MediaNat:
    """ICE for the account: ``server`` is ``stun:ADDR:PORT`` or ``turn:ADDR:PORT``."""

    server: str
    user: str = ""
    password: str = ""

    def params(self) -> str:
        creds = f";stunuser={self.user};stunpass={self.password}" if self.user else ""
        return f';medianat=ice;stunserver="{self.server}"{creds}'


def config(*, address: str, sip_port: int, ctrl: str, tone: Path, dump: Path, ice: bool,
           cons: str | None = None, srtp: bool = False, contacts: bool = False) -> str:
    """The ``config`` file: SIP on ``address``:``sip_port``, ctrl_tcp on ``ctrl``, and
    with ``cons`` the console UI there (where incoming MESSAGEs are printed); with
    ``contacts`` the contact module (its ``contacts`` file, its "message" command)."""
    modules = MODULES + (ICE_MODULES if ice else ()) + (("srtp.so",) if srtp else ())
    extra = f"module cons.so\ncons_listen {cons}\n" if cons else ""
    if contacts:
        extra += "module_app contact.so\n"
    return extra + CONFIG.format(
        sip=f"{uri_host(address)}:{sip_port}",
        address=address,
        tone=tone,
        dump=dump,
        modules="\n".join(f"module {m}" for m in modules),
        ctrl=ctrl,
    )


def account(
    user: str,
    address: str,
    registrar: tuple[str, int] | None,
    password: str,
    auto_answer: bool,
    nat: MediaNat | None = None,
) -> str:
    """One ``accounts`` line: registering at ``registrar`` (through it as outbound
    proxy) or, without one, a local identity at ``address`` that never registers."""
    answer = "auto" if auto_answer else "manual"
    media = nat.params() if nat else ""
    if registrar is None:
        aor = f"<sip:{user}@{uri_host(address)}>;regint=0"
        return f"{aor};answermode={answer};audio_codecs=pcmu{media}"
    at = f"{uri_host(registrar[0])}:{registrar[1]}"
    return (
        f'<sip:{user}@{at}>;auth_pass={password};outbound="sip:{at};lr";'
        f"answermode={answer};regint=300;audio_codecs=pcmu{media}"
    )
