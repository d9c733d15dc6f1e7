"""``[accounts.rules]``: DND, forwarding, the blocklist, anonymous and failed-verification
rejection, and ``[[accounts.rules.dial]]`` rewrites of dialled strings."""

from __future__ import annotations

import re

from tuiphone.config.reader import Reader
from tuiphone.model.rules import CallRules, DialRule, RuleAction

_GROUP_REF = re.compile(r"\\(\d+)|\\g<(\w+)>")


def parse_rules(account: Reader, voicemail: str | None) -> CallRules:
    reader = account.table("rules")
    default = CallRules()
    unverified = reader.opt_text("unverified_action")
    rules = CallRules(
        dnd=reader.flag("dnd", default.dnd),
        dnd_action=reader.choice("dnd_action", RuleAction, default.dnd_action),
        forward_always=_target(reader, "forward_always"),
        forward_busy=_target(reader, "forward_busy"),
        forward_no_answer=_target(reader, "forward_no_answer"),
        no_answer_s=reader.integer("no_answer_s", default.no_answer_s, 1, 600),
        blocklist=_patterns(reader),
        block_action=reader.choice("block_action", RuleAction, default.block_action),
        reject_anonymous=reader.flag("reject_anonymous", default.reject_anonymous),
        unverified_action=(None if unverified is None
                           else reader.choice("unverified_action", RuleAction,
                                              RuleAction.REJECT)),
        dial_rules=tuple(r for r in map(_dial_rule, reader.tables("dial")) if r is not None),
    )
    if voicemail is None:
        for key, action in (("dnd_action", rules.dnd_action),
                            ("block_action", rules.block_action),
                            ("unverified_action", rules.unverified_action)):
            if action is RuleAction.VOICEMAIL:
                reader.error(key, '"voicemail" needs the account\'s voicemail = "…" '
                                  "(the box calls are sent to)")
    reader.finish()
    return rules


def _target(reader: Reader, key: str) -> str:
    value = reader.opt_text(key)
    if value is not None and not value.strip():
        reader.error(key, "must not be empty (leave the key out to turn the rule off)")
        return ""
    return (value or "").strip()


def _patterns(reader: Reader) -> tuple[str, ...]:
    patterns = tuple(p.strip() for p in reader.strings("blocklist"))
    if any(not p for p in patterns):
        reader.error("blocklist", "an empty pattern would match nothing; remove it")
    return tuple(p for p in patterns if p)


def _dial_rule(reader: Reader) -> DialRule | None:
    match, replace = reader.required_text("match"), reader.required_text("replace")
    reader.finish()
    if match is None or replace is None:
        return None
    try:
        pattern = re.compile(match)
    except re.error as err:
        reader.error("match", f"not a regular expression: {err}")
        return None
    for number, name in _GROUP_REF.findall(replace):
        if number and int(number) > pattern.groups:
            reader.error("replace", f"\\{number} names a group the pattern does not have "
                                    f"(it has {pattern.groups})")
            return None
        if name and not name.isdigit() and name not in pattern.groupindex:
            reader.error("replace", f"\\g<{name}> names a group the pattern does not have")
            return None
    return DialRule(pattern, replace)
