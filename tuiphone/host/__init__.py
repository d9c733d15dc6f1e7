"""Hosting: which engine a front end talks to, and how an engine is built and served.

The one place that decides "attach to the running engine or own one" for the TUI,
the shell, the daemon, scripts and one-shot commands, and that turns the config into
a ``Phone`` (SIP backend, secrets, address books). Cheap to import: nothing heavy is
loaded until an engine is really needed.
"""
