"""Screens: the main screen owns the phone work; modals ask one question."""
