"""Persistence: one SQLite database for call history, chat, attachment metadata, counters.

``Store(default_db_path())`` opens it; see ``tuiphone.store.store.Store`` for the contract.
"""

from tuiphone.model.message import ChatThread
from tuiphone.store.attachments import Attachment
from tuiphone.store.errors import StoreError
from tuiphone.store.paths import default_db_path
from tuiphone.store.store import Store

__all__ = ["Attachment", "ChatThread", "Store", "StoreError", "default_db_path"]
