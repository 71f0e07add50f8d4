"""The cue lexicon (claimtrack/data/cues.json), loaded once.

The lexicon is versioned data, not code: tuning the extractor mostly means
editing the JSON and bumping its "version" (which is part of EXTRACTOR).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the lexicon loads without spaCy
    from spacy.tokens import Token


@dataclass(frozen=True)
class Lexicon:
    version: str
    speech: frozenset[str]
    other: frozenset[str]
    addressee: frozenset[str]
    object_content: frozenset[str]
    need_clause: frozenset[str]
    prep_content: dict[str, frozenset[str]]
    according: tuple[tuple[str, ...], ...]
    colon_max_gap: int
    relative_pronouns: frozenset[str]
    quote_open: frozenset[str]
    quote_close: frozenset[str]
    quote_both: frozenset[str]
    headline_speech_max_tokens: int
    scare_quote_max_words: int
    continue_paragraphs: int
    adverbs: frozenset[str]
    raising: frozenset[str]
    lemma_fixes: dict[str, str]
    passive_object: frozenset[str]
    impersonal: frozenset[str]
    noun_cues: dict[str, str]  # noun lemma -> 'speech' | 'other'
    noun_preps: dict[str, frozenset[str]]
    quote_only: frozenset[str]  # cues only with a quotation: "he continued, “...”"
    in_sources: frozenset[str]  # "In the new poll, X": nouns that are sources
    as_phrases: dict[str, str]  # "as X put it": verb lemma -> its object
    idioms: dict[str, tuple[tuple[str, ...], ...]]  # cue word -> set phrases holding it
    empty_objects: frozenset[str]  # "said nothing": an object that is no claim

    def lemma(self, tok: Token) -> str:
        """A token's lemma, lower case, with the model's known slips mended
        ("hopes" -> "hop" is "hope")."""
        return self.lemma_fixes.get(tok.lower_) or tok.lemma_.lower()

    def cue_class(self, lemma: str) -> str | None:
        """'speech', 'other', or None when the lemma is no cue."""
        if lemma in self.speech:
            return "speech"
        if lemma in self.other or lemma in self.raising:
            return "other"
        return None


def _set(raw: dict, key: str) -> frozenset[str]:
    return frozenset(w.lower() for w in raw[key])


def _idioms(phrases: list[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = tuple(phrase.lower().split())
        for w in set(words):
            out.setdefault(w, []).append(words)
    return {w: tuple(v) for w, v in out.items()}


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    raw = json.loads(
        resources.files("claimtrack").joinpath("data/cues.json").read_text(encoding="utf-8")
    )
    return Lexicon(
        version=raw["version"],
        speech=_set(raw, "speech_verbs") | _set(raw, "quote_only_verbs"),
        other=_set(raw, "other_verbs") - _set(raw, "speech_verbs"),
        addressee=_set(raw, "addressee_verbs"),
        object_content=_set(raw, "object_content_verbs"),
        # a verb whose object is content never needs a clause
        need_clause=_set(raw, "need_clause") - _set(raw, "object_content_verbs"),
        prep_content={k: frozenset(v) for k, v in raw["prep_content"].items()},
        according=tuple(tuple(p) for p in raw["according"]),
        colon_max_gap=int(raw["colon_max_gap"]),
        relative_pronouns=_set(raw, "relative_pronouns"),
        quote_open=frozenset(raw["quote_open"]),
        quote_close=frozenset(raw["quote_close"]),
        quote_both=frozenset(raw["quote_both"]),
        headline_speech_max_tokens=int(raw["headline_speech_max_tokens"]),
        scare_quote_max_words=int(raw["scare_quote_max_words"]),
        continue_paragraphs=int(raw["continue_paragraphs"]),
        adverbs=_set(raw, "adverb_cues"),
        raising=_set(raw, "raising_verbs"),
        lemma_fixes={k.lower(): v for k, v in raw.get("lemma_fixes", {}).items()},
        passive_object=_set(raw, "passive_object_verbs"),
        impersonal=_set(raw, "impersonal_adjectives"),
        noun_cues={w: cls for cls in ("speech", "other") for w in raw["noun_cues"][cls]},
        noun_preps={k: frozenset(v) for k, v in raw["noun_preps"].items()},
        in_sources=_set(raw, "in_sources"),
        as_phrases=dict(raw["as_phrases"]),
        idioms=_idioms(raw["idioms"]),
        empty_objects=_set(raw, "empty_objects"),
        quote_only=_set(raw, "quote_only_verbs"),
    )
