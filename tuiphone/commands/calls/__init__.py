"""Test calls and the calls of a running engine: dial, control, report."""
