"""The one command table (``table``), used by the CLI, the REPL, scripts and the TUI.

Cheap to import: no Textual, no prompt_toolkit, no rich. This package module imports
nothing itself, so that ``tuiphone.commands.table`` alone (what shell completion reads)
costs only the table: import ``runner`` for running commands, ``exitcodes`` for the
exit-status mapping.
"""
