"""contacts: the address books, read and changed in the command's own process."""
