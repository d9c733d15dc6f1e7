"""``[ui] alert`` and ``[daemon] on_incoming``."""

from __future__ import annotations

from collections.abc import Callable

from tuiphone.config import AppConfig

Problems = Callable[..., list[str]]
Load = Callable[..., AppConfig]


def test_defaults_ring_the_bell_and_run_nothing(load_text: Load) -> None:
    config = load_text("")
    assert config.ui.alert == ("bell",)
    assert config.daemon.on_incoming == ()


def test_values(load_text: Load) -> None:
    config = load_text('[ui]\nalert = ["osc", "notify"]\n'
                       '[daemon]\non_incoming = ["ring", "--loud"]\n')
    assert config.ui.alert == ("osc", "notify")
    assert config.daemon.on_incoming == ("ring", "--loud")
    assert load_text("[ui]\nalert = []\n").ui.alert == ()


def test_bad_values_have_file_line_and_key(problems_of: Problems) -> None:
    assert problems_of('[ui]\nalert = ["bell", "siren"]\n') == [
        "CFG:2: ui.alert: 'siren': each must be one of bell, osc, notify (an empty list: "
        "no alert)"]
    assert problems_of('[daemon]\non_incoming = "ring me"\nfoo = 1\n')[0].startswith(
        "CFG:3: daemon.foo: unknown key")
