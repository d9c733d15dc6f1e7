"""Incoming-call alerts: bell, OSC 9/777 (wrapped for tmux), notify-send; a crafted
caller name cannot smuggle escape sequences; the TUI alerts when a call rings."""

from __future__ import annotations

from tests.ui.helpers import make_app, until
from tuiphone.ui.alerts import Alerter, notify_argv, osc_notification, printable
from tuiphone.ui.screens.incoming import IncomingCallScreen


def test_printable_drops_controls_and_separators():
    assert printable("Eve\x1b]52;c;aGk=\x07\x9b;x") == "Eve]52caGk=x"


def test_osc_sequences_plain_and_for_tmux():
    plain = osc_notification("bob@pbx", in_tmux=False)
    assert plain == ("\x1b]9;tuiphone: incoming call: bob@pbx\x07"
                     "\x1b]777;notify;tuiphone: incoming call;bob@pbx\x07")
    wrapped = osc_notification("bob@pbx", in_tmux=True)
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b]9;")
    assert wrapped.count("\x1b\\") == 2  # each sequence in its own passthrough


def test_notify_send_is_run_without_a_shell_when_installed():
    assert notify_argv("x", which=lambda _: None) is None
    argv = notify_argv("Bob; rm -rf ~", which=lambda _: "/usr/bin/notify-send")
    assert argv == ["/usr/bin/notify-send", "--app-name=tuiphone", "--urgency=critical",
                    "tuiphone: incoming call", "Bob rm -rf ~"]


def test_alerter_does_each_configured_kind():
    out: list[object] = []
    alerter = Alerter(("bell", "osc", "notify"), out.append, lambda: out.append("BEL"),
                      out.append, {"TMUX": "/tmp/tmux-0/default,1,0"})
    done = alerter.incoming("bob")
    assert "bell" in done
    assert "osc" in done
    assert out[0] == "BEL"
    assert str(out[1]).startswith("\x1bPtmux;")
    nothing = Alerter((), out.append, out.append, out.append, {})
    assert nothing.incoming("bob") == []


async def test_the_tui_alerts_when_a_call_rings():
    app, phone = make_app(alert=("bell", "osc"))
    written: list[str] = []
    bells: list[int] = []
    app.alerter = Alerter(app.ui.alert, written.append, lambda: bells.append(1),
                          lambda argv: None, {})
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await phone.call("sip:me@127.0.0.1", account_id="bob")
        await until(pilot, lambda: isinstance(app.screen, IncomingCallScreen))
        assert bells == [1]
        assert "bob@127.0.0.1" in written[0]
