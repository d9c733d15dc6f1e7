"""``[accounts.rules]``: DND, forwarding, the blocklist and dialling rules."""

from __future__ import annotations

from collections.abc import Callable

from tuiphone.config import AppConfig
from tuiphone.model.rules import CallRules, RuleAction

Problems = Callable[..., list[str]]
Load = Callable[..., AppConfig]
HEAD = '[[accounts]]\nid = "a"\nuri = "sip:a@example.com"\nregistrar = "sip:example.com"\n'


def test_no_table_means_no_rules(load_text: Load) -> None:
    (acc,) = load_text(HEAD).accounts
    assert acc.rules == CallRules()


def test_every_rule(load_text: Load) -> None:
    (acc,) = load_text(HEAD + 'voicemail = "*98"\n[accounts.rules]\ndnd = true\n'
                       'dnd_action = "voicemail"\nforward_busy = "sip:desk@example.com"\n'
                       'forward_no_answer = "200"\nno_answer_s = 15\n'
                       'blocklist = ["+4930*", "*@spam.example", "anonymous"]\n'
                       'block_action = "reject"\nreject_anonymous = true\n'
                       'unverified_action = "voicemail"\n'
                       '[[accounts.rules.dial]]\nmatch = "^0(\\\\d+)$"\nreplace = "+49\\\\1"\n'
                       ).accounts
    rules = acc.rules
    assert rules.dnd
    assert rules.dnd_action is RuleAction.VOICEMAIL
    assert (rules.forward_busy, rules.forward_no_answer, rules.no_answer_s) == (
        "sip:desk@example.com", "200", 15)
    assert rules.blocklist == ("+4930*", "*@spam.example", "anonymous")
    assert rules.reject_anonymous
    assert rules.unverified_action is RuleAction.VOICEMAIL
    assert rules.rewrite("0301234") == "+49301234"
    assert rules.rewrite("100") == "100"


def test_voicemail_action_needs_a_box(problems_of: Problems) -> None:
    assert problems_of(HEAD + '[accounts.rules]\ndnd_action = "voicemail"\n') == [
        "CFG:6: accounts[0].rules.dnd_action: \"voicemail\" needs the account's "
        'voicemail = "…" (the box calls are sent to)']


def test_bad_dial_rules_have_file_line_and_key(problems_of: Problems) -> None:
    assert problems_of(HEAD + '[[accounts.rules.dial]]\nmatch = "(0"\nreplace = "x"\n') == [
        "CFG:6: accounts[0].rules.dial[0].match: not a regular expression: "
        "missing ), unterminated subpattern at position 0"]
    assert problems_of(HEAD + '[[accounts.rules.dial]]\nmatch = "0(1)"\nreplace = "\\\\2"\n'
                       ) == ["CFG:7: accounts[0].rules.dial[0].replace: \\2 names a group the "
                             "pattern does not have (it has 1)"]


def test_unknown_and_mistyped_keys(problems_of: Problems) -> None:
    problems = problems_of(HEAD + '[accounts.rules]\ndnd = "yes"\nforward = "x"\n'
                           'no_answer_s = 0\n')
    assert len(problems) == 3
    assert any(p.startswith("CFG:6: accounts[0].rules.dnd: expected") for p in problems)
    assert "CFG:8: accounts[0].rules.no_answer_s: 0 is out of range 1..600" in problems
    assert any(p.startswith("CFG:7: accounts[0].rules.forward: unknown key 'forward' (did you "
                            "mean 'forward_busy'?)") for p in problems)
