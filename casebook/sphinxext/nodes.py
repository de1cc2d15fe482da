"""Small helpers on docutils nodes shared by the modules of the extension."""

from __future__ import annotations


def ancestors(node):
    """The parents of a node, nearest first."""
    while node.parent is not None:
        node = node.parent
        yield node
