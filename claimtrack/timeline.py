"""The life of a claim: its appearances across documents in date order.

Read from the stored index only (matchstore): a claim's cluster (the claims that
tell it, linked by `same`/`more_specific` matches), the claims that contradict it
(cluster_stats.contradicted_by), and each appearance's origin, relay and copy
marks (clusters). Nothing is compared at read time.

`timeline --claim ID` lists the cluster of one claim; `timeline --entity X` the
clusters of the claims by or about X, each in date order; `diff --entity X` the
clusters of X's claims that more than one document tells, or that a claim
contradicts: a comparison across accounts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Literal

import sqlite_utils

from claimtrack.diff import relayers
from claimtrack.entityselect import entity_selection, no_entity
from claimtrack.errors import NotFoundError
from claimtrack.models import Appearance, Claim, Document, EntityCluster, EntityDiff
from claimtrack.store import documents as store
from claimtrack.store import matchstore, readback
from claimtrack.store.matchstore import MatchRow, MemberRow

# --- reading -------------------------------------------------------------------------


class _Corpus:
    """The stored rows one read needs, fetched once: documents, claims, clusters."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.docs: dict[str, Document] = {}
        self.claims: dict[str, Claim] = {}
        self.by_doc: dict[str, dict[str, Claim]] = {}  # the claims read, by document
        self.tried: set[str] = set()  # ids asked for (a damaged one is warned of once)

    def document(self, doc_id: str) -> Document:
        if doc_id not in self.docs:
            self.docs[doc_id] = store.get_document(self.db, doc_id)
        return self.docs[doc_id]

    def load(self, ids: Sequence[str]) -> None:
        """The claims `ids` (author's statements included) and those that relay them
        (relayers), not their documents' others: a cluster told in 1,400 documents
        read all their 50,000 claims to show its 2,400."""
        todo = [i for i in dict.fromkeys(ids) if i not in self.claims and i not in self.tried]
        while todo:
            self.tried.update(todo)
            found = readback.load_claims(self.db, author=True, ids=todo)
            for c in found:
                self.claims[c.id] = c
                self.by_doc.setdefault(c.doc_id, {})[c.id] = c
            todo = sorted({c.relayed_by for c in found if c.relayed_by
                           and c.relayed_by not in self.claims
                           and c.relayed_by not in self.tried})

    def day(self, claim_id: str) -> tuple[dt.date, Literal["published", "added"]]:
        d = self.document(self.claims[claim_id].doc_id)
        return (d.published, "published") if d.published else (d.added.date(), "added")

    def order(self, claim_id: str) -> tuple:
        """Date order: publication (else addition) date, then when stored, document, seq."""
        c = self.claims[claim_id]
        d = self.document(c.doc_id)
        return (self.day(claim_id)[0], d.added, d.id, c.seq)


def _relation(claim_id: str, other: str,
              direct: Mapping[str, MatchRow]) -> tuple[str, float | None]:
    """How `other` relates to `claim_id` through their stored match, if any."""
    if other == claim_id:
        return "itself", None
    m = direct.get(other)
    if m is None or m.relation == "related":
        return "in_cluster", None
    if m.relation == "more_specific":
        other_side = "a" if m.a == other else "b"
        return ("more_specific" if m.wider == other_side else "less_specific"), m.similarity
    return m.relation, m.similarity


def _appearance(corpus: _Corpus, claim_id: str, cluster: str, relation: tuple[str, float | None],
                member: MemberRow | None, role: str | None) -> Appearance:
    c = corpus.claims[claim_id]
    d = corpus.document(c.doc_id)
    day, dated = corpus.day(claim_id)
    return Appearance(
        date=day, dated=dated, doc_id=d.id, title=d.title, publisher=d.publisher,
        cluster=cluster, relation=relation[0], similarity=relation[1],  # type: ignore[arg-type]
        root=member.root if member else None, relay=bool(member and member.relay),
        copied=bool(member and member.copy), circular=member.circular if member else None,
        via=relayers(c, corpus.by_doc[c.doc_id]), claim=c,
        entity_role=role)  # type: ignore[arg-type]  # "by"/"about": entityselect.entity_selection


def _cluster(corpus: _Corpus, cluster: str, reference: str | None,
             roles: Mapping[str, str], first: int | None = None
             ) -> tuple[list[Appearance], list[Appearance]]:
    """The appearances of a cluster and the claims contradicting it, each in date order.
    Relations are to `reference` (None: the cluster's first appearance). `first`: only
    the first so many of each, chosen by date from the ids and their documents before
    any claim is read (a cluster told in 150 documents is read whole for none of them)."""
    conn = corpus.db.conn
    ids = matchstore.members(conn, [cluster])
    stats = matchstore.cluster_rows(conn, [cluster]).get(cluster)
    against = [x for x in (stats.contradicted_by if stats else ()) if x not in ids]
    if first is not None:
        ids = sorted(ids, key=lambda i: _id_order(corpus, i))[:first]
        against = sorted(against, key=lambda i: _id_order(corpus, i))[:first]
    corpus.load([*ids, *against])
    ids = [i for i in ids if i in corpus.claims]  # a damaged row is skipped, with a warning
    against = [i for i in against if i in corpus.claims]
    ids.sort(key=corpus.order)
    against.sort(key=corpus.order)
    ref = reference or (ids[0] if ids else None)
    direct = {}
    if ref is not None:
        for m in matchstore.matches_of(conn, [ref]):
            direct[m.b if m.a == ref else m.a] = m
    members = matchstore.member_rows(conn, [*ids, *against])
    out = [_appearance(corpus, i, cluster, _relation(ref or i, i, direct), members.get(i),
                       roles.get(i)) for i in ids]
    opposed = [_appearance(corpus, i, cluster, ("contradicts", direct[i].similarity
                                                 if i in direct else None),
                           members.get(i), roles.get(i)) for i in against]
    return out, opposed


