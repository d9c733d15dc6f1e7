"""tuiphone.store"""
