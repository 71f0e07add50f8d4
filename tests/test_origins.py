"""Independent origins of a claim cluster: copies, relays, restatements, circles."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from claimtrack.corpus.origins import Appearance, trace

pytestmark = pytest.mark.model_free


def A(cid: str, doc: str, origin: str, **kw) -> Appearance:  # noqa: N802 - a record literal
    return Appearance(claim_id=cid, doc_id=doc, doc_origin=origin, **kw)


def five_articles() -> list[Appearance]:
    """An AP report, a paper running the AP copy, a rewrite citing the AP, an
    independent confirmation by the Times, and a denial (not in the cluster)."""
    return [
        A("ap:0", "ap", "outlet:associated press", outlet="associated press", author=True,
          published=date(2016, 3, 1)),
        A("ap:3", "ap", "outlet:associated press", outlet="associated press", author=True,
          published=date(2016, 3, 1)),  # the lede restates the headline
        A("copy:0", "copy", "outlet:associated press", outlet="daily", author=True,
          published=date(2016, 3, 1)),
        A("rewrite:2", "rewrite", "outlet:blog", outlet="blog", source="associated press",
          source_type="outlet", published=date(2016, 3, 2)),
        A("times:1", "times", "outlet:times", outlet="times", author=True,
          published=date(2016, 3, 2)),
    ]


def test_five_articles_have_two_independent_origins_in_any_order():
    for order in itertools.permutations(five_articles()):
        o = trace(order)
        assert o.origins == ("outlet:associated press", "outlet:times")
        assert o.relays == {"rewrite:2"}
        assert o.copies == {"copy:0"}  # the paper's run of the AP story, not the AP's own
        assert o.circular == {}


def test_a_named_source_is_one_origin_wherever_quoted():
    o = trace([A("a:0", "a", "outlet:post", source="john mccain", source_type="person"),
               A("b:0", "b", "outlet:times", source="john mccain", source_type="person")])
    assert o.origins == ("source:john mccain",)


def test_one_anonymous_descriptor_is_one_origin_per_outlet():
    official = {"source": "a senior official", "source_type": "anonymous",
                "descriptor": "senior official"}
    same_outlet = trace([A("a:0", "a", "outlet:post", outlet="post", **official),
                         A("b:0", "b", "outlet:post", outlet="post", **official)])
    two_outlets = trace([A("a:0", "a", "outlet:post", outlet="post", **official),
                         A("b:0", "b", "outlet:times", outlet="times", **official)])
    assert len(same_outlet.origins) == 1
    assert len(two_outlets.origins) == 2


def test_unresolved_references_count_zero():
    o = trace([A("a:0", "a", "doc:a", source=None, source_type="unknown"),
               A("b:0", "b", "doc:b", source="the reports", source_type="vague_reference")])
    assert o.origins == ()


def test_outlets_citing_each_other_are_circular():
    o = trace([A("a:0", "a", "outlet:post", outlet="post", source="times", source_type="outlet"),
               A("b:0", "b", "outlet:times", outlet="times", source="post",
                 source_type="outlet")])
    assert set(o.circular) == {"a:0", "b:0"}


def test_citing_a_report_dated_later_is_circular():
    o = trace([A("a:0", "a", "outlet:post", outlet="post", published=date(2016, 1, 1),
                 source="times", source_type="outlet"),
               A("b:0", "b", "outlet:times", outlet="times", published=date(2016, 1, 5),
                 author=True)])
    assert "dated after" in o.circular["a:0"]


def test_two_sources_in_one_document_leading_to_one_origin_are_circular():
    o = trace([A("a:0", "a", "outlet:post", outlet="post", source="reuters",
                 source_type="outlet"),
               A("a:5", "a", "outlet:post", outlet="post", source="daily", source_type="outlet"),
               A("r:0", "r", "outlet:reuters", outlet="reuters", author=True),
               A("d:0", "d", "outlet:reuters", outlet="daily", author=True)])
    assert {"a:0", "a:5"} <= set(o.circular)
    assert o.origins == ("outlet:reuters",)
