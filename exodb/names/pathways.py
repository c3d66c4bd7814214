"""Pathway chains as the review writes them: ``PI3K/Akt/mTOR`` is three nodes, in order."""

from __future__ import annotations


def split_pathway(key: str) -> list[str]:
    """The ordered nodes of a pathway as written: ``"PI3K/Akt/mTOR"`` -> PI3K, Akt, mTOR."""
    return [node.strip() for node in key.split("/")]
