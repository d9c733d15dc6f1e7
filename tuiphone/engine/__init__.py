"""tuiphone.engine"""
