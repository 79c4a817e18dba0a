"""Which subexpressions the rules of one plan share: closed ones (no let, no variable bound
outside them) used twice or more. Both code generators compute each at most once per record."""

from __future__ import annotations

import attrs

from kolrules import ir
from kolrules.program import CompiledRule
from kolrules.text import LabelMatcher


def children(node: ir.Node) -> list[ir.Node]:
    """The IR nodes directly under ``node`` (label matchers are values, not nodes)."""
    out: list[ir.Node] = []
    for field in attrs.fields(type(node)):
        value = getattr(node, field.name)
        if isinstance(value, tuple):
            out.extend(v for v in value if attrs.has(type(v)) and not isinstance(v, LabelMatcher))
        elif attrs.has(type(value)) and not isinstance(value, LabelMatcher):
            out.append(value)
    return out


class Shape:
    """Per node of one plan's rules, memoized by identity: free names and size.

    One bottom-up pass instead of re-walking each subtree from every ancestor (which was
    quadratic in rule depth and dominated a cold start).
    """

    def __init__(self) -> None:
        self._free: dict[int, frozenset[str]] = {}
        self._size: dict[int, int] = {}
        self._keep: list[ir.Node] = []  # ids stay valid while the nodes are alive

    def free(self, node: ir.Node) -> frozenset[str]:
        """Variables bound outside ``node`` that it reads; "" stands for any ``let``."""
        key = id(node)
        found = self._free.get(key)
        if found is not None:
            return found
        if isinstance(node, ir.LetRef):
            found = frozenset({""})
        elif isinstance(node, (ir.Quantified, ir.Count, ir.First)):
            parts = [p for p in (node.where, getattr(node, "body", None)) if p is not None]
            inner = frozenset().union(*(self.free(p) for p in parts)) - {node.var}
            found = self.free(node.collection) | inner
        else:
            found = frozenset().union(*(self.free(child) for child in children(node)))
            if isinstance(node, ir.Path) and isinstance(node.base, str):
                found |= {node.base}
        self._free[key] = found
        self._keep.append(node)
        return found

    def closed(self, node: ir.Node) -> bool:
        """No let and no variable bound outside the node: it means the same in every rule."""
        return not self.free(node)

    def size(self, node: ir.Node) -> int:
        """Nodes in the subtree (sharing the smaller first lets larger ones reuse them)."""
        key = id(node)
        found = self._size.get(key)
        if found is None:
            found = 1 + sum(self.size(child) for child in children(node))
            self._size[key] = found
            self._keep.append(node)
        return found

    def descends(self, node: ir.Node) -> list[ir.Node]:
        """The children to look for shared subexpressions in: none under a quantifier (its
        body reads the bound variable), a constant, a let or a single dictionary lookup (cheaper
        than sharing it)."""
        if isinstance(node, (ir.Const, ir.LetRef, ir.Quantified, ir.Count, ir.First)):
            return []
        return children(node)

    def sharable(self, node: ir.Node) -> bool:
        """Whether ``node`` may be computed once for every rule that uses it."""
        if isinstance(node, (ir.Const, ir.LetRef)):
            return False
        if isinstance(node, ir.Path) and node.base is None and len(node.steps) < 2:
            return False  # a single dictionary lookup is cheaper than sharing it
        return self.closed(node)


def shared_nodes(
    rules: list[CompiledRule], overriders: dict[str, tuple[str, ...]]
) -> list[ir.Node]:
    """Closed subexpressions used twice or more (by two rules, or twice by one), smallest first:
    both generators compute each at most once per record.

    Uses are counted over the rules' trees as written out, but each distinct subtree is visited
    once (a program holds one object per equal subtree): a node's uses are the sum of its
    parents' uses, propagated from the roots in topological order. Walking the written-out
    trees instead took a third of a second per plan once the packs read ties from every text.
    """
    by_id = {rule.rule_id: rule for rule in rules}
    shape = Shape()
    uses: dict[int, int] = {}
    nodes: dict[int, ir.Node] = {}
    order: list[ir.Node] = []  # post-order: every node after the nodes under it

    def visit(node: ir.Node) -> None:
        nodes[id(node)] = node
        for child in shape.descends(node):
            if id(child) not in nodes:
                visit(child)
        order.append(node)

    for rule in rules:
        for root in (rule.scope, rule.requirement):
            if id(root) not in nodes:
                visit(root)
            uses[id(root)] = uses.get(id(root), 0) + 1
    for node in reversed(order):  # parents before children
        count = uses.get(id(node), 0)
        for child in shape.descends(node):
            uses[id(child)] = uses.get(id(child), 0) + count
    counts: dict[ir.Node, int] = {}
    for key, count in uses.items():
        node = nodes[key]
        if shape.sharable(node):
            counts[node] = counts.get(node, 0) + count
    for rule in rules:  # an overriding rule's scope is read again by the rules it overrides
        for other_id in overriders.get(rule.rule_id, ()):
            other = by_id.get(other_id)
            if other is not None and not other.lets and shape.closed(other.scope):
                counts[other.scope] = counts.get(other.scope, 0) + 1
    return sorted((n for n, c in counts.items() if c >= 2), key=shape.size)
