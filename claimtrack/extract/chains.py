"""Placeholder until chain linking lands: no hops."""


def link_chains(doc, attributions) -> None:
    return None
