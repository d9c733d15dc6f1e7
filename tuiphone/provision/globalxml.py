"""Acrobits global provisioning: Quick Dial items -> ``[[quickdial]]`` entries.

``<root><quickDial><item id=".."><displayName>..</displayName><uri>..</uri></item>
</quickDial></root>``; the root's name does not matter and element names match in any
case. BLF comes from the account's ``<blf>`` list (see ``tuiphone.config.layers``).
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from tuiphone.provision.translation import Translation, Unusable


def is_global(root: Element) -> bool:
    """Global provisioning: any root with a ``quickDial`` child (names match in any case)."""
    return root.tag not in ("account", "accounts") and any(
        isinstance(c.tag, str) and c.tag.lower() == "quickdial" for c in root)


def global_quickdial(root: Element, where: str) -> Translation:
    """The Quick Dial items of a global provisioning document, as ``[[quickdial]]``
    entries (``displayName`` -> label, ``uri``); ``action="remove"`` items are left out
    (each response replaces the provisioned list as a whole; your own entries stay)."""
    result = Translation(account={})
    for section in root:
        name = section.tag.lower() if isinstance(section.tag, str) else ""
        if name != "quickdial":
            if name:
                result.ignored.append(section.tag)
            continue
        for item in section:
            if not isinstance(item.tag, str) or item.tag.lower() != "item":
                continue
            if item.get("action", "").lower() == "remove":
                continue
            fields = {c.tag.lower(): (c.text or "").strip() for c in item
                      if isinstance(c.tag, str)}
            uri = fields.get("uri", "")
            if not uri:
                result.notes.append(f"Quick Dial item {item.get('id', '?')!r} has no uri; "
                                    "skipped")
                continue
            label = fields.get("displayname") or uri
            result.quickdial.append({"label": label, "uri": uri})
            if fields.get("portraiturl"):
                result.notes.append(f"Quick Dial {label!r}: portraitUrl is not fetched")
    if not result.quickdial and not result.notes:
        raise Unusable(f"{where}: the global provisioning has no Quick Dial item")
    return result
