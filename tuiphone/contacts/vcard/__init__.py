"""A small tolerant vCard 2.1/3.0/4.0 reader and a line-patching writer.

The reader keeps each card's original bytes and every property's byte span, so
an unedited card is written back byte for byte and an edit replaces only the
lines it touches.
"""
