"""File attachment benchmark: prints one JSON line.

``attachment_10mb_roundtrip_s``: encrypt 10 MB (AES-256-GCM, streamed), PUT it to nginx
(dav module, on 127.0.0.1), GET it back, decrypt and verify the tag, save it (what a
receiver does). ``baseline``: ``curl -T`` plus ``curl -o`` of the same plaintext file, in
the same run against the same server. Median of 7 rounds each. Target: at most 1.5x.
Run: ``python bench/files_bench.py`` (needs nginx: ``make lab``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from tests.lab.nginx import Nginx
from tuiphone.files import http
from tuiphone.files.crypto import FileKey, decrypt_stream, encrypt_file, new_material
from tuiphone.files.names import save_new
from tuiphone.model.files import Cipher

SIZE = 10 * 1024 * 1024
ROUNDS = 7


def ours(src: Path, work: Path, server: Nginx) -> float:
    started = time.perf_counter()
    material = new_material(Cipher.AES256GCM)
    staged = work / "staged"
    with src.open("rb") as plain, staged.open("wb") as out:
        tag = encrypt_file(plain, out, material)
    url = http.put_upload(server.upload_url, staged)
    key = FileKey("gcm", material, tag)
    saved = save_new(work / "files", src.name, lambda out: http.download(
        url, SIZE * 2, "application/octet-stream", None,
        lambda chunks: decrypt_stream(chunks, out, key)))
    elapsed = time.perf_counter() - started
    assert _digest(saved) == _digest(src)
    saved.unlink()
    return elapsed


def curl(src: Path, work: Path, server: Nginx, curl_bin: str) -> float:
    url = server.upload_url + os.urandom(8).hex()
    out = work / "curl.out"
    started = time.perf_counter()
    subprocess.run([curl_bin, "-sf", "-T", str(src), url], check=True)
    subprocess.run([curl_bin, "-sf", "-o", str(out), url], check=True)
    elapsed = time.perf_counter() - started
    assert _digest(out) == _digest(src)
    return elapsed


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    curl_bin = shutil.which("curl") or "/usr/bin/curl"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        server = Nginx.launch(nginx_bin, work / "nginx", max_body="64m")
        try:
            src = work / "payload.bin"
            src.write_bytes(os.urandom(SIZE))
            mine, base = [], []
            for _ in range(ROUNDS):  # interleaved, so both see the same machine load
                mine.append(ours(src, work, server))
                base.append(curl(src, work, server, curl_bin))
        finally:
            server.stop()
    value, baseline = statistics.median(mine), statistics.median(base)
    print(json.dumps({"name": "attachment_10mb_roundtrip_s", "value": round(value, 4),
                      "unit": "s", "baseline": round(baseline, 4),
                      "ratio": round(value / baseline, 2), "target_ratio": 1.5}))


if __name__ == "__main__":
    main()
