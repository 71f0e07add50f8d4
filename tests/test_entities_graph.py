"""entities.graph: names folded into entity records, safe cross-document merges, decisions."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrack.entities import EntityGraph
from claimtrack.models import Alias, Claim, Decision, SourceInfo, Span
from claimtrack.text.names import name_key

pytestmark = pytest.mark.model_free


def claim(doc: str, seq: int, text: str, source: str | None, entity: str | None = None,
          content: str | None = None, info: str | None = None, relayed_by: str | None = None
          ) -> Claim:
    s = text.index(source) if source else 0
    body = content or text[-10:]
    c = text.index(body)
    return Claim(
        id=f"{doc}:{seq}", doc_id=doc, seq=seq,
        source=Span.of(text, s, s + len(source)) if source else None,
        cue=None, content=Span.of(text, c, c + len(body)), kind="indirect", cue_class="speech",
        cue_lemma=None, source_entity=entity, relayed_by=relayed_by, relation=None, rule=None,
        extractor="t/1", source_info=SourceInfo(type=info) if info else None,
    )


def mentions(text: str, *names: tuple[str, str]) -> list[tuple[int, int, str, str]]:
    out = []
    for name, label in names:
        i = text.index(name)
        out.append((i, i + len(name), name, label))
    return out


def decision(i: int, action: str, a: str, b: str) -> Decision:
    return Decision(id=i, action=action, a=a, b=b, who="t", at="2026-01-01T00:00:00")


def by_name(graph: EntityGraph) -> dict[str, object]:
    return {e.name: e for e in graph.entities()}


T1 = "Belhadj said he was proud. Abdelhakim Belhadj leads them. An unnamed official said so."


T2 = "Abdelhakim Belhadj denied it, an unnamed official said. Clinton spoke. NATO acted."


T3 = "Clinton said no. NATO said yes."


def graph(decisions=(), aliases=None) -> EntityGraph:
    claims = [
        claim("d1", 0, T1, "Belhadj", "Abdelhakim Belhadj", "he was proud"),
        claim("d1", 1, T1, "An unnamed official", None, "so", info="anonymous"),
        claim("d2", 0, T2, "an unnamed official", None, "Abdelhakim Belhadj denied it"),
        claim("d3", 0, T3, "Clinton", "Clinton", "no"),
        claim("d3", 1, T3, "NATO", "NATO", "yes"),
    ]
    ms = {
        "d1": mentions(T1, ("Abdelhakim Belhadj", "PERSON"), ("Belhadj", "PERSON")),
        "d2": mentions(T2, ("Abdelhakim Belhadj", "PERSON"), ("Clinton", "PERSON"),
                       ("NATO", "ORG")),
        "d3": mentions(T3, ("Clinton", "PERSON"), ("NATO", "ORG")),
    }
    return EntityGraph(claims, ms, aliases or {}, list(decisions), ["d1", "d2", "d3"])


def test_surname_folds_and_full_names_merge_across_documents():
    ents = by_name(graph())
    belhadj = ents["Abdelhakim Belhadj"]
    assert (belhadj.type, belhadj.documents, belhadj.claims_by) == ("person", 2, 1)
    assert belhadj.aliases == ["Belhadj"]
    # the claim's source span is the "Belhadj" mention: one reference, not two
    assert belhadj.mentions == 3


def test_anonymous_descriptors_never_merge_across_documents():
    anon = [e for e in graph().entities() if e.anonymous]
    assert [(e.name.casefold(), e.documents) for e in anon] == [
        ("unnamed official", 1), ("unnamed official", 1)]
    assert anon[0].type == "anonymous" or anon[1].type == "anonymous"


def test_one_word_person_names_stay_apart_but_organisations_merge():
    ents = graph().entities()
    clintons = [e for e in ents if e.name == "Clinton"]
    assert len(clintons) == 2  # which Clinton? not safe to say
    (nato,) = [e for e in ents if e.name == "NATO"]
    assert (nato.documents, nato.type) == (2, "organization")


def test_a_surname_ner_calls_an_organisation_is_the_person_its_document_names():
    """NER tags a bare "Trump" ORG now and then. Folded into Eric Trump in one document
    and into Donald Trump in another, it is each one's surname there: the two stay two
    people, where a one-word organisation joins every document's ("NATO")."""
    t1 = "Eric Trump spoke first. Trump said the hotel was open."
    t2 = "Donald Trump won the primary. Trump said it was great."
    t3 = "Trump rallied in Ohio."
    ms = {"d1": mentions(t1, ("Eric Trump", "PERSON"), ("Trump", "ORG")),
          "d2": mentions(t2, ("Donald Trump", "PERSON"), ("Trump", "ORG")),
          "d3": mentions(t3, ("Trump", "ORG"))}
    ents = by_name(EntityGraph([], ms, {}, [], ["d1", "d2", "d3"]))
    assert ents["Eric Trump"].documents == 1 and ents["Eric Trump"].aliases == ["Trump"]
    assert ents["Donald Trump"].documents == 1 and ents["Donald Trump"].aliases == ["Trump"]
    assert ents["Trump"].documents == 1  # named by no one in full: NER's organisation


