"""The one action table: bindings, footer, command palette, help and ``--bindings``.

Each ``ActionSpec`` becomes a Textual ``Binding`` with ``id`` = ``spec.id``, so the
config's ``[keymap]`` table (binding id -> keys) remaps it through ``App.set_keymap``.
``scope`` names the widget whose BINDINGS carry it: ``app``, ``screen`` (the main
screen, always active), or a pane id (active while focus is inside that pane).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    key: str
    action: str
    description: str
    scope: str
    show: bool = True
    priority: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("app.help", "f1", "help", "Help", "app"),
    ActionSpec("app.quit", "ctrl+q", "quit", "Quit", "app", priority=True),
    ActionSpec("app.theme", "f12", "next_theme", "Next theme", "app", show=False),
    # the same without F-keys (mobile SSH clients, some terminals): "?" wherever no text
    # box has focus, and letters in the Calls pane (its history filter still types them)
    ActionSpec("app.help_key", "question_mark", "help", "Help", "app", show=False),
    ActionSpec("app.theme_key", "ctrl+z", "next_theme", "Next theme", "app", show=False),
    ActionSpec("call.answer", "f2", "answer", "Answer", "screen"),
    ActionSpec("call.hangup", "f3", "hangup", "Hang up", "screen"),
    ActionSpec("call.hold", "f4", "hold", "Hold", "screen"),
    ActionSpec("call.mute", "f5", "mute", "Mute", "screen"),
    ActionSpec("call.transfer", "f6", "transfer", "Transfer", "screen", show=False),
    ActionSpec("call.attended", "f7", "attended", "Attended transfer", "screen", show=False),
    ActionSpec("call.conference", "f8", "conference", "Conference", "screen", show=False),
    ActionSpec("call.voicemail", "f9", "voicemail", "To voicemail", "screen", show=False),
    ActionSpec("call.voicemail_box", "f10", "call_voicemail", "Call voicemail", "screen",
               show=False),
    ActionSpec("call.record", "f11", "record", "Record call", "screen", show=False),
    ActionSpec("audio.devices", "ctrl+backslash", "devices", "Sound devices", "screen",
               show=False),
    ActionSpec("pane.next", "ctrl+n", "next_pane", "Next pane", "screen", show=False),
    ActionSpec("pane.previous", "ctrl+b", "previous_pane", "Previous pane", "screen", show=False),
    ActionSpec("pane.dialpad", "ctrl+g", "go('dialpad')", "Dialpad", "screen", show=False),
    ActionSpec("pane.chat", "ctrl+y", "go('chat')", "Chat", "screen", show=False),
    ActionSpec("dialpad.mode", "ctrl+t", "toggle_mode", "Tones", "dialpad"),
    ActionSpec("calls.filter", "ctrl+f", "filter", "Filter", "calls"),
    ActionSpec("calls.answer", "a", "screen.answer", "Answer", "calls", show=False),
    ActionSpec("calls.hangup", "h", "screen.hangup", "Hang up", "calls", show=False),
    ActionSpec("calls.hold", "o", "screen.hold", "Hold/resume", "calls", show=False),
    ActionSpec("calls.mute", "m", "screen.mute", "Mute", "calls", show=False),
    ActionSpec("calls.transfer", "t", "screen.transfer", "Transfer", "calls", show=False),
    ActionSpec("calls.attended", "x", "screen.attended", "Attended transfer", "calls",
               show=False),
    ActionSpec("calls.conference", "c", "screen.conference", "Conference", "calls", show=False),
    ActionSpec("calls.leave_conference", "u", "screen.leave_conference", "Leave conference",
               "calls", show=False),
    ActionSpec("calls.split_conference", "s", "screen.split_conference", "Split conference",
               "calls", show=False),
    ActionSpec("calls.voicemail", "v", "screen.voicemail", "To voicemail", "calls", show=False),
    ActionSpec("calls.details", "i", "screen.details", "Call details", "calls", show=False),
    ActionSpec("calls.record", "r", "screen.record", "Record", "calls"),
    ActionSpec("calls.devices", "p", "screen.devices", "Sound devices", "calls", show=False),
    ActionSpec("calls.dnd", "d", "screen.dnd", "Do not disturb", "calls", show=False),
    ActionSpec("calls.voicemail_box", "b", "screen.call_voicemail", "Call voicemail", "calls",
               show=False),
    ActionSpec("contacts.call", "ctrl+l", "call", "Call contact", "contacts"),
    ActionSpec("contacts.message", "ctrl+o", "message", "Message contact", "contacts"),
    ActionSpec("contacts.quickdial", "ctrl+s", "add_quickdial", "Add to QuickDial", "contacts"),
    ActionSpec("contacts.sync", "ctrl+r", "sync", "Sync CardDAV", "contacts", show=False),
    ActionSpec("contacts.edit", "e", "edit", "Edit contact", "contact-list"),
    ActionSpec("contacts.new", "n", "new", "New contact", "contact-list"),
    ActionSpec("contacts.delete", "delete", "delete", "Delete contact", "contact-list"),
    ActionSpec("quickdial.call", "c", "call", "Call key", "quickdial"),
    ActionSpec("quickdial.pickup", "p", "pickup", "Pick up", "quickdial"),
    ActionSpec("quickdial.transfer", "t", "transfer", "Transfer to key", "quickdial"),
    ActionSpec("quickdial.attended", "a", "attended", "Attended transfer to key", "quickdial"),
    ActionSpec("quickdial.message", "m", "message", "Message key", "quickdial"),
    ActionSpec("quickdial.copy", "y", "copy", "Copy URI", "quickdial", show=False),
    ActionSpec("quickdial.add", "n", "add_key", "New key", "quickdial"),
    ActionSpec("quickdial.remove", "delete", "remove_key", "Remove key", "quickdial"),
    ActionSpec("quickdial.up", "shift+up", "move_key(-1)", "Move key up", "quickdial",
               show=False),
    ActionSpec("quickdial.down", "shift+down", "move_key(1)", "Move key down", "quickdial",
               show=False),
    ActionSpec("incoming.answer", "a", "choose('answer')", "Answer", "incoming"),
    ActionSpec("incoming.reject", "r", "choose('reject')", "Reject", "incoming"),
    ActionSpec("incoming.voicemail", "v", "choose('voicemail')", "Voicemail", "incoming"),
    ActionSpec("incoming.later", "escape", "choose('later')", "Decide later", "incoming"),
    ActionSpec("consent.accept", "y", "choose('accept')", "Accept", "consent"),
    ActionSpec("consent.reject", "n", "choose('reject')", "Reject", "consent"),
    ActionSpec("consent.later", "escape", "choose('later')", "Later", "consent"),
    ActionSpec("ladder.refresh", "ctrl+r", "refresh", "Refresh trace", "ladder"),
    ActionSpec("chat.search", "ctrl+f", "search", "Search chat", "chat"),
    ActionSpec("chat.attach", "ctrl+o", "attach", "Attach file", "chat"),
    # on the message list (a cursor over the messages; the compose box types letters)
    ActionSpec("conversation.search", "slash", "search", "Search chat", "conversation",
               show=False),
    ActionSpec("conversation.copy", "y", "copy", "Copy message", "conversation"),
    ActionSpec("conversation.resend", "r", "resend", "Resend", "conversation"),
)


def bindings_for(scope: str) -> list[BindingType]:
    """The Textual bindings of one scope, ids and all."""
    return [
        Binding(s.key, s.action, s.description, show=s.show, id=s.id, priority=s.priority)
        for s in ACTIONS
        if s.scope == scope
    ]


def specs_for(scopes: Iterable[str]) -> list[ActionSpec]:
    wanted = set(scopes)
    return [s for s in ACTIONS if s.scope in wanted]


def keys_of(spec: ActionSpec, keymap: Mapping[str, str]) -> str:
    """The keys in force for ``spec`` given a config keymap (id -> keys)."""
    return keymap.get(spec.id, spec.key)


_KEY_NAMES = {"question_mark": "?", "exclamation_mark": "!", "slash": "/"}


def key_display(keys: str) -> str:
    """Keys as a person types them: ``question_mark`` is "?"."""
    return ",".join(_KEY_NAMES.get(k, k) for k in keys.split(","))


def _target(spec: ActionSpec) -> str:
    return spec.action.removeprefix("screen.").removeprefix("app.")


def alternates(spec: ActionSpec) -> list[ActionSpec]:
    """Other bindings of the same action (the letters beside the F-keys)."""
    return [s for s in ACTIONS if s.id != spec.id and _target(s) == _target(spec)
            and s.scope in ("app", "screen", "calls") and spec.scope in ("app", "screen", "calls")]


def unknown_ids(keymap: Mapping[str, str]) -> list[str]:
    """Keymap ids that name no action (reported to the user, never fatal)."""
    known = {s.id for s in ACTIONS}
    return sorted(k for k in keymap if k not in known)
