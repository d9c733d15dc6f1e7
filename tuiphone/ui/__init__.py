"""tuiphone.ui: the Textual front end.

``run(config_path)`` loads the config, picks the engine (attach to a running one over
the control socket, else build our own after the first paint) and runs the app.
"""

from __future__ import annotations


def run(config_path: str | None = None, dial: str = "") -> int:
    """Run the TUI until the user quits; returns the exit status. ``dial`` starts in the
    dialpad, not dialled (Enter dials it)."""
    from tuiphone.config import load_config
    from tuiphone.config.appstate import apply_state
    from tuiphone.host.claim import Role
    from tuiphone.host.session import EngineHost
    from tuiphone.ui.app import TuiphoneApp

    # QuickDial keys added in the app live in its state file, over the config's list
    config = load_config(config_path)
    try:
        config = apply_state(config)
    except Exception as err:  # a damaged state file must not keep the phone from starting
        print(f"tuiphone: saved QuickDial ignored: {err}")
    if config.ui.avatars in ("auto", "kitty", "sixel") and (
        config.contacts.vdirs or config.contacts.carddav
    ):
        from tuiphone.ui.avatar import prepare_graphics

        prepare_graphics()  # asks the terminal (≤ 0.2 s); impossible once the app runs
    # attach to the running engine, else own one (built after the first paint) and serve it
    app = TuiphoneApp(EngineHost(Role.FRONT_END, lambda: config, off_loop=True), config,
                      dial=dial)
    result = app.run()
    if app.crashed:
        from tuiphone.host.crash import count_crash

        count_crash(config_path)
    return result if isinstance(result, int) else 0
