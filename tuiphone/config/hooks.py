"""``[[hooks]]``: on = EVENT, run = [argv], timeout = S; errors as file:line: key."""

from __future__ import annotations

from tuiphone.config.reader import Reader
from tuiphone.model.hooks import DEFAULT_TIMEOUT_S, FIELDS, Hook, HookEvent, placeholders

EVENTS = tuple(e.value for e in HookEvent)


def parse_hooks(root: Reader) -> tuple[Hook, ...]:
    hooks = []
    for reader in root.tables("hooks"):
        hook = _hook(reader)
        reader.finish()
        if hook is not None:
            hooks.append(hook)
    return tuple(hooks)


def _hook(reader: Reader) -> Hook | None:
    on = reader.required_text("on")
    if on is not None and on not in EVENTS:
        reader.error("on", f"{on!r} is not one of {', '.join(EVENTS)}")
        on = None
    if reader.get("run") is None:
        reader.error("run", "missing: the program to run, as an array: "
                            "run = [\"notify-send\", \"{caller}\"]")
    argv = reader.strings("run")
    if reader.get("run") is not None and (not argv or not argv[0].strip()):
        reader.error("run", "the first element is the program to run; it is empty")
        argv = ()
    timeout = reader.integer("timeout", int(DEFAULT_TIMEOUT_S), 1, 3600)
    if on is None or not argv:
        return None
    event = HookEvent(on)
    known = {"event", *FIELDS[event]}
    unknown = sorted({p for a in argv for p in placeholders(a) if p not in known})
    if unknown:
        reader.error("run", f"{', '.join('{' + u + '}' for u in unknown)}: not a field of "
                            f"{on!r}; it has {', '.join(sorted(known))}")
        return None
    return Hook(event, argv, float(timeout))
