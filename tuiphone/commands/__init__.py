"""The one command table, used by the CLI, the REPL, scripts and the TUI.

Cheap to import: no Textual, no prompt_toolkit, no rich.
"""

from tuiphone.commands.exitcodes import exit_code
from tuiphone.commands.runner import (
    CommandHelp,
    execute,
    list_commands,
    parse_line,
    run_command_line,
    run_line,
)
from tuiphone.commands.spec import Arg, Command
from tuiphone.commands.table import COMMANDS, find

__all__ = [
    "COMMANDS",
    "Arg",
    "Command",
    "CommandHelp",
    "execute",
    "exit_code",
    "find",
    "list_commands",
    "parse_line",
    "run_command_line",
    "run_line",
]