def test_a_full_name_without_its_middle_initial_is_the_documents_same_person():
    """Within one document "Donald Trump" is its Donald J. Trump; in another without
    the initial, the full name joins them across documents."""
    t1 = "Donald J. Trump spoke first. Donald Trump said the hotel was open."
    t2 = "Donald Trump won the primary."
    t3 = "George H. W. Bush and George W. Bush spoke. George Bush waved."
    ms = {"d1": mentions(t1, ("Donald J. Trump", "PERSON"), ("Donald Trump", "PERSON")),
          "d2": mentions(t2, ("Donald Trump", "PERSON")),
          "d3": mentions(t3, ("George H. W. Bush", "PERSON"), ("George W. Bush", "PERSON"),
                         ("George Bush", "PERSON"))}
    ents = by_name(EntityGraph([], ms, {}, [], ["d1", "d2", "d3"]))
    assert ents["Donald Trump"].documents == 2  # the name more referred to
    assert ents["Donald Trump"].aliases == ["Donald J. Trump"]
    # two Bushes a document names alike but for their initials: "George Bush" is neither
    assert {"George H. W. Bush", "George W. Bush", "George Bush"} <= set(ents)


def test_stable_order_most_claims_first_then_name():
    ents = graph().entities()
    keys = [(-e.claims_by, -e.mentions, e.name.casefold()) for e in ents]
    assert keys == sorted(keys)


def test_user_merge_names_the_entity_and_split_undoes_it():
    merged = graph([decision(1, "merge", "Clinton", "NATO")]).entities()
    (both,) = [e for e in merged if "NATO" in e.aliases]
    assert both.name == "Clinton" and both.documents == 2
    assert both.claims_by == 2  # both Clintons and NATO: the user merged all named so
    undone = graph([decision(1, "merge", "Clinton", "NATO"),
                    decision(2, "split", "NATO", "Clinton")]).entities()
    assert not any("NATO" in e.aliases for e in undone)
    again = graph([decision(1, "split", "NATO", "Clinton"),
                   decision(2, "merge", "NATO", "Clinton")]).entities()
    assert any(e.name == "NATO" and "Clinton" in e.aliases for e in again)  # last one wins


def test_split_refuses_an_automatic_fold():
    ents = by_name(graph([decision(1, "split", "Abdelhakim Belhadj", "Belhadj")]))
    assert ents["Abdelhakim Belhadj"].aliases == []
    assert ents["Belhadj"].documents == 1


