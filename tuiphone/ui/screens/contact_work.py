"""Contact actions of the main screen: details with avatars, the editor, deletion.

Every engine call runs in a worker; a failure is a notification, never a crash. The
engine publishes ContactsChanged after every change (ours, another front end's, or
files changed on disk), and ``contacts_changed`` refreshes what is on screen.
"""

from __future__ import annotations

from textual import on, work

from tuiphone.model.contact import ContactSummary
from tuiphone.ui.avatar_loader import AvatarLoader
from tuiphone.ui.screens.call_work import CallWork
from tuiphone.ui.screens.contact_edit import ContactEditScreen
from tuiphone.ui.screens.prompt import ConfirmScreen
from tuiphone.ui.widgets.contacts import AVATAR_CELLS, ContactsPane
from tuiphone.ui.widgets.quickdial import QuickDial


class ContactWork(CallWork):
    """Base of MainScreen (below it, CallWork): what the Contacts pane asks for."""

    avatars: AvatarLoader

    def contacts_changed(self) -> None:
        self.avatars.clear()
        self.query_one(ContactsPane).refresh_search()
        self.load_quickdial_avatars()

    @work(group="quickdial-avatars", exclusive=True)
    async def load_quickdial_avatars(self) -> None:
        lookup = getattr(self.phone, "lookup_contact", None)
        if lookup is not None:
            await self.query_one(QuickDial).load_avatars(lookup, self.avatars)

    @on(ContactsPane.DetailRequested)
    def _detail_requested(self, message: ContactsPane.DetailRequested) -> None:
        self.load_detail(message.contact)

    @work(group="contact-detail", exclusive=True)
    async def load_detail(self, contact: ContactSummary) -> None:
        if self.phone is None:
            return
        try:
            full: ContactSummary = await self.phone.contact(contact.id)
        except Exception:  # noqa: BLE001 - an older engine or a vanished card: the summary
            full = contact
        tile = await self.avatars.tile(contact.id, full.name, AVATAR_CELLS, full.has_photo)
        self.query_one(ContactsPane).show_detail(full, tile)

    @on(ContactsPane.EditRequested)
    def _edit_requested(self, message: ContactsPane.EditRequested) -> None:
        self.edit_contact(message.contact_id)

    @work(group="contact-edit", exclusive=True)
    async def edit_contact(self, contact_id: str | None) -> None:
        phone = self.phone
        if phone is None:
            self.notify("The engine is not up yet", severity="warning")
            return
        try:
            if contact_id is None:
                books = [b.book for b in await phone.contact_books() if b.writable]
                if not books:
                    self.notify("No writable address book: configure a vdir or CardDAV book",
                                severity="warning")
                    return
                before = None
            else:
                books, before = [], await phone.contact(contact_id)
                if before.writable is False:
                    self.notify(f"{before.name}: read-only book {before.book}",
                                severity="warning")
                    return
        except Exception as err:  # noqa: BLE001
            self.notify(f"Contacts: {err}", severity="error")
            return
        result = await self.app.push_screen_wait(ContactEditScreen(before, books))
        if result is None:
            return
        if contact_id is not None and not result.fields:
            self.notify("Nothing changed", timeout=2)
            return
        try:
            if contact_id is None:
                saved = await phone.create_contact(result.fields, result.book)
            else:
                saved = await phone.save_contact(contact_id, result.fields)
        except Exception as err:  # noqa: BLE001 - a conflict or a dead server: say so
            self.notify(f"Not saved: {err}", severity="error", timeout=10)
            return
        self.notify(f"Saved {saved.name}", timeout=3)

    @on(ContactsPane.DeleteRequested)
    def _delete_requested(self, message: ContactsPane.DeleteRequested) -> None:
        self.delete_contact(message.contact_id, message.name)

    @work(group="contact-edit", exclusive=True)
    async def delete_contact(self, contact_id: str, name: str) -> None:
        phone = self.phone
        if phone is None:
            return
        if not await self.app.push_screen_wait(ConfirmScreen(f"Delete {name or contact_id}?")):
            return
        try:
            await phone.delete_contact(contact_id)
        except Exception as err:  # noqa: BLE001
            self.notify(f"Not deleted: {err}", severity="error", timeout=10)
            return
        self.notify(f"Deleted {name}", timeout=3)

    @on(ContactsPane.SyncRequested)
    def _sync_requested(self) -> None:
        self.sync_books()

    @work(group="contact-sync", exclusive=True)
    async def sync_books(self) -> None:
        phone = self.phone
        if phone is None:
            return
        self.notify("Syncing address books…", timeout=2)
        try:
            rows = await phone.sync_contacts()
        except Exception as err:  # noqa: BLE001
            self.notify(f"Sync failed: {err}", severity="error", timeout=10)
            return
        if not rows:
            self.notify("No CardDAV book configured", severity="warning")
        for row in rows:
            if row.ok:
                self.notify(f"{row.book}: {row.fetched} fetched, {row.deleted} deleted",
                            timeout=4)
            else:
                self.notify(f"{row.book}: {row.error}", severity="error", timeout=10)
