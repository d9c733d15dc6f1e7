"""The Contacts pane over a real vdir: everyone listed, full detail with the avatar,
edit, new, delete, and changes made outside showing up."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path

from PIL import Image
from textual.widgets import Input, OptionList, TextArea

from tests.ui.helpers import app_over_vdir, until
from tuiphone.config.schema import UiConfig
from tuiphone.engine.phone import Phone
from tuiphone.model.contact import BookSync
from tuiphone.ui.app import TuiphoneApp
from tuiphone.ui.avatar import HalfBlock, Placeholder
from tuiphone.ui.screens.contact_edit import ContactEditScreen
from tuiphone.ui.screens.prompt import ConfirmScreen
from tuiphone.ui.widgets.avatar_view import AvatarView
from tuiphone.ui.widgets.contacts import ContactsPane


def _png(colour: tuple[int, int, int]) -> str:
    out = io.BytesIO()
    Image.new("RGB", (24, 24), colour).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


ANNA = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:anna-1\r\nFN:Anna Arbor\r\nORG:Trees Inc\r\n"
    "TEL;TYPE=cell:+1 212 555 0100\r\nEMAIL:anna@example.test\r\nBDAY:--0704\r\n"
    "ADR;TYPE=work:;;1 Elm St;Springfield;;12345;USA\r\nNOTE:prefers chat\r\n"
    "X-SECRET-SAUCE:kept\r\n"
    f"PHOTO;ENCODING=b;TYPE=PNG:{_png((200, 30, 30))}\r\nEND:VCARD\r\n"
)
BOB_CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bob-1\r\nFN:Bob Builder\r\n"
    "IMPP:sip:bob@127.0.0.1\r\nEND:VCARD\r\n"
)


def _world(tmp_path: Path) -> tuple[TuiphoneApp, Phone, Path]:
    return app_over_vdir(tmp_path, {"anna.vcf": ANNA, "bob.vcf": BOB_CARD},
                         ui=UiConfig(avatars="halfcell"))


def _detail(app: TuiphoneApp) -> str:
    return app.main.query_one(ContactsPane).detail_text


def _names(app: TuiphoneApp) -> list[str]:
    results = app.main.query_one("#contact-results", OptionList)
    return [str(results.get_option_at_index(i).prompt).strip()
            for i in range(results.option_count)]


async def test_everyone_listed_with_full_detail_and_avatar(tmp_path: Path) -> None:
    app, phone, _ = _world(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        app.main.go("contacts")
        await until(pilot, lambda: _names(app) == ["Anna Arbor", "Bob Builder"])
        await until(pilot, lambda: "Springfield" in _detail(app))
        for field in ("Trees Inc", "cell    +1 212 555 0100", "anna@example.test",
                      "--0704", "1 Elm St", "prefers chat", "vdir1"):
            assert field in _detail(app), field
        avatar = app.main.query_one("#contact-avatar", AvatarView)
        await until(pilot, lambda: isinstance(avatar.tile, HalfBlock))
        assert avatar.display
        tile = avatar.tile
        assert isinstance(tile, HalfBlock)
        assert (tile.width, tile.height) == (12, 6)
        assert tile.rows[0][0][0][0] > 150  # the photo's red
        app.main.query_one("#contact-results", OptionList).focus()
        await pilot.press("down")
        await until(pilot, lambda: "sip:bob@127.0.0.1" in _detail(app))
        await until(pilot, lambda: isinstance(avatar.tile, Placeholder))


async def test_edit_saves_only_what_changed(tmp_path: Path) -> None:
    app, phone, folder = _world(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        app.main.go("contacts")
        await until(pilot, lambda: len(_names(app)) == 2)
        await until(pilot, lambda: "Springfield" in _detail(app))
        app.main.query_one("#contact-results", OptionList).focus()
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ContactEditScreen))
        org = app.screen.query_one("#edit-org", Input)
        assert org.value == "Trees Inc"
        org.value = "Forest Ltd"
        phones = app.screen.query_one("#edit-phones", TextArea)
        assert phones.text == "+1 212 555 0100"
        phones.text = "+1 212 555 0100\n+1 212 555 0199"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Forest Ltd" in _detail(app))
        assert "+1 212 555 0199" in _detail(app)
        text = (folder / "anna.vcf").read_bytes().decode()
        assert "ORG:Forest Ltd\r\n" in text
        assert "TEL;TYPE=cell:+1 212 555 0100\r\n" in text
        assert "X-SECRET-SAUCE:kept\r\n" in text
        assert "NOTE:prefers chat\r\n" in text
        assert "PHOTO;ENCODING=b;TYPE=PNG:" in text
        found = await phone.lookup_contact("+12125550199")
        assert found is not None
        assert found.name == "Anna Arbor"


async def test_every_seed_field_is_edited_and_written_back(tmp_path: Path) -> None:
    """Nickname, title, gender and postal addresses: shown in the form, saved to the
    card, the unchanged address's line kept as it was."""
    app, phone, folder = _world(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        app.main.go("contacts")
        await until(pilot, lambda: "Springfield" in _detail(app))
        app.main.query_one("#contact-results", OptionList).focus()
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ContactEditScreen))
        form = app.screen
        addresses = form.query_one("#edit-addresses", TextArea)
        assert addresses.text == "work: 1 Elm St; Springfield; ; 12345; USA"
        assert form.query_one("#edit-gender", Input).value == ""
        form.query_one("#edit-nickname", Input).value = "Annie"
        form.query_one("#edit-title", Input).value = "Chief Arborist"
        form.query_one("#edit-gender", Input).value = "F she/her"
        addresses.text = (addresses.text + "\nhome: 2 Oak Ave; Shelbyville; IL; 62565; USA")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Shelbyville" in _detail(app))
        text = (folder / "anna.vcf").read_bytes().decode()
        assert "NICKNAME:Annie\r\n" in text
        assert "TITLE:Chief Arborist\r\n" in text
        assert "GENDER:F;she/her\r\n" in text
        assert "ADR;TYPE=work:;;1 Elm St;Springfield;;12345;USA\r\n" in text  # untouched
        assert "ADR;TYPE=home:;;2 Oak Ave;Shelbyville;IL;62565;USA\r\n" in text
        details = await phone.contact("anna-1")
        assert (details.nickname, details.title, details.gender) == (
            "Annie", "Chief Arborist", "F she/her")
        assert [a.lines for a in details.addresses][1] == (
            "2 Oak Ave", "62565 Shelbyville", "IL", "USA")
        await pilot.press("e")  # the form shows what was saved, and saving again is a no-op
        await until(pilot, lambda: isinstance(app.screen, ContactEditScreen))
        assert app.screen.query_one("#edit-gender", Input).value == "F she/her"
        assert app.screen.query_one("#edit-addresses", TextArea).text.count("\n") == 1
        before = (folder / "anna.vcf").read_bytes()
        await pilot.press("escape")
        assert (folder / "anna.vcf").read_bytes() == before


