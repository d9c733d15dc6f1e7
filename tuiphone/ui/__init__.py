"""tuiphone.ui: the Textual front end.

``run(config_path)`` loads the config, picks the engine (attach to a running one over
the control socket, else build our own after the first paint) and runs the app.
"""

from __future__ import annotations


def run(config_path: str | None = None) -> int:
    """Run the TUI until the user quits; returns the exit status."""
    from tuiphone.config import load_config
    from tuiphone.ui.app import TuiphoneApp
    from tuiphone.ui.startup import open_contacts, phone_factory

    config = load_config(config_path)
    app = TuiphoneApp(phone_factory(config), config, contacts=open_contacts(config))
    result = app.run()
    return result if isinstance(result, int) else 0
