"""Count a crash (an unhandled exception that reached a front end's top-level handler)
in the usage counters, when some account turned them on. Runs as the process fails,
so it never raises: a broken config or database just means no count."""

from __future__ import annotations

import contextlib


def count_crash(config_path: str | None) -> bool:
    """True when the crash was counted."""
    with contextlib.suppress(Exception):
        from tuiphone.config import load_config
        from tuiphone.engine.usage import APP, key
        from tuiphone.store.paths import default_db_path
        from tuiphone.store.store import Store

        config = load_config(config_path)
        if not any(a.features.usage_counters for a in config.accounts):
            return False
        path = default_db_path()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        store = Store(str(path))
        try:
            store.bump_counter(key(APP, "crashes"))
        finally:
            store.close()
        return True
    return False
