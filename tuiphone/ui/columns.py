"""Table columns that fit the pane: natural widths when there is room, else the flexible
columns give way (in the order given, down to a floor) and their cells end in an
ellipsis. A cell is never wrapped."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

CELL_PADDING = 2  # DataTable's default: one column of space each side


def fit(natural: Sequence[int], available: int, flexible: Sequence[int],
        floor: int = 6) -> list[int]:
    """Widths for columns of ``natural`` widths within ``available`` cells of content."""
    widths = list(natural)
    excess = sum(widths) - available
    for index in flexible:
        if excess <= 0:
            break
        cut = min(excess, max(widths[index] - floor, 0))
        widths[index] -= cut
        excess -= cut
    return widths


def cell(text: str) -> Text:
    """A cell that ends in '…' when its column is narrower, never wrapping."""
    return Text(text, no_wrap=True, overflow="ellipsis", end="")
