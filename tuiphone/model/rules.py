"""Call handling rules of an account: DND, forwarding, a blocklist, anonymous and
failed-verification rejection, and dialling rewrites. Standard library only."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class RuleAction(enum.Enum):
    """What a rule does with a call it catches."""

    REJECT = "reject"  # a final response (486 for DND, 603, 433 or 608 for the others)
    VOICEMAIL = "voicemail"  # 302 to the account's voicemail box


@dataclass(frozen=True, slots=True)
class DialRule:
    """One rewrite of a dialled string: ``pattern`` must match the whole string; the
    replacement may use ``\\1`` or ``\\g<name>`` groups."""

    pattern: re.Pattern[str]
    replace: str

    def apply(self, text: str) -> str | None:
        """The rewritten string, or None if the pattern does not match ``text``."""
        if not self.pattern.fullmatch(text):
            return None
        return self.pattern.sub(self.replace, text, count=1)


@dataclass(frozen=True, slots=True)
class CallRules:
    """``[accounts.rules]``. Forward targets and the voicemail box are SIP URIs or dial
    strings; an empty string turns that rule off. ``blocklist`` entries are glob patterns
    (``*``, ``?``, ``[...]``) over the caller's user part (a number) or, when they hold
    ``@``, over the caller's URI without its scheme; "anonymous" names withheld callers."""

    dnd: bool = False  # at start; ``dnd on|off`` changes it while the engine runs
    dnd_action: RuleAction = RuleAction.REJECT
    forward_always: str = ""
    forward_busy: str = ""  # when another call of this phone is up
    forward_no_answer: str = ""
    no_answer_s: int = 20
    blocklist: tuple[str, ...] = ()
    block_action: RuleAction = RuleAction.REJECT
    reject_anonymous: bool = False
    unverified_action: RuleAction | None = None  # STIR/SHAKEN TN-Validation-Failed
    dial_rules: tuple[DialRule, ...] = ()

    def rewrite(self, text: str) -> str:
        """``text`` rewritten by the first dial rule that matches it (or unchanged)."""
        for rule in self.dial_rules:
            done = rule.apply(text)
            if done is not None:
                return done
        return text


@dataclass(frozen=True, slots=True)
class Screening:
    """How a rule answers an incoming call instead of ringing: ``code`` with ``target``
    as the Contact of a 302; ``rule`` names the rule for history and the event stream."""

    code: int
    rule: str
    target: str = ""

    @property
    def words(self) -> str:
        if self.target:
            return f"{self.rule} → {self.target}"
        return f"{self.rule} ({self.code})"
