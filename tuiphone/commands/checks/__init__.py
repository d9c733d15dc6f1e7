"""Checks a script makes: register, ping, and waiting for a condition."""
