"""The event stream and the SIP trace (text, JSON lines, pcap)."""
