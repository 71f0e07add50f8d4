"""zones.outlets: the publisher, outlet keys and names, the alias table, wire copy."""

from __future__ import annotations

import json

import pytest
from test_zones_find import zones

from claimtrack.zones import (
    outlet_key,
    outlet_name,
    outlet_table,
    publisher_from_origin,
)

pytestmark = pytest.mark.model_free

# --- publisher and outlets -------------------------------------------------------


def test_publisher_from_meta_and_origin():
    assert zones("Hi\n\nThere.", meta={"sitename": "The Washington Post"}).publisher == (
        "The Washington Post"
    )
    assert zones("Hi\n\nThere.", meta={"publisher": "Springfield Gazette"}).publisher == (
        "Springfield Gazette"
    )
    assert zones("Hi\n\nThere.", meta={"url": "https://www.example.com/a"}).publisher == (
        "example.com"
    )
    assert zones("Hi\n\nThere.", meta={"origin": "notes/a.txt", "publisher": 3}).publisher is None
    assert publisher_from_origin("https://www.reuters.com/world/x?y=1") == "reuters.com"
    assert publisher_from_origin("http://WWW.NYTimes.com") == "nytimes.com"
    assert publisher_from_origin("articles/story.txt") is None
    assert publisher_from_origin("<stdin>") is None
    assert publisher_from_origin("") is None
    assert publisher_from_origin(None) is None


@pytest.mark.parametrize(
    "a, b",
    [
        ("The Associated Press", "AP"),
        ("Associated Press", "apnews.com"),
        ("The New York Times", "NYT"),
        ("nytimes.com", "https://www.nytimes.com/2016/01/01/x.html"),
        ("Agence France-Presse", "AFP"),
        ("The Washington Post", "wash-post"),
        ("HuffPost", "huff-post"),
        ("BBC", "www.bbc.co.uk"),
        ("Springfield  Gazette", "the springfield gazette"),
    ],
)
def test_outlet_key_aliases(a, b):
    assert outlet_key(a) == outlet_key(b)


def test_outlet_key_values_and_names():
    assert outlet_key("The Associated Press") == outlet_key("AP") == "associated press"
    assert outlet_key("NYT") == "new york times"
    assert outlet_name("AP") == "Associated Press"
    assert outlet_name("Springfield  Gazette") == "Springfield Gazette"
    assert outlet_key("Reuters") != outlet_key("The Associated Press")


def test_outlet_table_is_versioned_and_aliases_are_unique():
    table = outlet_table()
    assert table.version.count(".") == 2
    raw = json.loads(
        (
            __import__("pathlib").Path(__file__).parents[1] / "claimtrack/data/outlets.json"
        ).read_text()
    )
    seen: dict[str, str] = {}
    for key, entry in raw["outlets"].items():
        for alias in (key, entry["name"], *entry["aliases"]):
            folded = outlet_key(alias)
            assert folded == outlet_key(key), (alias, key)
            assert seen.setdefault(alias.casefold(), key) == key
