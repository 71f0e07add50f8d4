"""The store: every SQL statement of the package, and nothing else.

One module per kind of stored thing: `db` opens a database (WAL, busy retry, read-only
files), `migrations` the append-only schema, `documents` documents and their
extraction, `matchstore` the cross-document index, `entitystore` entity nodes and
their components, `grades` the user's grades log, `decisions` the user's entity merges and
splits, `readback` rows back into records, `inlist` chunked IN-lists.
Nothing here imports from above the store (models, errors, text helpers only).
"""
