"""``tuiphone run FILE``: one engine for the whole script, stop at the first failure."""

from __future__ import annotations

import json

from tests.cli.conftest import tuiphone

SCRIPT = """\
# a trunk test
status
call echo --dtmf 7 --expect-dtmf 7   # the echo line sends DTMF back
call sip:busy@example.com --expect 486
history --limit 5
"""


def test_script_runs_end_to_end_on_one_engine(tmp_path):
    script = tmp_path / "test.tp"
    script.write_text(SCRIPT)
    run = tuiphone("run", str(script), "--json")
    assert run.code == 0, run.err
    docs = [json.loads(d) for d in _documents(run.out)]
    assert docs[0]["engine"] == "in-process"
    assert docs[1]["dtmf_received"] == "7"
    assert [h["code"] for h in docs[3]] == [486, 200]


def test_script_stops_at_the_first_failure(tmp_path):
    script = tmp_path / "fail.tp"
    script.write_text("call sip:busy@example.com\nstatus\n")
    run = tuiphone("run", str(script), "--json")
    assert run.code == 4
    assert f"{script}:1:" in run.err
    assert '"engine"' not in run.out


def test_keep_going_runs_every_line_and_keeps_the_first_code(tmp_path):
    script = tmp_path / "fail.tp"
    script.write_text("bogus-command\nstatus\n")
    run = tuiphone("run", "-k", str(script), "--json")
    assert run.code == 2
    assert '"engine"' in run.out


def test_missing_script_exits_2(tmp_path):
    assert tuiphone("run", str(tmp_path / "none")).code == 2


def _documents(text: str) -> list[str]:
    """Split concatenated pretty-printed JSON documents."""
    decoder, pos, docs = json.JSONDecoder(), 0, []
    text = text.strip()
    while pos < len(text):
        _obj, end = decoder.raw_decode(text, pos)
        docs.append(text[pos:end])
        pos = end
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return docs


def test_bad_quoting_names_its_line(tmp_path):
    script = tmp_path / "quote.tp"
    script.write_text("# header\n\nstatus\nmessage sip:a@b 'unterminated\n")
    run = tuiphone("run", str(script), "--json")
    assert run.code == 2
    assert f"{script}:4:" in run.err


VARIABLES = """\
# a value of one command's JSON, used by later lines
set ACC = $(accounts).0.id
set CALL = $(open sip:echo@127.0.0.1 --account $ACC).id
wait call connected
calls
hangup ${CALL}
"""


def test_set_keeps_a_json_field_for_later_lines(tmp_path):
    script = tmp_path / "vars.tp"
    script.write_text(VARIABLES)
    run = tuiphone("run", str(script), "--json")
    assert run.code == 0, run.err
    docs = [json.loads(d) for d in _documents(run.out)]
    assert len(docs) == 3  # set lines print nothing
    call_id = docs[0]["match"]["id"]
    assert [c["id"] for c in docs[1]] == [call_id]
    assert docs[2] == {"hung_up": 1}


def test_an_unset_variable_or_missing_field_names_the_line(tmp_path):
    script = tmp_path / "bad.tp"
    script.write_text("status\nhangup $NOPE\n")
    run = tuiphone("run", str(script))
    assert run.code == 2
    assert f"{script}:2: $NOPE is not set" in run.err
    script.write_text("set X = $(status).no_such_field\n")
    run = tuiphone("run", str(script))
    assert run.code == 2
    assert f"{script}:1: no field 'no_such_field' in the result" in run.err
    assert "Traceback" not in run.err