# --- the three reads ------------------------------------------------------------------


def claim_timeline(db: sqlite_utils.Database, claim_id: str) -> list[Appearance]:
    """The appearances of a claim's cluster and the claims contradicting it, in date
    order (contradictions placed by their date too)."""
    claim_id = claim_id.strip()
    if matchstore.doc_of_claim(db.conn, claim_id) is None:
        raise NotFoundError(f"no claim '{claim_id}' — run `claimtrack claims --json` (or "
                            "`--author`) to see claim ids")
    member = matchstore.member_rows(db.conn, [claim_id]).get(claim_id)
    if member is None:
        raise NotFoundError(f"claim '{claim_id}' is not in the cross-document index — run "
                            "`claimtrack rematch`")
    corpus = _Corpus(db)
    seen, opposed = _cluster(corpus, member.cluster, claim_id, {})
    return sorted(seen + opposed, key=lambda a: corpus.order(a.claim.id))


def _entity_clusters(db: sqlite_utils.Database, name: str) -> tuple[_Corpus, dict[str, str],
                                                                    list[str]]:
    """The claims by or about `name` (roles) and their clusters."""
    # only the claims that can match are read, and only their few columns
    _, chosen = entity_selection(db, name, author=True)
    roles = {cid: role for cid, _, role in chosen}
    if not roles:
        raise no_entity(name)
    corpus = _Corpus(db)
    clusters = sorted({m.cluster for m in matchstore.member_rows(db.conn, list(roles)).values()})
    return corpus, roles, clusters


def entity_timeline(db: sqlite_utils.Database, name: str, limit: int | None = None
                    ) -> tuple[list[Appearance], int]:
    """The claims by or about `name`, grouped by cluster (clusters in the order of
    their first appearance), each in date order; and the number of clusters.
    `limit`: at most that many clusters (a cluster is never cut)."""
    corpus, roles, clusters = _entity_clusters(db, name)
    # clusters in the order of their first appearance, from ids and document dates
    # alone: only the clusters shown are read whole
    members = matchstore.members_by_cluster(db.conn, clusters)
    firsts = sorted((_first(corpus, ids), cluster) for cluster, ids in members.items())
    shown: list[list[Appearance]] = []
    for _, cluster in firsts:
        if limit and len(shown) >= limit:
            break
        seen, opposed = _cluster(corpus, cluster, None, roles)
        if seen:
            shown.append(sorted(seen + opposed, key=lambda a: corpus.order(a.claim.id)))
    return [a for rows in shown for a in rows], len(firsts)


def _first(corpus: _Corpus, ids: Sequence[str]) -> tuple:
    """The date order of a cluster's first appearance, from its members' ids alone."""
    return min(_id_order(corpus, i) for i in ids)


def _id_order(corpus: _Corpus, claim_id: str) -> tuple:
    """_Corpus.order of a claim from its id (DOC:SEQ) and its document, unread."""
    doc_id, _, seq = claim_id.rpartition(":")
    d = corpus.document(doc_id)
    return (d.published or d.added.date(), d.added, d.id, int(seq))


def entity_diff(db: sqlite_utils.Database, name: str, limit: int | None = None,
                per_cluster: int | None = None) -> EntityDiff:
    """The clusters of claims by or about `name` that more than one document tells or
    that a claim contradicts: most documents first, then contradicted, then by date.
    Ordered and counted from the stored ids and cluster figures alone (the most frequent
    person's claims have thousands of such clusters at 3,000 documents: reading each
    whole took 18 s and 640 MB); only the clusters shown are read. `per_cluster`: the
    first so many appearances (and contradictions) of each, by date, with their totals
    (a table's 20 clusters of Trump at 3,000 documents printed 13,468 lines, one
    cluster told in 153 documents)."""
    corpus, roles, clusters = _entity_clusters(db, name)
    stats = matchstore.cluster_rows(db.conn, clusters)
    keep = [c for c in clusters if c in stats and (stats[c].documents > 1
                                                   or stats[c].contradicted_by)]
    single = sum(1 for cid, m in matchstore.member_rows(db.conn, list(roles)).items()
                 if m.cluster not in keep)
    members = {c: set(ids) for c, ids in matchstore.members_by_cluster(db.conn, keep).items()}
    against = {c: [x for x in stats[c].contradicted_by if x not in ids]
               for c, ids in members.items()}
    order = sorted(members, key=lambda c: (-stats[c].documents, not against[c],
                                           _first(corpus, sorted(members[c])), c))
    # A claim of one document that contradicts a cluster listed before is shown there.
    listed: list[str] = []
    opposing: set[str] = set()
    for cluster in order:
        if stats[cluster].documents > 1 or not members[cluster] <= opposing:
            listed.append(cluster)
            opposing.update(against[cluster])
    found: list[EntityCluster] = []
    for cluster in listed:
        if limit and len(found) >= limit:
            break
        seen, opposed = _cluster(corpus, cluster, None, roles, per_cluster)
        if not seen:  # every member a damaged row (skipped, with a warning)
            continue
        cut = per_cluster is not None
        found.append(EntityCluster(
            cluster=cluster, documents=stats[cluster].documents,
            origins=list(stats[cluster].origins), appearances=seen, contradictions=opposed,
            appearances_total=len(members[cluster]) if cut else len(seen),
            contradictions_total=len(against[cluster]) if cut else len(opposed)))
    return EntityDiff(name=name, clusters=found, total=len(listed), single=single)
