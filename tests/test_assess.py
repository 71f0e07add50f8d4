"""assess(): typed sources + static flags for a whole extraction (real spaCy where parsed)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from claimtrack.assess import assess
from claimtrack.extract import extract_text
from claimtrack.flags import FLAGS
from claimtrack.models import Attribution, Extraction, Span


def run(text: str, published: date | None = None):
    extraction = extract_text(text)
    flags = assess(extraction, text, [], published)
    return extraction.attributions, flags


def by_cue(atts, flags, cue: str):
    for a, f in zip(atts, flags, strict=True):
        if a.cue is not None and a.cue.text == cue:
            return a, {x.code: x.explanation for x in f}
    raise AssertionError(f"no attribution with cue {cue!r}: {[a.cue for a in atts]}")


def test_every_attribution_gets_source_info_and_one_flag_list() -> None:
    text = ("Officials said the bridge would close. The mayor, Ann Lee, confirmed that it "
            "would. The economy grew.")
    atts, flags = run(text)
    assert len(flags) == len(atts) >= 2
    assert all(a.source_info is not None for a in atts)
    assert all(f.code in FLAGS for fl in flags for f in fl)


def test_a_sentence_with_no_source_inherits_the_previous_speaker() -> None:
    text = ("The minister, John Lee, said the talks had failed. Also claimed that the rebels "
            "had broken the truce.")
    atts, flags = run(text)
    att, got = by_cue(atts, flags, "claimed")
    assert att.source is None and att.source_entity == "John Lee"
    assert att.source_info is not None and att.source_info.inherited
    assert "John Lee" in got["inherited_source"]
    assert "distancing_cue" in got
    said, said_flags = by_cue(atts, flags, "said")
    assert not said.source_info.inherited and "inherited_source" not in said_flags


def test_no_inheritance_across_paragraphs_or_for_hearsay() -> None:
    text = ("The minister, John Lee, said the talks had failed.\n\nAlso claimed that the "
            "rebels had broken the truce.")
    atts, flags = run(text)
    att, got = by_cue(atts, flags, "claimed")
    assert att.source_entity is None and "inherited_source" not in got
    passive = "John Lee said the talks had failed. It was also alleged that the rebels fled."
    atts, flags = run(passive)
    att, got = by_cue(atts, flags, "alleged")
    assert att.source_entity is None and "inherited_source" not in got
    assert "vague_source" in got


def test_spokesperson_stake_carries_to_later_claims() -> None:
    text = ("Ann Lee, the spokeswoman of the army, claimed that the port fell. "
            "Lee said the rebels fled.")
    atts, flags = run(text)
    _, first = by_cue(atts, flags, "claimed")
    _, later = by_cue(atts, flags, "said")
    assert "interested_party" in first and "interested_party" in later
    assert "distancing_cue" in first and "distancing_cue" not in later


def test_stale_study_against_the_document_date() -> None:
    text = "A 2007 study by West Point found that most fighters came from Derna."
    atts, flags = run(text, published=date(2015, 3, 10))
    _, got = by_cue(atts, flags, "found")
    assert "stale_source" in got


_PHRASES = ["Officials", "An unnamed official", "Recent reports", "Ann Lee", "We", "A 2007 study",
            "The ministry", "Experts", "It", "This writer", "Reuters"]
_CUES = ["said", "claimed", "confirmed", "reported", "noted", "alleged", "found"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(_PHRASES), st.sampled_from(_CUES), st.booleans(),
       st.sampled_from(["", "allegedly ", "so-called "]))
def test_flags_are_known_one_line_with_their_vocabulary_severity(src, cue, keep_source, hedge):
    text = f"{src} {cue} that the {hedge}camp is empty."
    content = Span.of(text, text.index("that"), len(text) - 1)
    att = Attribution(
        source=Span.of(text, 0, len(src)) if keep_source else None,
        cue=Span.of(text, len(src) + 1, len(src) + 1 + len(cue)),
        content=content,
    )
    (flags,) = assess(Extraction(extractor="t", attributions=[att]), text, [],
                      date(2015, 1, 1))
    codes = [f.code for f in flags]
    assert len(codes) == len(set(codes))
    for f in flags:
        assert f.severity == FLAGS[f.code][1] and "\n" not in f.explanation and f.explanation
    assert att.source_info is not None
    assert ("hedged" in codes) == bool(hedge)
