"""tuiphone.commands"""