def test_author_alias_links_names_as_the_authors_assertion():
    text = T1 + " Abu Abdullah Sadik [aka Abdelhakim Belhadj] fought."
    start = text.index("[aka")
    al = Alias(start=start, end=text.index("]") + 1, name="Abdelhakim Belhadj",
               alias="Abu Abdullah Sadik")
    g = EntityGraph(
        [claim("d1", 0, text, "Belhadj", "Abdelhakim Belhadj", "he was proud")],
        {"d1": mentions(text, ("Abdelhakim Belhadj", "PERSON"), ("Abu Abdullah Sadik", "PERSON"))},
        {"d1": [al]},
    )
    (e,) = [e for e in g.entities() if e.name == "Abdelhakim Belhadj"]
    assert "Abu Abdullah Sadik" in e.aliases
    assert e.identified_by_author == ["Abu Abdullah Sadik"]
    assert g.find("Abu Abdullah Sadik") == g.find("Abdelhakim Belhadj")
    split = EntityGraph(g_claims := [claim("d1", 0, text, "Belhadj", "Abdelhakim Belhadj",
                                           "he was proud")],
                        {"d1": mentions(text, ("Abdelhakim Belhadj", "PERSON"),
                                        ("Abu Abdullah Sadik", "PERSON"))},
                        {"d1": [al]},
                        [decision(1, "split", "Abdelhakim Belhadj", "Abu Abdullah Sadik")])
    assert g_claims and split.find("Abu Abdullah Sadik") != split.find("Abdelhakim Belhadj")


def test_name_key():
    assert name_key("the Pentagon’s") == ("pentagon",)
    assert name_key("Al-Qaeda") == name_key("Al Qaeda") == ("al", "qaeda")
    assert name_key("Sen. John McCain") == ("john", "mccain")


def test_an_honorific_alone_is_no_one():
    # "MR." in capitals: NER tags it, and nothing is left once the honorific goes (issue 9)
    text = "MR. O'NEILL said the plan is dead. Crisis. \u201cMR."
    g = EntityGraph([claim("d1", 0, text, "MR. O'NEILL", None, "the plan is dead")],
                    {"d1": [(0, 3, "MR.", "PERSON"), (4, 11, "O'NEILL", "PERSON"),
                            (len(text) - 3, len(text), "MR.", "GPE")]}, {})
    # one entity, named by its untitled form (text.names.surface_order)
    assert [e.name for e in g.entities()] == ["O'NEILL"]


_NAMES = st.sampled_from(["Clinton", "NATO", "Abdelhakim Belhadj", "Belhadj",
                          "an unnamed official", "Nobody Else"])


@given(st.lists(st.tuples(st.sampled_from(["merge", "split"]), _NAMES, _NAMES), max_size=6))
def test_decisions_never_lose_or_duplicate_claims(raw):
    decisions = [decision(i, a, x, y) for i, (a, x, y) in enumerate(raw, 1)]
    g = graph(decisions)
    ents = g.entities()
    assert sum(e.claims_by for e in ents) == 5  # every source-bearing claim, exactly once
    assert sum(e.anonymous for e in ents) <= 2
    assert len({id(x) for grp in g.groups for x in grp}) == len(g.nodes)
    # the last decision about a pair of distinct names holds
    last: dict[frozenset, str] = {}
    for d in decisions:
        if name_key(d.a) != name_key(d.b) and g.find(d.a) and g.find(d.b):
            last[frozenset((name_key(d.a), name_key(d.b)))] = d.action
    for d in decisions:
        pair = frozenset((name_key(d.a), name_key(d.b)))
        if last.get(pair) == "split":
            assert not set(g.find(d.a)) & set(g.find(d.b))


