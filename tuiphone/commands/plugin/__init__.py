"""``--nagios``: register, ping, call and doctor as monitoring plugins (Nagios, Icinga,
Checkmk): one status line with perfdata, exit 0/1/2/3 for OK/WARNING/CRITICAL/UNKNOWN."""