async def test_new_contact_and_delete(tmp_path: Path) -> None:
    app, phone, folder = _world(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        app.main.go("contacts")
        await until(pilot, lambda: len(_names(app)) == 2)
        app.main.query_one("#contact-results", OptionList).focus()
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ContactEditScreen))
        await pilot.press("ctrl+s")  # no name: refused, the form stays
        assert isinstance(app.screen, ContactEditScreen)
        app.screen.query_one("#edit-fn", Input).value = "Carla Cole"
        app.screen.query_one("#edit-phones", TextArea).text = "030 1234"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Carla Cole" in _names(app))
        assert len(os.listdir(folder)) == 3
        results = app.main.query_one("#contact-results", OptionList)
        results.highlighted = _names(app).index("Carla Cole")
        results.focus()
        await until(pilot, lambda: "Carla Cole" in _detail(app))
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # changed my mind
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert len(os.listdir(folder)) == 3
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: "Carla Cole" not in _names(app))
        assert sorted(os.listdir(folder)) == ["anna.vcf", "bob.vcf"]


async def test_cancel_writes_nothing_and_outside_changes_show(tmp_path: Path) -> None:
    app, phone, folder = _world(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        app.main.go("contacts")
        await until(pilot, lambda: len(_names(app)) == 2)
        before = (folder / "anna.vcf").read_bytes()
        app.main.query_one("#contact-results", OptionList).focus()
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ContactEditScreen))
        app.screen.query_one("#edit-org", Input).value = "Nope"
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ContactEditScreen))
        assert (folder / "anna.vcf").read_bytes() == before
        (folder / "dora.vcf").write_bytes(
            BOB_CARD.replace("bob-1", "dora-1").replace("Bob Builder", "Dora Dune").encode())
        await phone.reload_contacts()  # as `tuiphone contacts import` asks a running engine
        await until(pilot, lambda: "Dora Dune" in _names(app))


async def test_ctrl_r_syncs_the_books_and_says_how_it_went(tmp_path: Path) -> None:
    app, phone, _ = _world(tmp_path)
    asked: list[bool] = []

    async def sync() -> list[BookSync]:
        asked.append(True)
        return [BookSync.done("work", fetched=3, deleted=1, full=False),
                BookSync.failed("home", "wrong user name or password")]

    phone.sync_contacts = sync  # type: ignore[method-assign]
    async with app.run_test(size=(160, 48)) as pilot:
        app.main.go("contacts")
        await until(pilot, lambda: len(_names(app)) == 2)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: len(asked) == 1)
        texts = lambda: [n.message for n in app._notifications]  # noqa: E731
        await until(pilot, lambda: "work: 3 fetched, 1 deleted" in texts())
        assert "home: wrong user name or password" in texts()


async def test_photo_from_a_file_in_the_form(tmp_path: Path) -> None:
    app, phone, folder = _world(tmp_path)
    picture = tmp_path / "green.png"
    picture.write_bytes(base64.b64decode(_png((20, 200, 20))))
    async with app.run_test(size=(160, 48)) as pilot:
        app.main.go("contacts")
        await until(pilot, lambda: len(_names(app)) == 2)
        results = app.main.query_one("#contact-results", OptionList)
        results.highlighted = 1  # Bob: no photo yet
        results.focus()
        await until(pilot, lambda: "sip:bob@127.0.0.1" in _detail(app))
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ContactEditScreen))
        app.screen.query_one("#edit-photo", Input).value = str(tmp_path / "missing.png")
        await pilot.press("ctrl+s")  # a file that is not there: said, form stays
        assert isinstance(app.screen, ContactEditScreen)
        app.screen.query_one("#edit-photo", Input).value = str(picture)
        await pilot.press("ctrl+s")
        avatar = app.main.query_one("#contact-avatar", AvatarView)
        await until(pilot, lambda: isinstance(avatar.tile, HalfBlock))
        tile = avatar.tile
        assert isinstance(tile, HalfBlock)
        assert tile.rows[0][0][0][1] > 150  # the new photo's green
        assert "PHOTO;ENCODING=b;TYPE=PNG:" in (folder / "bob.vcf").read_bytes().decode()
