"""Provisioning: a provider configures tuiphone from a URL.

Fetches (``fetch``), translates one format per module (``acrobits`` for Account XML,
``tomlfrag`` for tuiphone's own TOML fragment), and writes a config layer per account
beside config.toml (``apply``; read back by ``tuiphone.config.layers``). Data features
the provider turns on wait for the user's consent (``privacy``). Nothing above this
package knows what an Account XML node is.
"""