def test_a_name_holding_two_people_joins_neither():
    """A Title Case headline NER read as one person, "Hillary Clinton Slams Donald
    Trump", had both full names fold into it; full names join across documents, and on
    560 dev articles Clinton and Trump were one entity ("Ms Clinton", 541 documents)."""
    h = ("Hillary Clinton Slams Donald Trump\n\nHillary Clinton spoke. Donald Trump "
         "replied. The Trump-Clinton race goes on. Trump said no. Clinton said yes.")
    other = "Donald Trump said yes. Ms Clinton said no. Hillary Clinton left."
    claims = [claim("d1", 0, h, "Trump said", "Trump", "no"),
              claim("d2", 0, other, "Donald Trump", "Donald Trump", "yes"),
              claim("d2", 1, other, "Ms Clinton", "Ms Clinton", "no")]
    body = h.index("\n\n")  # the names in the body, after the headline's
    ms = {"d1": mentions(h, ("Hillary Clinton Slams Donald Trump", "PERSON"))
          + [(i, i + len(n), n, "PERSON") for n in ("Hillary Clinton", "Donald Trump",
                                                     "Trump-Clinton", "Trump", "Clinton")
             for i in [h.index(n, body)]],
          "d2": mentions(other, ("Donald Trump", "PERSON"), ("Ms Clinton", "PERSON"),
                         ("Hillary Clinton", "PERSON"))}
    ents = by_name(EntityGraph(claims, ms, {}, [], ["d1", "d2"]))
    trump, clinton = ents["Donald Trump"], ents["Hillary Clinton"]  # not "Ms Clinton"
    assert "Clinton" not in trump.aliases and "Trump" not in clinton.aliases
    assert trump.documents == 2 and clinton.documents == 2
    assert "Ms Clinton" in clinton.aliases


def test_a_junior_is_not_his_father():
    text = "Donald Trump Jr. spoke first. Trump Jr. said yes. Donald Trump said no."
    claims = [claim("d1", 0, text, "Trump Jr.", "Trump Jr.", "yes"),
              claim("d1", 1, text, "Donald Trump said", "Donald Trump", "no")]
    ms = {"d1": mentions(text, ("Donald Trump Jr.", "PERSON"), ("Trump Jr.", "PERSON"))
          + [(text.rindex("Donald Trump"), text.rindex("Donald Trump") + 12, "Donald Trump",
              "PERSON")]}
    ents = EntityGraph(claims, ms, {}, [], ["d1"]).entities()
    assert sorted(sorted([e.name, *e.aliases]) for e in ents) == [
        ["Donald Trump"], ["Donald Trump Jr.", "Trump Jr."]]


def test_names_run_on_into_the_words_beside_them_are_no_aliases():
    """One document's "Donald Trump Playing Dumb" (a Title Case headline) or "Donald
    Trump Wins" is the name run on, not another name for him; "Trump" is one."""
    docs = {"d1": "Donald Trump Playing Dumb\n\nDonald Trump spoke. Trump left.",
            "d2": "Donald Trump Wins\n\nDonald Trump spoke again. Trump waved."}
    ms = {}
    for d, t in docs.items():
        head = t.split("\n")[0]
        body = len(head) + 2
        ms[d] = [(0, len(head), head, "PERSON")] + [
            (t.index(n, body), t.index(n, body) + len(n), n, "PERSON")
            for n in ("Donald Trump", "Trump left" if d == "d1" else "Trump waved")]
        ms[d][-1] = (ms[d][-1][0], ms[d][-1][0] + 5, "Trump", "PERSON")
    (trump,) = [e for e in EntityGraph([], ms, {}, [], list(docs)).entities()
                if e.name == "Donald Trump"]
    assert trump.documents == 2
    assert trump.aliases == ["Trump"]


