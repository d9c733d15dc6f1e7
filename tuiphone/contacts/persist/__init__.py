"""The warm-start cache: parse results and E.164 numbers kept on disk between runs.

Everything here is a cache: a missing, truncated, corrupt or outdated file is
ignored and rebuilt from the cards, never an error.
"""
