"""Pure text helpers shared by every layer (no spaCy, no SQL)."""
