"""vdir folders: read *.vcf only, atomic writes, one file per UID, splicing edits."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.contacts import corpus
from tuiphone.contacts.editing import ContactEdit, apply_edit, new_card
from tuiphone.contacts.errors import ConflictError, VdirError
from tuiphone.contacts.vdir import (
    atomic_write,
    create_file,
    filename_for,
    read_vdir,
    remove_card,
    replace_card,
)


def test_reads_only_vcf_files_and_names_bad_file_and_line(vdir: Path) -> None:
    (vdir / "a.vcf").write_bytes(corpus.APPLE)
    (vdir / "b.vcf").write_bytes(corpus.V4 + corpus.EMPTY_CARD)
    (vdir / "c.vcf.tmp").write_bytes(corpus.LATIN1)
    (vdir / ".hidden.vcf").write_bytes(corpus.LATIN1)
    (vdir / "notes.txt").write_bytes(b"hello")
    result = read_vdir(vdir, "book")
    assert sorted(c.display_name for c in result.contacts) == [
        "Dr. Ada Lovelace",
        "Johnny Appleseed",
    ]
    (warning,) = result.warnings
    assert warning.source == str(vdir / "b.vcf")
    assert warning.line == corpus.V4.count(b"\r\n") + 1
    assert {c.origin.book for c in result.contacts} == {"book"}


def test_missing_folder_is_a_clear_error(vdir: Path) -> None:
    with pytest.raises(VdirError, match="missing"):
        read_vdir(vdir / "missing", "book")


def test_atomic_write_replaces_and_leaves_no_temp(vdir: Path) -> None:
    path = vdir / "x.vcf"
    path.write_bytes(b"old")
    inode = path.stat().st_ino
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert path.stat().st_ino != inode  # renamed into place, not rewritten
    assert os.listdir(vdir) == ["x.vcf"]


def test_atomic_write_failure_keeps_old_file(vdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = vdir / "x.vcf"
    path.write_bytes(b"old")

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(VdirError, match="x.vcf: cannot write: No space left"):
        atomic_write(path, b"new")
    assert path.read_bytes() == b"old"
    assert os.listdir(vdir) == ["x.vcf"]


def test_create_uses_uid_file_name_and_never_overwrites(vdir: Path) -> None:
    data = new_card(ContactEdit(fn="A"), uid="uid-1")
    first = create_file(vdir, "uid-1", data)
    second = create_file(vdir, "uid-1", data)
    assert first.name == "uid-1.vcf"
    assert second != first
    assert filename_for("../../etc/passwd") != "../../etc/passwd.vcf"
    assert filename_for("../../etc/passwd").endswith(".vcf")
    assert "/" not in filename_for("a/b")


def test_edit_splices_one_card_of_a_multi_card_file(vdir: Path) -> None:
    path = vdir / "all.vcf"
    path.write_bytes(corpus.APPLE + corpus.V4 + corpus.ANDROID)
    contacts = read_vdir(vdir, "b").contacts
    ada = next(c for c in contacts if c.display_name == "Dr. Ada Lovelace")
    replace_card(ada, apply_edit(ada.card, ContactEdit(fn="Ada King")))
    expected = corpus.APPLE + corpus.V4.replace(b"FN:Dr. Ada Lovelace", b"FN:Ada King")
    assert path.read_bytes() == expected + corpus.ANDROID


def test_edit_after_a_change_on_disk_is_a_conflict(vdir: Path) -> None:
    path = vdir / "a.vcf"
    path.write_bytes(corpus.V4)
    (ada,) = read_vdir(vdir, "b").contacts
    path.write_bytes(corpus.V4.replace(b"Ada", b"Bea"))
    with pytest.raises(ConflictError, match="changed on disk"):
        replace_card(ada, apply_edit(ada.card, ContactEdit(fn="X")))
    assert b"Bea" in path.read_bytes()


def test_remove_deletes_the_file_or_only_the_card(vdir: Path) -> None:
    (vdir / "one.vcf").write_bytes(corpus.V4)
    (vdir / "two.vcf").write_bytes(corpus.APPLE + corpus.ANDROID)
    for contact in read_vdir(vdir, "b").contacts:
        if contact.display_name in ("Dr. Ada Lovelace", "Andy Droid"):
            remove_card(contact)
    assert sorted(os.listdir(vdir)) == ["two.vcf"]
    assert (vdir / "two.vcf").read_bytes() == corpus.APPLE
