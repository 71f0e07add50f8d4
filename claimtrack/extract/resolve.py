"""Placeholder until the resolver lands: leaves sources unresolved."""


def resolve_sources(doc, attributions) -> None:
    return None
