"""``tuiphone shell``: the command table in a prompt_toolkit REPL."""
