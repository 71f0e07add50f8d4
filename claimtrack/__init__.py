"""claimtrack: who says so, and on whose word?"""

__version__ = "0.1.0"
