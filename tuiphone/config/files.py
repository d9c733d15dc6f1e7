"""An account's ``[accounts.files]`` table: where files go and what is accepted."""

from __future__ import annotations

from tuiphone.config.reader import Reader
from tuiphone.model.files import MAX_SIZE_DEFAULT, Cipher, FileConfig, UploadKind

_MB = 1024 * 1024


def parse_files(reader: Reader, enabled: bool) -> FileConfig:
    """The table; warns when file sharing is on without a server to send to."""
    table = reader.table("files")
    server = table.opt_text("server") or ""
    if server and not server.startswith(("http://", "https://")):
        table.error("server", f"{server!r} is not an http:// or https:// URL")
        server = ""
    types = tuple(t.strip().lower() for t in table.strings("allowed_types"))
    for kind in types:
        if kind.count("/") != 1 or kind.startswith("/") or kind.endswith("/"):
            table.error("allowed_types", f"{kind!r} is not type/subtype or type/*")
    config = FileConfig(
        server=server,
        kind=table.choice("kind", UploadKind, UploadKind.PUT),
        max_size=table.integer("max_size_mb", MAX_SIZE_DEFAULT // _MB, 1, 4096) * _MB,
        allowed_types=types or ("*/*",),
        auto_download=table.flag("auto_download", True),
        cipher=table.choice("cipher", Cipher, Cipher.AES256GCM),
        linphone_peers=table.strings("linphone_peers"),
    )
    table.finish()
    if enabled and not server:
        reader.problems.warn(reader.at("files"), "features.file_sharing is on but no "
                             "[accounts.files] server is set: files can be received, not sent")
    return config
