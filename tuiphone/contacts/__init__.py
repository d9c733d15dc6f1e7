"""tuiphone.contacts"""
