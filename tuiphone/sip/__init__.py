"""The pjsua2 backend: the only package that imports pjsua2 (lazily, on start)."""

from tuiphone.sip.backend import PjBackend

__all__ = ["PjBackend"]
