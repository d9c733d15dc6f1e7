"""A small async CardDAV client (httpx + defusedxml) and a local vdir cache."""
