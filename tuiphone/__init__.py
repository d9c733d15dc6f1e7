"""tuiphone: a terminal SIP softphone."""

__version__ = "0.1.0"
