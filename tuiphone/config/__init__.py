"""tuiphone.config"""
