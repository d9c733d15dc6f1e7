"""``provision forget --account ID``: stop using a provider's values for an account.

Removes the layer beside config.toml (your config.toml is untouched, and an account
defined there stays, with your values), the provisioning state, and the secrets that
provisioning stored: the provisioning password, password-like nodes, URLs carrying a
password, and the SIP password when the provider's layer supplied it. Re-provisioning
of the account stops with it.
"""

from __future__ import annotations

from typing import Any

from tuiphone.config.layers import layer_dir, read_layer
from tuiphone.config.paths import config_file
from tuiphone.model.errors import UsageError
from tuiphone.provision import state


def forget(config: str | None, account_id: str | None) -> dict[str, Any]:
    if not account_id:
        raise UsageError("provision forget: which account? add --account ID "
                         "(see provision status)")
    layer_path = layer_dir(config_file(config)[0]) / f"{account_id}.toml"
    state_path = state.path_for(account_id)
    if not layer_path.exists() and not state_path.exists():
        raise UsageError(f"{account_id}: no provisioned account of that id")
    names = _secret_names(account_id, layer_path)
    removed_secrets = _drop_secrets(names) if names else []
    removed = []
    for path in (layer_path, state_path):
        if path.exists():
            path.unlink()
            removed.append(str(path))
    return {"account": account_id, "files_removed": removed, "secrets_removed": removed_secrets}


def _secret_names(account_id: str, layer_path: Any) -> list[str]:
    from tuiphone.config.secret_store import SecretStore

    mine = (f"provision:{account_id}", f"provision-node:{account_id}:",
            f"provision-url:{account_id}:")
    names = [n for n in SecretStore().names() if n == mine[0] or n.startswith(mine[1:])]
    try:
        supplied = layer_path.exists() and read_layer(layer_path).account.get("password_store")
    except ValueError:
        supplied = False
    if supplied and account_id in SecretStore().names():
        names.append(account_id)  # the SIP password came from the provider
    return names


def _drop_secrets(names: list[str]) -> list[str]:
    from tuiphone.config.secret_store import SecretStore, store_passphrase

    store = SecretStore()
    passphrase = store_passphrase()
    return [name for name in names if store.delete(name, passphrase)]
