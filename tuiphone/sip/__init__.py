"""The pjsua2 backend: the only package that imports pjsua2 (lazily, on start).

``PjBackend`` (backend.py) implements ``tuiphone.model.backend.SipBackend``. Inside:
loop.py runs the "pjsip" thread; core.py holds everything living on it; endpoint.py
creates the Endpoint (tuned idle recipe); account.py, call.py, calls.py, media.py,
pager.py, pinger.py, stats.py wrap the pjsua2 objects; errors.py converts pj.Error.
Wheel limits enforced here: 8 accounts, 4 calls, MESSAGE bodies of 3000 bytes.
"""

from tuiphone.sip.backend import PjBackend

__all__ = ["PjBackend"]
