"""Global provisioning: Quick Dial items become [[quickdial]] entries, with BLF where the
account's <blf> list names the same URI."""

from __future__ import annotations

import tomli_w

from tuiphone.config.layers import GLOBAL, layer_dir
from tuiphone.config.loader import load_config
from tuiphone.provision import acrobits

GLOBAL_XML = b"""<root>
  <quickDial maxQuickDialReplacePriority="21">
    <item id="qd1" priority="50"><displayName>Reception</displayName><uri>201</uri>
      <portraitUrl>https://p.test/r.png</portraitUrl></item>
    <item id="qd2"><displayname>Support</displayname><uri>sip:300@pbx.test</uri></item>
    <item id="qd3" action="remove"/>
  </quickDial>
  <dialActions/>
</root>"""


def test_quick_dial_items_in_either_case():
    (t,) = acrobits.translate(GLOBAL_XML, "u", None)
    assert t.account == {}
    assert t.quickdial == [{"label": "Reception", "uri": "201"},
                           {"label": "Support", "uri": "sip:300@pbx.test"}]
    assert t.ignored == ["dialActions"]
    assert any("portraitUrl" in n for n in t.notes)


def test_global_names_meet_the_accounts_blf_list(tmp_path, monkeypatch):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[[quickdial]]\nlabel = "Mine"\nuri = "sip:300@pbx.test"\n')
    monkeypatch.setenv("TUIPHONE_CONFIG", str(cfg))
    folder = layer_dir(cfg)
    folder.mkdir()
    meta = {"source": "s", "fetched": "t", "locked": []}
    (folder / "work.toml").write_text(tomli_w.dumps({
        "provisioning": meta, "account": {"id": "work", "uri": "sip:a@pbx.test"},
        "quickdial": [{"label": "201", "uri": "201", "blf": True}]}))
    (t,) = acrobits.translate(GLOBAL_XML, "u", None)
    (folder / f"{GLOBAL}.toml").write_text(tomli_w.dumps({"provisioning": meta,
                                                           "quickdial": t.quickdial}))
    entries = {(e.label, e.uri, e.blf) for e in load_config().quickdial}
    assert entries == {("Mine", "sip:300@pbx.test", False),  # the user's own wins
                       ("Reception", "201", True)}  # global name, the account's BLF
