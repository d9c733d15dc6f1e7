"""The engine: ``Phone`` (async facade), event bus, history, chat, echo line.

No pjsua2, Textual or prompt_toolkit here: the engine runs headless.
"""
