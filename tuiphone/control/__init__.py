"""tuiphone.control"""
