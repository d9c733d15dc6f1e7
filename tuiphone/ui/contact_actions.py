"""What the Contacts pane asks for: details with avatars, the editor, deletion, sync.

Every engine request runs in a worker of the host screen; a failure is a notification,
never a crash. The engine publishes ContactsChanged after every change (ours, another
front end's, or files changed on disk), and ``changed`` refreshes what is on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.widget import Widget

from tuiphone.model.contact import ContactSummary
from tuiphone.ui.avatar_loader import AvatarLoader
from tuiphone.ui.phone_link import PhoneLink, in_worker
from tuiphone.ui.screens.prompt import ConfirmScreen
from tuiphone.ui.widgets.contacts import AVATAR_CELLS, ContactsPane
from tuiphone.ui.widgets.quickdial import QuickDial


class ContactActions:
    """``contacts`` and ``quickdial`` give the panes as they are now (a resize rebuilds them)."""

    def __init__(self, link: PhoneLink, host: Widget, avatars: AvatarLoader,
                 contacts: Callable[[], ContactsPane], quickdial: Callable[[], QuickDial]) -> None:
        self.link = link
        self.host = host
        self.avatars = avatars
        self.contacts = contacts
        self.quickdial = quickdial

    def changed(self) -> None:
        self.avatars.clear()
        self.contacts().refresh_search()
        self.load_quickdial_avatars()

    def load_quickdial_avatars(self) -> None:
        in_worker(self.host, self._quickdial_avatars, group="quickdial-avatars")

    async def _quickdial_avatars(self) -> None:
        lookup = getattr(self.link.phone, "lookup_contact", None)
        if lookup is not None:
            await self.quickdial().load_avatars(lookup, self.avatars)

    def search(self, text: str) -> None:
        in_worker(self.host, partial(self._search, text), group="contacts-search")

    async def _search(self, text: str) -> None:
        pane, phone = self.contacts(), self.link.phone
        if phone is None:
            pane.show_results(text, [])
            return
        try:
            results = await phone.search_contacts(text, 200 if not text else 50)
        except Exception as err:
            self.host.notify(f"Contacts: {err}", severity="error")
            return
        pane.show_results(text, results)

    def detail(self, contact: ContactSummary) -> None:
        in_worker(self.host, partial(self._detail, contact), group="contact-detail")

    async def _detail(self, contact: ContactSummary) -> None:
        phone = self.link.phone
        if phone is None:
            return
        try:
            full: ContactSummary = await phone.contact(contact.id)
        except Exception:  # noqa: BLE001 - an older engine or a vanished card: the summary
            full = contact
        tile = await self.avatars.tile(contact.id, full.name, AVATAR_CELLS, full.has_photo)
        self.contacts().show_detail(full, tile)

    def edit(self, contact_id: str | None) -> None:
        """Edit a card, or (None) make a new one."""
        in_worker(self.host, partial(self._edit, contact_id), group="contact-edit")

    async def _edit(self, contact_id: str | None) -> None:
        phone = self.link.phone
        if phone is None:
            self.host.notify("The engine is not up yet", severity="warning")
            return
        try:
            if contact_id is None:
                books = [b.book for b in await phone.contact_books() if b.writable]
                if not books:
                    self.host.notify("No writable address book: configure a vdir or CardDAV book",
                                 severity="warning")
                    return
                before = None
            else:
                books, before = [], await phone.contact(contact_id)
                if before.writable is False:
                    self.host.notify(f"{before.name}: read-only book {before.book}",
                                 severity="warning")
                    return
        except Exception as err:  # noqa: BLE001
            self.host.notify(f"Contacts: {err}", severity="error")
            return
        from tuiphone.ui.screens.contact_edit import ContactEditScreen  # when opened

        result = await self.host.app.push_screen_wait(ContactEditScreen(before, books))
        if result is None:
            return
        if contact_id is not None and not result.fields:
            self.host.notify("Nothing changed", timeout=2)
            return
        try:
            if contact_id is None:
                saved = await phone.create_contact(result.fields, result.book)
            else:
                saved = await phone.save_contact(contact_id, result.fields)
        except Exception as err:  # noqa: BLE001 - a conflict or a dead server: say so
            self.host.notify(f"Not saved: {err}", severity="error", timeout=10)
            return
        self.host.notify(f"Saved {saved.name}", timeout=3)

    def delete(self, contact_id: str, name: str) -> None:
        in_worker(self.host, partial(self._delete, contact_id, name), group="contact-edit")

    async def _delete(self, contact_id: str, name: str) -> None:
        phone = self.link.phone
        if phone is None:
            return
        if not await self.host.app.push_screen_wait(ConfirmScreen(f"Delete {name or contact_id}?")):
            return
        try:
            await phone.delete_contact(contact_id)
        except Exception as err:  # noqa: BLE001
            self.host.notify(f"Not deleted: {err}", severity="error", timeout=10)
            return
        self.host.notify(f"Deleted {name}", timeout=3)

    def sync(self) -> None:
        in_worker(self.host, self._sync, group="contact-sync")

    async def _sync(self) -> None:
        phone = self.link.phone
        if phone is None:
            return
        self.host.notify("Syncing address books…", timeout=2)
        try:
            rows = await phone.sync_contacts()
        except Exception as err:  # noqa: BLE001
            self.host.notify(f"Sync failed: {err}", severity="error", timeout=10)
            return
        if not rows:
            self.host.notify("No CardDAV book configured", severity="warning")
        for row in rows:
            if row.ok:
                self.host.notify(f"{row.book}: {row.fetched} fetched, {row.deleted} deleted",
                             timeout=4)
            else:
                self.host.notify(f"{row.book}: {row.error}", severity="error", timeout=10)
