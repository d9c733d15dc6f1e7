"""File sharing below the engine: encryption, the RCS FT-HTTP and Acrobits formats, the
upload servers (FT-HTTP POST, HTTP PUT) and safe saving. Synchronous and blocking:
the engine runs these in worker threads. Errors are ``tuiphone.files.errors`` types."""
