"""``tuiphone doctor``: check a setup before a call fails, one line per check with its fix.

``report`` holds the result type and the exit-status mapping; each other module checks
one part (the local machine, the registrar's network path, TLS, STUN, the engine).
"""
