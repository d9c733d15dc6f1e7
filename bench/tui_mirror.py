"""A plain-Textual mirror of the TUI's first screen: the cost of its widget tree alone.

    python bench/tui_mirror.py dump SPEC.json   # the real app, headless at 120x40
    python bench/tui_mirror.py run SPEC.json    # the mirror, in the terminal (after
                                                # importing pjsua2, like the baseline)

``dump`` starts the real app headless (no engine), and at its first paint writes the
widget tree: for every node its nearest Textual class, its own class name, id, CSS
classes, border title and text, with the app's stylesheet and each of our classes'
DEFAULT_CSS. ``run`` builds that tree again from Textual's classes (each under our class
name, carrying our DEFAULT_CSS, so every selector matches) and paints it: the same
widgets, layout and styles, with none of tuiphone's code (no engine host, no panes'
logic, no data binding). tui_bench times it like the baseline app; tuiphone's own cost
is tui_first_paint_s minus the mirror's time.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

_SKIP = ("ToastRack", "Tooltip")  # the screen's own layers, made by Textual itself


def _textual_base(node: Any) -> type:
    for cls in type(node).__mro__:
        if cls.__module__.startswith("textual."):
            return cls
    raise TypeError(type(node))


def _describe(node: Any) -> dict[str, Any]:
    from textual.widgets import Button, DataTable, Input, OptionList, Static
    from textual.widgets._footer import FooterKey

    base = _textual_base(node)
    spec: dict[str, Any] = {
        "base": f"{base.__module__}:{base.__qualname__}", "name": type(node).__name__,
        "id": node.id, "classes": sorted(node.classes), "title": str(node.border_title or ""),
        "display": bool(node.display), "children": [],
    }
    if isinstance(node, FooterKey):
        spec["args"] = [node.key, node.key_display, node.description, node.action]
    elif isinstance(node, Button):
        spec["args"] = [getattr(node.label, "plain", str(node.label))]
        spec["compact"] = bool(node.compact)
    elif isinstance(node, Input):
        spec["placeholder"], spec["value"] = node.placeholder, node.value
    elif isinstance(node, OptionList):
        spec["options"] = [str(o.prompt) for o in node.options]
    elif isinstance(node, DataTable):
        spec["columns"] = [str(c.label) for c in node.ordered_columns]
    elif isinstance(node, Static):  # its content, or what its render() gives
        spec["text"] = str(node.visual) if node.visual is not None else str(node.render())
    spec["children"] = [_describe(c) for c in node.children
                        if type(c).__name__ not in _SKIP]
    return spec


def dump(path: Path) -> None:
    from tuiphone.config import load_config
    from tuiphone.host.claim import Role
    from tuiphone.host.session import EngineHost
    from tuiphone.ui.app import TuiphoneApp

    config = load_config(None)
    app = TuiphoneApp(EngineHost(Role.FRONT_END, lambda: config, off_loop=True), config)

    def first_paint() -> None:  # in place of starting the engine
        css: dict[str, str] = {}
        for node in app.screen.walk_children(with_self=False):
            for cls in type(node).__mro__:
                if cls.__module__.startswith("tuiphone.") and "DEFAULT_CSS" in vars(cls):
                    css.setdefault(cls.__name__, cls.DEFAULT_CSS)
        app_css = "\n".join(Path(p).read_text() for p in app.css_path)
        screen = [_describe(c) for c in app.screen.children if type(c).__name__ not in _SKIP]
        path.write_text(json.dumps({"css": app_css, "default_css": css,
                                    "screen": {"name": type(app.screen).__name__,
                                               "classes": sorted(app.screen.classes),
                                               "children": screen}}))
        app.exit()

    app.start_engine = first_paint  # type: ignore[method-assign]
    app.run(headless=True, size=(120, 40))


def _import(ref: str) -> type:
    import importlib

    module, _, name = ref.partition(":")
    obj: Any = importlib.import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj  # type: ignore[no-any-return]


def run(path: Path) -> None:
    import pjsua2  # noqa: F401  as the baseline app does, so that the two compare
    from textual.app import App, ComposeResult
    from textual.screen import Screen
    from textual.widget import Widget
    from textual.widgets import Button, DataTable, Footer, Input, OptionList, Static
    from textual.widgets._footer import FooterKey

    spec = json.loads(path.read_text())
    made: dict[tuple[str, str], type] = {}
    pending: list[tuple[Widget, list[Widget]]] = []

    def cls_for(node: dict[str, Any]) -> type:
        base = _import(node["base"])
        if node["name"] == base.__name__:
            return base
        key = (node["name"], node["base"])
        if key not in made:  # our class name, our DEFAULT_CSS, Textual's behaviour
            made[key] = type(node["name"], (base,),
                             {"DEFAULT_CSS": spec["default_css"].get(node["name"], "")})
        return made[key]

    def build(node: dict[str, Any]) -> Widget:
        cls = cls_for(node)
        kw: dict[str, Any] = {"id": node["id"], "classes": " ".join(node["classes"])}
        kids = [build(c) for c in node["children"]]
        widget: Widget
        if issubclass(cls, Footer):  # its keys as they were, not the mirror's bindings
            keys = kids
            widget = type(cls.__name__, (cls,), {"compose": lambda self: iter(keys)})(**kw)
            kids = []
        elif issubclass(cls, FooterKey):
            widget = cls(*node["args"], classes=kw["classes"])
        elif issubclass(cls, Button):
            widget = cls(*node["args"], compact=node["compact"], **kw)
        elif issubclass(cls, Input):
            widget = cls(value=node["value"], placeholder=node["placeholder"], **kw)
        elif issubclass(cls, OptionList):
            widget = cls(*node["options"], **kw)
        elif issubclass(cls, DataTable):
            widget = cls(**kw)
            widget.add_columns(*node["columns"])
        elif issubclass(cls, Static):
            widget = cls(node["text"], markup=False, **kw)
        else:
            widget = cls(*kids, **kw)
            kids = []
        if kids:  # a Static or a list with children of its own: mounted after
            pending.append((widget, kids))
        widget.display = node["display"]
        if node["title"]:
            widget.border_title = node["title"]
        return widget

    def compose(self: Screen[None]) -> ComposeResult:
        yield from (build(c) for c in spec["screen"]["children"])

    def on_mount(self: Screen[None]) -> None:
        for widget, kids in pending:
            widget.mount_all(kids)

    name = spec["screen"]["name"]  # a type selector (MainScreen ...) matches by name
    mirror_screen = type(name, (Screen,), {"compose": compose, "on_mount": on_mount,
                                           "DEFAULT_CSS": spec["default_css"].get(name, "")})

    class Mirror(App[None]):
        CSS = spec["css"]

        def on_mount(self) -> None:
            screen = mirror_screen(classes=" ".join(spec["screen"]["classes"]))
            self.push_screen(screen)

    Mirror().run()


if __name__ == "__main__":
    verb, where = sys.argv[1], Path(sys.argv[2])
    dump(where) if verb == "dump" else run(where)
