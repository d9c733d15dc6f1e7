"""pj.Error -> tuiphone error: one readable line, the right type and exit code.

The pj.Error values are built the way the wheel raises them: (status, title = the
pjsua call, reason = pjlib's text, file, line); statuses and texts as seen from it.
"""

from __future__ import annotations

import logging

import pjsua2 as pj
import pytest

from tuiphone.commands.exitcodes import NETWORK, USAGE, exit_code
from tuiphone.model.errors import (
    BackendError,
    InvalidUri,
    LimitExceeded,
    NetworkError,
    UsageError,
)
from tuiphone.sip.errors import convert, readable

pytestmark = pytest.mark.pjsua

REG = "pjsua_acc_set_registration(id, renew)"
CALL = "pjsua_call_make_call(acc.getId(), &pj_dst_uri, param.p_opt, this, param.p_msg_data, &id)"
SEND = "pjsua_acc_send_request(id, &dest_uri, &method, NULL, prm.userData, &msg_data)"


def pj_error(status: int, title: str, reason: str) -> pj.Error:
    return pj.Error(status, title, reason, "../src/pjsua2/account.cpp", 1085)


@pytest.mark.parametrize(
    ("status", "title", "reason", "action", "kind", "message"),
    [
        (70018, REG, "gethostbyname() has returned error (PJ_ERESOLVE)", "registering work",
         NetworkError, "registering work: the host name does not resolve"),
        (120022, REG, "Invalid argument", "registering work",
         NetworkError, "registering work: Invalid argument (the local address cannot reach "
                       "the server)"),
        (120111, CALL, "Connection refused", "calling sip:x@h",
         NetworkError, "calling sip:x@h: Connection refused"),
        (171060, SEND, "Unsupported transport (PJSIP_EUNSUPTRANSPORT)", "pinging sips:h",
         NetworkError, "pinging sips:h: Unsupported transport (the account has no transport "
                       "of that kind)"),
        (171173, REG, "SSL certificate verification error (PJSIP_TLS_ECERTVERIF)",
         "registering work", NetworkError,
         "registering work: TLS certificate not trusted (unknown CA, expired, or issued for "
         "another host)"),
        (70010, CALL, "Too many objects of the specified type (PJ_ETOOMANY)", "calling sip:x@h",
         LimitExceeded, "calling sip:x@h: Too many objects of the specified type (PJ_ETOOMANY)"),
        (171039, CALL, "Invalid URI (PJSIP_EINVALIDURI)", "calling sip:x@h",
         InvalidUri, "calling sip:x@h: Invalid URI (PJSIP_EINVALIDURI)"),
        (120002, "AudioMediaRecorder::createRecorder()", "No such file or directory",
         "recording to /no/dir/x.wav", UsageError,
         "recording to /no/dir/x.wav: No such file or directory"),
        (120001, SEND, "Operation not permitted", "pinging sip:h",  # a firewall's reject
         NetworkError, "pinging sip:h: Operation not permitted"),
        (70004, "pjsua_call_hangup(id, prm.statusCode, reason, msg_data)",
         "Invalid value or argument (PJ_EINVAL)", "hanging up c1",
         BackendError, "hanging up c1: Invalid value or argument (PJ_EINVAL)"),
    ],
)
def test_one_readable_line(
    status: int, title: str, reason: str, action: str, kind: type, message: str
) -> None:
    out = convert(pj_error(status, title, reason), action)
    assert type(out) is kind
    assert str(out) == message
    assert "pjsua_" not in str(out)
    assert "\n" not in str(out)


def test_network_errors_exit_5_and_usage_errors_2() -> None:
    resolve = pj_error(70018, REG, "gethostbyname() has returned error (PJ_ERESOLVE)")
    assert exit_code(convert(resolve, "registering work")) == NETWORK
    bad_uri = pj_error(171039, CALL, "Invalid URI (PJSIP_EINVALIDURI)")
    assert exit_code(convert(bad_uri, "calling x")) == USAGE


def test_raw_text_goes_to_the_debug_log(caplog: pytest.LogCaptureFixture) -> None:
    err = pj_error(120022, REG, "Invalid argument")
    with caplog.at_level(logging.DEBUG, logger="tuiphone.sip"):
        out = convert(err, "registering work")
    assert REG in caplog.text
    assert "120022" in caplog.text
    assert out.__cause__ is err
    assert err.__traceback__ is None


def test_unknown_reasons_pass_unchanged() -> None:
    assert readable("Busy Here") == "Busy Here"
    assert readable(" Connection refused ") == "Connection refused"
    assert readable("End of file (PJ_EEOF)") == "the server closed the connection"
