"""The one-shot command line: ``tuiphone COMMAND ...``. Entry point ``tuiphone.cli.main:main``.

Imports nothing heavy: no Textual, no prompt_toolkit, and rich only for human output.
"""
