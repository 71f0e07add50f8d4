"""Cross-document judgement: which claims of different documents tell the same thing."""
