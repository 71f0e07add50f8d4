"""Outlet names and keys (the alias table, data/outlets.json); the outlet copy comes from.

`outlet_key("AP") == outlet_key("The Associated Press")`: one key for every way
an outlet or wire agency is written, its domain and publisher slug included.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

from pydantic import BaseModel

from claimtrack.models import Zones


class _Outlet(BaseModel):
    name: str
    wire: bool
    aliases: list[str] = []


class OutletTable(BaseModel):
    """claimtrack/data/outlets.json, loaded once: folded alias -> canonical key."""

    version: str
    outlets: dict[str, _Outlet]
    alias: dict[str, str]


_DROP = re.compile(r"[.'’]")
_NON_WORD = re.compile(r"[^\w&]+")
_DOMAIN = re.compile(r"^(?:www\d?\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*)\.([a-z]{2,6})$")
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac"}  # bbc.co.uk -> bbc


def _fold(name: str) -> str:
    """Case, dots, apostrophes, dashes and a leading "the" out: the comparable form."""
    s = " ".join(name.split()).casefold().strip()
    if "://" in s:
        s = publisher_from_origin(s) or s
    m = _DOMAIN.match(s)
    if m:  # washingtonpost.com, www.bbc.co.uk: the registrable name
        parts = m.group(1).split(".")
        if len(parts) > 1 and parts[-1] in _SECOND_LEVEL:
            parts = parts[:-1]
        s = parts[-1]
    s = _NON_WORD.sub(" ", _DROP.sub("", s)).strip()
    return s[4:] if s.startswith("the ") else s


@lru_cache(maxsize=1)
def outlet_table() -> OutletTable:
    raw = json.loads(
        resources.files("claimtrack").joinpath("data/outlets.json").read_text(encoding="utf-8")
    )
    outlets = {_fold(k): _Outlet(**v) for k, v in raw["outlets"].items()}
    alias: dict[str, str] = {}
    for key, o in outlets.items():
        for a in (key, o.name, *o.aliases):
            alias.setdefault(_fold(a), key)
    return OutletTable(version=raw["version"], outlets=outlets, alias=alias)


def outlet_key(name: str) -> str:
    """The comparable key of an outlet or agency name, domain or publisher slug.

    `outlet_key("The Associated Press") == outlet_key("AP") == "associated press"`;
    names missing from the alias table still fold to a stable key."""
    folded = _fold(name)
    return outlet_table().alias.get(folded, folded)


def known_outlet(name: str) -> str | None:
    """The canonical key when the alias table knows `name`, else None."""
    return outlet_table().alias.get(_fold(name))


def outlet_name(name: str) -> str:
    """How an outlet is shown ("AP" -> "Associated Press"); unknown names as given."""
    key = known_outlet(name)
    return outlet_table().outlets[key].name if key else " ".join(name.split())


def is_wire_service(name: str) -> bool:
    """Whether the alias table knows `name` as a wire agency (AP, Reuters, AFP ...)."""
    key = known_outlet(name)
    return bool(key and outlet_table().outlets[key].wire)


def publisher_from_origin(origin: str | None) -> str | None:
    """A URL's domain without "www." ("https://www.reuters.com/x" -> "reuters.com");
    None for file paths, "<stdin>" and anything else that is not a web address."""
    if not origin or "://" not in origin:
        return None
    try:
        host = urlsplit(origin.strip()).hostname or ""
    except ValueError:
        return None
    host = re.sub(r"^www\d?\.", "", host.lower().rstrip("."))
    return host if "." in host else None


def is_wire_copy(zones: Zones) -> bool:
    """True when the text credits a wire agency other than its own publisher:
    such copy, run by several outlets, is one origin."""
    if not zones.wire:
        return False
    if zones.publisher is None:
        return True
    own = outlet_key(zones.publisher)
    return any(outlet_key(m.agency) != own for m in zones.wire)


def origin_key(zones: Zones) -> str | None:
    """The outlet key of where the copy comes from: its wire agency, else its publisher."""
    if zones.wire:
        return outlet_key(zones.wire[0].agency)
    return outlet_key(zones.publisher) if zones.publisher else None
