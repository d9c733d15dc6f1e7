"""BLF: dialog-event (RFC 4235) subscriptions through the C API the pjsua2 wheel bundles.

``native`` is the ctypes view of pjsua-lib, ``hook`` checks and installs the callback slot,
``router`` hands NOTIFYs to ``watcher``, ``body``/``rdata`` read dialog-info, and
``lamp_map`` turns it into lamp states.
"""
