"""liblinphone (Debian liblinphone10 5.1, through ctypes: there are no Python bindings and
no headers are needed) as a file-transfer peer, in its own process:

    python -m tests.lab.linphone_files WORKDIR RC [--send URI PATH] [--text URI TEXT [--cpim]]

It starts a core from the linphonerc RC (registering at the lab's Kamailio), turns on
auto-download of incoming files, and prints one JSON line per event, flushed:
``{"registered": true}``; for ``--send``: ``{"sent_state": N}`` as the message moves
(5 = FileTransferDone, 2 = Delivered, 3/4 = failures); for a received file message
``{"received": content_type}`` then ``{"saved": path}`` once it is downloaded, or
``{"received_state": N}``. ``--text`` sends a text message instead (``{"sent_state": N}``:
2 = Delivered, 6 = DeliveredToUser and 7 = Displayed from the peer's IMDN); ``--cpim``
first turns on CPIM in basic chat rooms for its account (off by default), so that its
message goes in CPIM asking for IMDN receipts. It runs until killed. The core is iterated
every 20 ms: that is how liblinphone is driven, not a synchronisation."""

from __future__ import annotations

import argparse
import ctypes
import json
import sys
import time
from ctypes import CFUNCTYPE, c_char_p, c_int, c_size_t, c_void_p
from pathlib import Path

LIB = "liblinphone.so.10"
REG_OK = 2  # LinphoneRegistrationOk
FILE_DONE = 5  # LinphoneChatMessageStateFileTransferDone
FAILED = (3, 4)  # NotDelivered, FileTransferError
MessageReceived = CFUNCTYPE(None, c_void_p, c_void_p, c_void_p)


def say(**item: object) -> None:
    sys.stdout.write(json.dumps(item) + "\n")
    sys.stdout.flush()


def load() -> ctypes.CDLL:
    lib = ctypes.CDLL(LIB)
    pointers = ["linphone_factory_get", "linphone_factory_create_core_3",
                "linphone_factory_create_core_cbs", "linphone_core_get_default_proxy_config",
                "linphone_core_get_chat_room_from_uri", "linphone_core_create_content",
                "linphone_chat_room_create_file_transfer_message", "linphone_chat_message_ref",
                "linphone_chat_message_get_file_transfer_information"]
    for name in pointers:
        getattr(lib, name).restype = c_void_p
    for name in ("linphone_chat_message_get_file_transfer_filepath",
                 "linphone_content_get_file_path", "linphone_content_get_type",
                 "linphone_content_get_subtype", "linphone_content_get_name"):
        getattr(lib, name).restype = c_char_p
        getattr(lib, name).argtypes = [c_void_p]
    lib.linphone_factory_create_core_3.argtypes = [c_void_p, c_char_p, c_char_p, c_void_p]
    for name in ("linphone_factory_set_data_dir", "linphone_factory_set_config_dir",
                 "linphone_factory_set_download_dir"):
        getattr(lib, name).argtypes = [c_void_p, c_char_p]
    lib.linphone_core_get_chat_room_from_uri.argtypes = [c_void_p, c_char_p]
    for name in ("linphone_content_set_type", "linphone_content_set_subtype",
                 "linphone_content_set_name", "linphone_content_set_file_path"):
        getattr(lib, name).argtypes = [c_void_p, c_char_p]
    lib.linphone_core_set_max_size_for_auto_download_incoming_files.argtypes = [c_void_p, c_int]
    lib.linphone_content_set_size.argtypes = [c_void_p, c_size_t]
    for name in ("linphone_chat_room_create_file_transfer_message",):
        getattr(lib, name).argtypes = [c_void_p, c_void_p]
    for name in ("linphone_core_get_default_proxy_config", "linphone_core_create_content",
                 "linphone_chat_message_ref", "linphone_chat_message_get_file_transfer_information",
                 "linphone_proxy_config_get_state", "linphone_chat_message_get_state",
                 "linphone_chat_message_send", "linphone_core_start", "linphone_core_iterate",
                 "linphone_factory_create_core_cbs"):
        getattr(lib, name).argtypes = [c_void_p]
    for name in ("linphone_core_get_default_account", "linphone_account_get_params",
                 "linphone_account_params_clone", "linphone_chat_room_create_message_from_utf8",
                 "linphone_core_get_im_notif_policy"):
        getattr(lib, name).restype = c_void_p
    for name in ("linphone_core_get_default_account", "linphone_account_get_params",
                 "linphone_account_params_clone", "linphone_core_get_im_notif_policy",
                 "linphone_im_notif_policy_enable_all", "linphone_chat_room_allow_cpim"):
        getattr(lib, name).argtypes = [c_void_p]
    lib.linphone_account_params_enable_cpim_in_basic_chat_room.argtypes = [c_void_p, c_int]
    lib.linphone_account_params_cpim_in_basic_chat_room_enabled.argtypes = [c_void_p]
    lib.linphone_account_set_params.argtypes = [c_void_p, c_void_p]
    lib.linphone_chat_room_create_message_from_utf8.argtypes = [c_void_p, c_char_p]
    lib.linphone_core_cbs_set_message_received.argtypes = [c_void_p, MessageReceived]
    lib.linphone_core_add_callbacks.argtypes = [c_void_p, c_void_p]
    return lib


