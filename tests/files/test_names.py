"""Saving received files: safe names, no overwriting, mode 0600, nothing left on error."""

from __future__ import annotations

import stat

import pytest

from tuiphone.files.errors import BadFile
from tuiphone.files.names import safe_name, save_new


@pytest.mark.parametrize(("given", "safe"), [
    ("../../x", "x"), ("/etc/passwd", "passwd"), ("a\x00b.txt", "a_b.txt"),
    ("..\\..\\win.ini", "win.ini"), (".bashrc", "bashrc"), ("..", "file"), ("", "file"),
    ("/", "file"), ("line\nbreak", "line_break"), ("photo.jpg", "photo.jpg"),
])
def test_safe_name(given, safe):
    assert safe_name(given) == safe


def test_long_names_keep_their_extension():
    name = safe_name("a" * 500 + ".jpeg")
    assert len(name) <= 120
    assert name.endswith(".jpeg")


def test_save_new_never_overwrites_and_is_private(tmp_path):
    tmp_path = tmp_path / "files"
    first = save_new(tmp_path, "../../x.txt", lambda f: f.write(b"one"))
    second = save_new(tmp_path, "x.txt", lambda f: f.write(b"two"))
    third = save_new(tmp_path, "/abs/x.txt", lambda f: f.write(b"three"))
    assert [p.name for p in (first, second, third)] == ["x.txt", "x-1.txt", "x-2.txt"]
    assert first.read_bytes() == b"one"
    assert second.read_bytes() == b"two"
    assert all(p.parent == tmp_path for p in (first, second, third))
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x-1.txt", "x-2.txt", "x.txt"]


def test_a_failed_write_leaves_nothing(tmp_path):
    tmp_path = tmp_path / "files"
    def broken(f):
        f.write(b"half")
        raise BadFile("tag")

    with pytest.raises(BadFile):
        save_new(tmp_path, "y.bin", broken)
    assert list(tmp_path.iterdir()) == []
