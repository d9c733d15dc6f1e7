"""The panes of the main screen. Each posts intents; the main screen does the work."""