def main(args: argparse.Namespace) -> None:
    lib = load()
    work = Path(args.workdir)
    downloads = work / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    factory = lib.linphone_factory_get()
    for setter, sub in (("linphone_factory_set_data_dir", "data"),
                        ("linphone_factory_set_config_dir", "config")):
        (work / sub).mkdir(parents=True, exist_ok=True)
        getattr(lib, setter)(factory, f"{work / sub}/".encode())
    lib.linphone_factory_set_download_dir(factory, f"{downloads}/".encode())
    core = lib.linphone_factory_create_core_3(factory, args.rc.encode(), None, None)
    received: list[int] = []

    def on_message(_core: int, _room: int, msg: int) -> None:
        lib.linphone_chat_message_ref(msg)
        received.append(msg)
        info = lib.linphone_chat_message_get_file_transfer_information(msg)
        kind = (lib.linphone_content_get_type(info) or b"").decode() if info else ""
        say(received=kind, file=bool(info))
        if info:  # auto-download: the callback comes once the file is already saved
            path = lib.linphone_content_get_file_path(info)
            if path:
                say(saved=path.decode())

    callback = MessageReceived(on_message)
    cbs = lib.linphone_factory_create_core_cbs(factory)
    lib.linphone_core_cbs_set_message_received(cbs, callback)
    lib.linphone_core_add_callbacks(core, cbs)
    lib.linphone_core_set_max_size_for_auto_download_incoming_files(core, 0)  # all of them
    lib.linphone_core_start(core)
    registered = False
    sent: int | None = None
    last_sent = seen_saved = -1
    reported: dict[int, int] = {}
    while True:
        lib.linphone_core_iterate(core)
        proxy = lib.linphone_core_get_default_proxy_config(core)
        if not registered and proxy and lib.linphone_proxy_config_get_state(proxy) == REG_OK:
            registered = True
            say(registered=True)
            if args.send:
                sent = send(lib, core, args.send[0], Path(args.send[1]))
            if args.text:
                sent = send_text(lib, core, args.text[0], args.text[1], args.cpim)
        if sent is not None:
            state = lib.linphone_chat_message_get_state(sent)
            if state != last_sent:
                last_sent = state
                say(sent_state=state)
        for msg in received:
            state = lib.linphone_chat_message_get_state(msg)
            if reported.get(msg) != state:
                reported[msg] = state
                say(received_state=state)
            if state == FILE_DONE and seen_saved != msg:
                seen_saved = msg
                info = lib.linphone_chat_message_get_file_transfer_information(msg)
                path = lib.linphone_content_get_file_path(info) if info else None
                say(saved=(path or b"").decode())
        time.sleep(0.02)


def send(lib: ctypes.CDLL, core: int, uri: str, path: Path) -> int:
    room = lib.linphone_core_get_chat_room_from_uri(core, uri.encode())
    content = lib.linphone_core_create_content(core)
    lib.linphone_content_set_type(content, b"application")
    lib.linphone_content_set_subtype(content, b"octet-stream")
    lib.linphone_content_set_name(content, path.name.encode())
    lib.linphone_content_set_file_path(content, str(path).encode())
    lib.linphone_content_set_size(content, path.stat().st_size)
    msg = lib.linphone_chat_room_create_file_transfer_message(room, content)
    lib.linphone_chat_message_ref(msg)  # kept until the transfer ends, or it is freed
    lib.linphone_chat_message_send(msg)
    return int(msg)


def send_text(lib: ctypes.CDLL, core: int, uri: str, text: str, cpim: bool) -> int:
    lib.linphone_im_notif_policy_enable_all(lib.linphone_core_get_im_notif_policy(core))
    if cpim:
        account = lib.linphone_core_get_default_account(core)
        params = lib.linphone_account_params_clone(lib.linphone_account_get_params(account))
        lib.linphone_account_params_enable_cpim_in_basic_chat_room(params, 1)
        lib.linphone_account_set_params(account, params)
        say(cpim=bool(lib.linphone_account_params_cpim_in_basic_chat_room_enabled(
            lib.linphone_account_get_params(account))))
    room = lib.linphone_core_get_chat_room_from_uri(core, uri.encode())
    msg = lib.linphone_chat_room_create_message_from_utf8(room, text.encode())
    lib.linphone_chat_message_ref(msg)
    lib.linphone_chat_message_send(msg)
    return int(msg)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("workdir")
    parser.add_argument("rc")
    parser.add_argument("--send", nargs=2, metavar=("URI", "PATH"))
    parser.add_argument("--text", nargs=2, metavar=("URI", "TEXT"))
    parser.add_argument("--cpim", action="store_true")
    main(parser.parse_args())