def test_a_person_ner_ran_on_in_a_title_case_headline_is_cut_to_the_bodys_name():
    """"Obama Says" in a Title Case headline is Obama: cut after the words the body
    names people by, both as a mention and as the headline claim's resolved source,
    so the document's "Obama" does not fold into it."""
    from claimtrack.entities.facts import document_facts
    from claimtrack.text.names import title_case_heading

    text = ("Obama Says Museum Will Tell Of Suffering And Delight\n\n"
            "President Obama said the museum would tell an American story. Mr. Obama "
            "spoke with Hillary Clinton and Donald Trump Jr. on Saturday.")
    assert title_case_heading(text) == text.index("\n")
    ms = mentions(text, ("Obama Says", "PERSON"), ("Obama", "PERSON"),
                  ("Hillary Clinton", "PERSON"), ("Donald Trump Jr.", "PERSON"))
    ms[1] = (text.index("Obama", 20), text.index("Obama", 20) + 5, "Obama", "PERSON")
    headline = claim("d", 0, text, "Obama", "Obama Says", "Museum Will Tell")
    facts = document_facts("d", ms, [headline], [], text)
    keys = {n.key: n for n in facts.nodes}
    assert ("obama", "says") not in keys
    assert (0, 5) in keys[("obama",)].spans and "d:0" in keys[("obama",)].claims
    # without a headline nothing is cut
    assert ("obama", "says") in {n.key for n in document_facts("d", ms, [headline], []).nodes}


def test_a_person_that_is_a_person_and_an_organisation_is_no_fold_target():
    """NER tags "Obama White House" PERSON now and then: the document's Obama and its
    White House do not fold into it, so the two stay apart across documents."""
    t1 = "The Obama White House said no. Obama spoke. The White House denied it."
    t2 = "Barack Obama waved. The White House said yes."
    ms = {"d1": mentions(t1, ("Obama White House", "PERSON"), ("Obama", "PERSON"),
                         ("White House", "ORG")),
          "d2": mentions(t2, ("Barack Obama", "PERSON"), ("White House", "ORG"))}
    ms["d1"][2] = (t1.index("White House", 30), t1.index("White House", 30) + 11,
                   "White House", "ORG")
    ents = by_name(EntityGraph([], ms, {}, [], ["d1", "d2"]))
    assert "Obama" not in ents["White House"].aliases
    assert ents["White House"].documents == 2


def test_a_surname_ner_calls_a_place_is_the_person_named_in_full():
    """NER tags "Kasich" GPE now and then: where its document names John Kasich it is
    his surname there (and so joins no other document's "Kasich" place); a place the
    document puts something in ("in Washington", beside George Washington) or that
    ends a possessive run-on ("Trump's Indiana") stays a place."""
    from claimtrack.entities.facts import document_facts

    def folded(text: str, *names: tuple[str, str]) -> set[tuple[str, str]]:
        ms = sorted((i, i + len(n), n, label) for n, label in names
                    for i in [m.start() for m in re.finditer(re.escape(n) + r"\b", text)])
        f = document_facts("d", ms, [], [], text)
        keys = {n.seq: " ".join(n.key) for n in f.nodes}
        return {(keys[a], keys[b]) for a, b in f.folds}

    kasich = "John Kasich spoke in Ohio. Kasich won."
    assert folded(kasich, ("John Kasich", "PERSON"), ("Kasich", "GPE")) == {
        ("kasich", "john kasich")}
    washington = "George Washington slept here. Congress met in Washington."
    assert folded(washington, ("George Washington", "PERSON"), ("Washington", "GPE")) == set()
    indiana = "Trump's Indiana rally drew crowds. Indiana voted."
    assert folded(indiana, ("Trump's Indiana", "PERSON"), ("Indiana", "GPE")) == set()
    # without the text (the raw graph, diff's entities in both) a place folds nowhere
    ms = [(0, 11, "John Kasich", "PERSON"), (32, 38, "Kasich", "GPE")]
    assert document_facts("d", ms, [], []).folds == []


def test_a_source_phrase_that_ends_on_a_title_is_a_role_not_its_place():
    """"the Vermont senator" is someone of its document, never the state: name_key
    drops "senator" (the honorific of "Senator Sanders") and had made it "Vermont"."""
    t1 = "Vermont voted. The Vermont senator said he would stay in the race."
    t2 = "Vermont is small."
    c = claim("d1", 0, t1, "The Vermont senator", None, "he would stay in the race")
    ms = {"d1": mentions(t1, ("Vermont", "GPE")), "d2": mentions(t2, ("Vermont", "GPE"))}
    ents = by_name(EntityGraph([c], ms, {}, [], ["d1", "d2"]))
    assert ents["Vermont"].claims_by == 0 and ents["Vermont"].documents == 2
    role = ents["Vermont senator"]
    assert role.claims_by == 1 and role.anonymous and role.documents == 1


