"""Document zones: headline, dateline, byline, lede, body and wire credits of a stored text.

Independence across documents (issue 10, item 2) needs to know who put a text
out and where its copy came from: "WASHINGTON (AP) —" names a wire agency (and
is never a source or an entity), "By JANE DOE, Associated Press" a writer and
an agency, "(Reporting by X; Editing by Y)" marks Reuters copy. This module reads
those from the *stored* text (what every offset indexes, end exclusive) with
regexes and light heuristics only: it sits in the ingest layer, below the
parse, so it never loads spaCy. Everything is optional: a plain text file with
no metadata still gets a headline and a lede when it has them.

Wire copy is read only from credit forms (a dateline's agency, a byline, a
contributor line, a Reuters reporting line, a copyright line, a sign-off such
as "— AFP"): an article that cites "Reuters reported" or "according to the
AP" is using a source, not running wire copy. Photo credits ("Gary
Cameron/Reuters", "ASSOCIATED PRESS" under a picture) are not origin marks.
"""

from claimtrack.zones.find import find_zones
from claimtrack.zones.outlets import (
    OutletTable,
    is_wire_copy,
    is_wire_service,
    known_outlet,
    origin_key,
    outlet_key,
    outlet_name,
    outlet_table,
    publisher_from_origin,
)

__all__ = [
    "OutletTable",
    "find_zones",
    "is_wire_copy",
    "is_wire_service",
    "known_outlet",
    "origin_key",
    "outlet_key",
    "outlet_name",
    "outlet_table",
    "publisher_from_origin",
]
