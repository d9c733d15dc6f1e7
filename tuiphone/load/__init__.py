"""``tuiphone load``: trunk capacity tests with several engines at once.

The wheel caps an engine at 4 calls and a process at one engine, so a load run is a
parent process (this package's ``run``) driving ``ceil(concurrent / 4)`` worker
processes (more for a high ``--rate``: see ``plan.RATE_PER_WORKER``), each
``python -m tuiphone.load.worker``, a headless engine of its own with its own ports,
talking JSON lines over its stdin and stdout (``wire``).

A load run is a front end of its own, like ``daemon`` or ``shell``: it owns its
engines and the terminal (live progress on stderr), so it sits above ``tuiphone.host``
and uses ``host.build`` to build each worker's engine.

Accounts: workers never send REGISTER. A direct account is used as it is; an account
with a registrar is used outbound-only (the registrar becomes its outbound proxy and
its password answers 401/407 challenges). So a load run never touches the binding
of a running daemon or TUI, takes no engine lock, and any number of workers can
share one account.
"""
