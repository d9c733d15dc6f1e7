"""tuiphone.ui"""
