"""tuiphone.sip"""
