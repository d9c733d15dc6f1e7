"""A crash reaching a front end's top-level handler is counted (usage counters on only),
and the TUI's crash report shows no local variables (they may hold a password)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

import tuiphone.ui.app
from tuiphone.cli import main as cli_main
from tuiphone.host.crash import count_crash
from tuiphone.store import Store
from tuiphone.store.paths import default_db_path
from tuiphone.ui.app import TuiphoneApp

SECRET = "hunter2-secret"


def _config(tmp_path: Path, on: bool) -> Path:
    path = tmp_path / "c.toml"
    path.write_text('[[accounts]]\nid = "a"\nuri = "sip:a@127.0.0.1"\n[accounts.features]\n'
                    f"usage_counters = {str(on).lower()}\n")
    path.chmod(0o600)
    return path


def _crashes() -> int:
    if not default_db_path().exists():
        return 0
    with Store(default_db_path()) as store:
        return store.counters().get("*:crashes", 0)


def test_counted_only_when_on_and_never_raises(tmp_path: Path) -> None:
    assert count_crash(str(_config(tmp_path, on=False))) is False
    assert _crashes() == 0
    assert count_crash(str(_config(tmp_path, on=True))) is True
    assert count_crash(str(_config(tmp_path, on=True))) is True
    assert _crashes() == 2
    broken = tmp_path / "broken.toml"
    broken.write_text("[[accounts]\n")
    assert count_crash(str(broken)) is False  # a broken config: no count, no new error


def test_the_cli_s_top_level_handler_counts_then_reraises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def bug(_ns: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli_main, "_dispatch", bug)
    with pytest.raises(RuntimeError, match="a bug"):
        cli_main.main(["--config", str(_config(tmp_path, on=True)), "status"])
    assert _crashes() == 1


class _Crashing(TuiphoneApp):
    CSS_PATH = str(Path(tuiphone.ui.app.__file__).with_name("app.tcss"))

    report: list[object] = []

    def _fatal_error(self) -> None:
        super()._fatal_error()
        self.report = list(self._exit_renderables)  # printed and cleared at exit

    def boom(self) -> None:
        password = SECRET  # a local a traceback with locals would print
        raise RuntimeError(f"bug near {len(password)} characters")


async def test_the_tui_marks_a_crash_and_its_report_has_no_locals() -> None:
    async def factory() -> None:
        raise RuntimeError("no engine in this test")

    app = _Crashing(factory)  # type: ignore[arg-type]
    async def crash() -> None:
        async with app.run_test() as pilot:
            app.call_later(app.boom)
            await pilot.pause()

    with pytest.raises(RuntimeError, match="bug near"):  # run_test re-raises it
        await crash()
    assert app.crashed
    console = App().console  # render what would be printed at exit
    with console.capture() as capture:
        for renderable in app.report:
            console.print(renderable)
    report = capture.get()
    assert "RuntimeError" in report
    assert SECRET not in report
