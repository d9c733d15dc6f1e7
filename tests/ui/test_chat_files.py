"""The chat pane's attach action: Ctrl+O asks for a path, the file goes encrypted through
a real FT-HTTP server (fake SIP), and both sides show a progress row."""

from __future__ import annotations

from PIL import Image
from rich.console import Group
from textual.widgets import Input

from tests.support.ftserver import FtHttpServer
from tests.ui.helpers import make_app, until
from tuiphone.config.file_keys import FileKeyVault
from tuiphone.config.secret_store import PASSPHRASE_ENV, SecretStore
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.files import FileConfig, TransferState, UploadKind
from tuiphone.ui.avatar import HalfBlock
from tuiphone.ui.widgets.chat import ChatPane
from tuiphone.ui.widgets.conversation import ConversationList


async def test_attach_sends_a_file_and_shows_progress(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "pw")
    ft = FtHttpServer(tmp_path / "ft").start()
    try:
        files = FileConfig(server=ft.url, kind=UploadKind.FTHTTP)
        accounts = tuple(AccountConfig(id=u, uri=f"sip:{u}@127.0.0.1", files=files,
                                       features=Features(file_sharing=True))
                         for u in ("me", "bob"))
        setup = EngineSetup(accounts=accounts, echo_line=False, files_dir=tmp_path / "files",
                            file_keys=FileKeyVault(tmp_path / "k", SecretStore(tmp_path / "s")))
        app, _ = make_app(Phone(setup, FakeBackend()))
        src = tmp_path / "notes.txt"
        src.write_text("for bob")
        picture = tmp_path / "sunset.png"
        Image.new("RGB", (64, 48), (250, 120, 30)).save(picture)
        async with app.run_test(size=(160, 48)) as pilot:
            await until(pilot, lambda: app.phone is not None)
            chat = app.main.query_one(ChatPane)
            chat.open_thread("sip:bob@127.0.0.1")
            app.main.query_one("#chat-body", Input).focus()
            await pilot.press("ctrl+o")
            await until(pilot, lambda: getattr(app.focused, "id", None) == "prompt-input")
            await pilot.press(*str(src), "enter")
            done = {TransferState.UPLOADED, TransferState.SAVED}
            await until(pilot, lambda: {t.state for t in chat.transfers.values()} == done)
            await until(pilot, lambda: "📎 notes.txt" in chat.conversation_text())
            assert "uploaded" in chat.conversation_text()
            saved = next(t for t in chat.transfers.values() if t.state is TransferState.SAVED)
            assert (tmp_path / "files" / "notes.txt").read_text() == "for bob"
            assert saved.path == str(tmp_path / "files" / "notes.txt")
            assert chat.previews == {}  # not an image
            # an image gets a half-block preview under its row, on both sides
            await pilot.press("ctrl+o")
            await until(pilot, lambda: getattr(app.focused, "id", None) == "prompt-input")
            await pilot.press(*str(picture), "enter")
            await until(pilot, lambda: len(chat.previews) == 2)  # sent and received
            preview = next(iter(chat.previews.values()))
            assert isinstance(preview, HalfBlock)
            assert (preview.width, preview.height) == (24, 8)
            top, _bottom = preview.rows[0][0]
            assert max(abs(top[0] - 250), abs(top[1] - 120)) < 8  # the picture's colour
            # the preview is drawn in the message's own option, under its progress row
            conv = chat.query_one("#conversation", ConversationList)
            shown = [conv.get_option(i).prompt for i in chat.previews
                     if i in chat.book.threads[chat.current or ""].messages]
            assert shown
            assert all(isinstance(p, Group) for p in shown)
            assert "📎 sunset.png" in chat.conversation_text()
    finally:
        ft.stop()


async def test_a_received_thumbnail_shows_before_the_file_is_downloaded(tmp_path, monkeypatch
                                                                        ) -> None:
    """bob does not fetch files by himself (auto_download off): the sender's thumbnail,
    fetched from the FT-HTTP XML's file-info type="thumbnail", is his preview."""
    monkeypatch.setenv(PASSPHRASE_ENV, "pw")
    ft = FtHttpServer(tmp_path / "ft").start()
    try:
        files = FileConfig(server=ft.url, kind=UploadKind.FTHTTP)
        me = AccountConfig(id="me", uri="sip:me@127.0.0.1", files=files,
                           features=Features(file_sharing=True))
        bob = AccountConfig(id="bob", uri="sip:bob@127.0.0.1",
                            files=FileConfig(server=ft.url, kind=UploadKind.FTHTTP,
                                             auto_download=False),
                            features=Features(file_sharing=True))
        setup = EngineSetup(accounts=(me, bob), echo_line=False, files_dir=tmp_path / "files",
                            file_keys=FileKeyVault(tmp_path / "k", SecretStore(tmp_path / "s")))
        phone = Phone(setup, FakeBackend())
        app, _ = make_app(phone)
        picture = tmp_path / "sunset.png"
        Image.new("RGB", (640, 480), (30, 120, 250)).save(picture)
        async with app.run_test(size=(160, 48)) as pilot:
            await until(pilot, lambda: app.phone is not None)
            chat = app.main.query_one(ChatPane)
            await phone.send_file("sip:bob@127.0.0.1", str(picture), "me")
            chat.open_thread("sip:me@127.0.0.1")  # bob's side of the conversation
            await until(pilot, lambda: any(t.state is TransferState.OFFERED and t.thumbnail
                                           for t in chat.transfers.values()))
            offered = next(t for t in chat.transfers.values()
                           if t.state is TransferState.OFFERED)
            assert not (tmp_path / "files" / "sunset.png").exists()  # not downloaded
            with Image.open(offered.thumbnail) as thumb:
                assert thumb.format == "JPEG"
                assert max(thumb.size) <= 160
            await until(pilot, lambda: offered.message_id in chat.previews)
            preview = chat.previews[offered.message_id]
            assert isinstance(preview, HalfBlock)
            top, _bottom = preview.rows[0][0]
            assert max(abs(top[0] - 30), abs(top[2] - 250)) < 12  # the picture's colour
    finally:
        ft.stop()
