"""Value types shared by every layer. Standard library only."""