def test_a_possessive_source_nobody_resolved_is_no_one():
    """"his claim that ...": a source "his" the resolver left is a reference nobody
    can follow, not an entity "his" of its document."""
    t = "Ryan spoke. The senator repeated his claim that he had won."
    c = claim("d1", 0, t, "his", None, "that he had won")
    ents = by_name(EntityGraph([c], {"d1": mentions(t, ("Ryan", "PERSON"))}, {}, [], ["d1"]))
    assert "his" not in ents


def test_a_platform_ner_takes_for_a_person_is_an_organisation():
    """The recogniser tags "Twitter" PERSON: it is one organisation across documents,
    not a person of each document's own; so is a platform a claim's source names."""
    t1, t2 = "He wrote on Twitter that it was over.", "Twitter suspended the account."
    t3 = "Facebook said it would act."
    c = claim("d2", 0, t2, "Twitter", None, "the account", info="person")
    c3 = claim("d3", 0, t3, "Facebook", "Facebook", "it would act", info="person")
    ms = {"d1": mentions(t1, ("Twitter", "PERSON")), "d2": mentions(t2, ("Twitter", "PERSON")),
          "d4": mentions("Facebook grew.", ("Facebook", "ORG"))}
    ents = EntityGraph([c, c3], ms, {}, [], ["d1", "d2", "d3", "d4"]).entities()
    (twitter,) = [e for e in ents if e.name == "Twitter"]
    assert twitter.documents == 2 and twitter.type == "organization"
    (facebook,) = [e for e in ents if e.name == "Facebook"]
    assert facebook.documents == 2 and facebook.type == "organization"


def test_a_person_holding_a_conjunction_is_no_fold_target():
    """NER took "Hillary & Chelsea Clinton Foundation" for a person: the document's
    Hillary and Chelsea Clinton do not fold into it, so they stay apart."""
    t = "The Hillary & Chelsea Clinton Foundation paid. Hillary spoke. Chelsea Clinton wrote."
    ms = {"d1": mentions(t, ("Hillary & Chelsea Clinton Foundation", "PERSON"),
                         ("Chelsea Clinton", "PERSON"))}
    ms["d1"].append((t.index("Hillary spoke"), t.index("Hillary spoke") + 7, "Hillary", "PERSON"))
    ents = by_name(EntityGraph([], ms, {}, [], ["d1"]))
    assert "Hillary" not in ents["Chelsea Clinton"].aliases


def test_a_caption_two_documents_print_is_no_alias():
    """A name run into three more words stays out of the aliases however many documents
    print it ("Marco Rubio Responds To Question", a caption two pages of one outlet
    share); a name one document runs on was already left out."""
    caption = "Marco Rubio Responds To Question"
    docs = {f"d{i}": f"{caption}\n\nMarco Rubio spoke. Rubio left." for i in (1, 2)}
    docs["d3"] = "Marco Rubio left."
    ms = {d: mentions(t, *(((caption, "PERSON"),) if d != "d3" else ()),
                      ("Marco Rubio", "PERSON"))
          for d, t in docs.items()}
    for d in ("d1", "d2"):  # the body's "Marco Rubio", not the caption's
        i = docs[d].index("Marco Rubio spoke")
        ms[d][1] = (i, i + 11, "Marco Rubio", "PERSON")
    ents = by_name(EntityGraph([], ms, {}, [], list(docs)))
    assert caption not in ents["Marco Rubio"].aliases
    assert ents["Marco Rubio"].documents == 3
