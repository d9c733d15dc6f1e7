"""Field options of value types that the control codec honours.

``field(default=None, metadata=SPARSE)`` leaves a field out of its JSON while it holds
its default, so a value type can keep a JSON shape in which a key is present only
when it means something (``"writable"`` only when someone asked, ``"error"`` only
for a failure).
"""

from __future__ import annotations

from types import MappingProxyType

SPARSE_KEY = "sparse"
SPARSE = MappingProxyType({SPARSE_KEY: True})
