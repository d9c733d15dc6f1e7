"""``tuiphone load`` runs its workers as child processes: the CLI tests use the real
entry point on the fake SIP world (TUIPHONE_BACKEND=fake, inherited by the workers)."""

from tests.cli.conftest import daemon  # noqa: F401 - fixture
