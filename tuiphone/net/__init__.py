"""Network facts the engine decides with, independent of any SIP stack.

Which local address routes to a server (``routes``), RFC 3263 resolution of SIP URIs
(``resolve``), the system's name servers (``resolvconf``) and a watch on address and
route changes (``watch``). Standard library and dnspython only; never pjsua2.
"""
