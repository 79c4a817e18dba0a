"""Checked AST → ``Program``: rules with resolved, inlined, precompiled expressions.

Call only on a ``Checked`` without errors: the compiler trusts the checker and does not
re-diagnose.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from kolrules import ir
from kolrules.builtins import BUILTINS
from kolrules.findings import Citation
from kolrules.lang import syntax
from kolrules.lang.checker import Checked, clause, example_record
from kolrules.lang.symbols import Symbols
from kolrules.program import (
    CompiledExample,
    CompiledJurisdiction,
    CompiledPresumption,
    CompiledRule,
    Expectation,
    Program,
)
from kolrules.schema import RECORD
from kolrules.text import LabelMatcher
from kolrules.timeutil import zone

_DERIVED: dict[tuple[str | int, ...], str] = {
    ("is_sponsored",): "is_sponsored",
    ("kol", "age_at_publication"): "kol.age_at_publication",
}
TRUE = ir.Const(True)


@attrs.frozen
class _Vocabulary:
    """A label class passed as an argument: resolved when the define's body is lowered."""

    key: str
    matcher: LabelMatcher


def _where(span: object) -> str:
    return f"{span.path}:{span.line}" if span is not None else "?"  # type: ignore[attr-defined]


class _Lowerer:
    def __init__(self, symbols: Symbols, nodes: dict[ir.Node, ir.Node]) -> None:
        self.symbols = symbols
        self._matchers: dict[str, LabelMatcher] = {}
        self._nodes = nodes  # shared by every file of the program

    def lower(self, expr: syntax.Expr, env: dict[str, ir.Node]) -> ir.Node:
        """The IR of ``expr``, equal subtrees one object (``ir`` says why)."""
        node = self._lower(expr, env)
        return self._nodes.setdefault(node, node)

    def _lower(self, expr: syntax.Expr, env: dict[str, ir.Node]) -> ir.Node:
        match expr:
            case syntax.Literal(value):
                return ir.Const(value)
            case syntax.SetLiteral(items):
                nodes = tuple(self.lower(item, env) for item in items)
                if all(isinstance(n, ir.Const) for n in nodes):
                    return ir.Const(frozenset(n.value for n in nodes))  # type: ignore[union-attr]
                return ir.SetOf(nodes)
            case syntax.Name(name):
                if name in env:
                    return env[name]
                if name in self.symbols.consts:
                    return self.lower(self.symbols.consts[name].value, {})
                if name in self.symbols.defines:
                    return self.lower(self.symbols.defines[name].body, {})
                return self._path(ir.Path(None, (name,)))
            case syntax.Attr(obj, name):
                return self._path(self._step(self.lower(obj, env), name))
            case syntax.Index(obj, index):
                return self._step(self.lower(obj, env), index)
            case syntax.Call(func, args):
                lowered = tuple(
                    ir.Const(_Vocabulary(*self._matcher(arg)))
                    if self._is_vocabulary(arg)
                    else self.lower(arg, env)
                    for arg in args
                )
                define = self.symbols.defines.get(func)
                if define is not None:
                    return self.lower(define.body, dict(zip(define.params, lowered, strict=True)))
                kinds = BUILTINS[func].params
                return ir.Builtin(
                    func,
                    tuple(
                        ir.Const(node.value.matcher)
                        if kind == "labels"
                        and isinstance(node, ir.Const)
                        and isinstance(node.value, _Vocabulary)
                        else node
                        for arg, node, kind in zip(args, lowered, kinds, strict=True)
                    ),
                )
            case syntax.Not(operand):
                return ir.Not(self.lower(operand, env))
            case syntax.And(operands):
                return ir.And(tuple(self.lower(o, env) for o in operands))
            case syntax.Or(operands):
                return ir.Or(tuple(self.lower(o, env) for o in operands))
            case syntax.Compare(op, left, right):
                return ir.Compare(op, self.lower(left, env), self.lower(right, env))
            case syntax.Member(item, collection, negated):
                return ir.Member(self.lower(item, env), self.lower(collection, env), negated)
            case syntax.Contains(collection, item):
                return ir.Contains(self.lower(collection, env), self.lower(item, env))
            case syntax.Matches(subject, vocabulary):
                passed = env.get(vocabulary.name) if isinstance(vocabulary, syntax.Name) else None
                if isinstance(passed, ir.Const) and isinstance(passed.value, _Vocabulary):
                    name, matcher = passed.value.key, passed.value.matcher
                else:
                    name, matcher = self._matcher(vocabulary)
                return ir.Matches(self.lower(subject, env), matcher, name)
            case syntax.Within(subject, duration, direction, anchor):
                return ir.Within(
                    self.lower(subject, env),
                    self.lower(duration, env),
                    direction,
                    self.lower(anchor, env),
                )
            case syntax.Exists(operand):
                return ir.Exists(self.lower(operand, env))
            case syntax.Arith(op, left, right):
                return ir.Arith(op, self.lower(left, env), self.lower(right, env))
            case syntax.Quantified(quantifier, var, collection, where, body):
                inner = {**env, var: ir.Path(var, ())}
                return ir.Quantified(
                    quantifier,
                    var,
                    self.lower(collection, env),
                    self.lower(where, inner) if where is not None else None,
                    self.lower(body, inner),
                )
            case syntax.Count(var, collection, where):
                inner = {**env, var: ir.Path(var, ())}
                return ir.Count(
                    var,
                    self.lower(collection, env),
                    self.lower(where, inner) if where is not None else None,
                )
            case syntax.First(var, collection, where):
                inner = {**env, var: ir.Path(var, ())}
                return ir.First(
                    var,
                    self.lower(collection, env),
                    self.lower(where, inner) if where is not None else None,
                )
        raise AssertionError(f"unhandled node {expr!r}")  # pragma: no cover

    @staticmethod
    def _step(base: ir.Node, step: str | int) -> ir.Node:
        if isinstance(base, ir.Path):
            return ir.Path(base.base, (*base.steps, step))
        return ir.Path(base, (step,))

    @staticmethod
    def _path(node: ir.Node) -> ir.Node:
        if isinstance(node, ir.Path) and node.base is None:
            derived = _DERIVED.get(node.steps)
            if derived is not None:
                return ir.Derived(derived)
        return node

    def _is_vocabulary(self, expr: syntax.Expr) -> bool:
        """A label class reference (``vocabulary.class``), passed to a define or a built-in."""
        return (
            isinstance(expr, syntax.Attr)
            and isinstance(expr.obj, syntax.Name)
            and expr.obj.name in self.symbols.labels
        )

    def _matcher(self, vocabulary: syntax.Expr) -> tuple[str, LabelMatcher]:
        if isinstance(vocabulary, syntax.Name) and vocabulary.name in self.symbols.consts:
            return self._matcher(self.symbols.consts[vocabulary.name].value)
        if isinstance(vocabulary, syntax.Attr) and isinstance(vocabulary.obj, syntax.Name):
            key = f"{vocabulary.obj.name}.{vocabulary.name}"
            labels = self.symbols.labels[vocabulary.obj.name]
            words = next(c.labels for c in labels.classes if c.name == vocabulary.name)
        elif isinstance(vocabulary, syntax.SetLiteral):
            words = tuple(
                item.value
                for item in vocabulary.items
                if isinstance(item, syntax.Literal) and isinstance(item.value, str)
            )
            key = "{" + ", ".join(f'"{w}"' for w in words) + "}"
        else:
            assert isinstance(vocabulary, syntax.Literal) and isinstance(vocabulary.value, str)
            words = (vocabulary.value,)
            key = f'"{vocabulary.value}"'
        if key not in self._matchers:
            self._matchers[key] = LabelMatcher.build(words)
        return key, self._matchers[key]


def _rule(rule: syntax.Rule, code: str, lower: _Lowerer) -> CompiledRule:
    env: dict[str, ir.Node] = {}
    lets = []
    for c in rule.clauses:
        if isinstance(c, syntax.Let):
            lets.append((c.name, lower.lower(c.value, env)))
            env[c.name] = ir.LetRef(c.name)
    applies = clause(rule, syntax.Applies)
    parts: list[ir.Node] = []
    if isinstance(applies, syntax.Applies):
        parts.append(lower.lower(applies.when, env))
        if applies.unless is not None:
            parts.append(ir.Not(lower.lower(applies.unless, env)))
    requires = clause(rule, syntax.Requires)
    effective = clause(rule, syntax.Effective)
    message = clause(rule, syntax.Message)
    remedy = clause(rule, syntax.Remedy)
    confidence = clause(rule, syntax.Confidence)
    overrides = clause(rule, syntax.Overrides)
    title = clause(rule, syntax.Title)
    severity = clause(rule, syntax.SeverityClause)
    obligation = clause(rule, syntax.Obligation)
    assert isinstance(requires, syntax.Requires) and isinstance(effective, syntax.Effective)
    assert isinstance(message, syntax.Message) and isinstance(title, syntax.Title)
    assert isinstance(severity, syntax.SeverityClause)
    citations = tuple(
        citation(c, lower.symbols.sources) for c in rule.clauses if isinstance(c, syntax.Cite)
    )
    return CompiledRule(
        rule_id=rule.rule_id,
        jurisdiction=code,
        title=title.text,
        citations=citations,
        severity=severity.level,
        start=effective.start,
        end=effective.end,
        confidence=confidence.text if isinstance(confidence, syntax.Confidence) else None,
        notes=tuple(c.text for c in rule.clauses if isinstance(c, syntax.Note)),
        lets=tuple(lets),
        scope=parts[0] if len(parts) == 1 else (ir.And(tuple(parts)) if parts else TRUE),
        requirement=lower.lower(requires.expr, env),
        message=message.text,
        remedy=remedy.text if isinstance(remedy, syntax.Remedy) else None,
        overrides=overrides.rule_ids if isinstance(overrides, syntax.Overrides) else (),
        source=_where(rule.span),
        obligations=obligation.tags if isinstance(obligation, syntax.Obligation) else (),
    )


def citation(cite: syntax.Cite, sources: Mapping[str, syntax.Source]) -> Citation:
    """A cite as findings show it: the instrument (a source's ``cited_as``), the article, and
    the cite's own address or else the source's."""
    text, url = cite.text, cite.url
    if cite.source is not None:
        source = sources[cite.source]
        text, url = source.cited_as, url if url is not None else source.url
    return Citation(f"{text}, {cite.article}" if cite.article else text, url)


def _presumption(item: syntax.Presume, lower: _Lowerer) -> CompiledPresumption:
    return CompiledPresumption(
        item.path,
        item.value,
        lower.lower(item.when, {}) if item.when is not None else None,
        item.because or "",
        tuple(citation(c, lower.symbols.sources) for c in item.cites),
        _where(item.span),
    )


def compile_program(checked: Checked) -> Program:
    """Compile checked rule files into a ``Program``."""
    assert checked.ok, "compile only what checked without errors"
    jurisdictions: dict[str, CompiledJurisdiction] = {}
    rules: list[CompiledRule] = []
    examples: list[CompiledExample] = []
    presumptions: dict[str, list[CompiledPresumption]] = {}
    nodes: dict[ir.Node, ir.Node] = {}
    for path, module in checked.loaded.modules.items():
        symbols = checked.symbols[path]
        lower = _Lowerer(symbols, nodes)
        header = symbols.jurisdiction
        for item in module.items:
            if isinstance(item, syntax.Jurisdiction):
                tzinfo = zone(item.timezone or "UTC")
                assert tzinfo is not None
                jurisdictions[item.code] = CompiledJurisdiction(
                    item.code,
                    item.name or item.code,
                    item.authority or "",
                    item.timezone or "UTC",
                    tzinfo,
                    lower.lower(item.scope, {}) if item.scope is not None else TRUE,
                    _where(item.span),
                )
        for item in module.items:
            if isinstance(item, syntax.Presume):
                assert header is not None
                presumptions.setdefault(header.code, []).append(_presumption(item, lower))
            elif isinstance(item, syntax.Rule):
                assert header is not None
                rules.append(_rule(item, header.code, lower))
            elif isinstance(item, syntax.Example):
                expects = tuple(
                    Expectation(e.rule_id, e.outcome, e.missing, _where(e.span))
                    for e in item.expects
                )
                examples.append(
                    CompiledExample(
                        item.title,
                        example_record(item, symbols),
                        item.as_of,
                        expects,
                        _where(item.span),
                    )
                )
    for code, declared in presumptions.items():
        if code in jurisdictions:
            jurisdictions[code] = attrs.evolve(jurisdictions[code], presumptions=tuple(declared))
    rules.sort(key=lambda r: (r.jurisdiction, r.rule_id, r.start))
    warnings = tuple(d for d in checked.diagnostics)
    return Program(jurisdictions, tuple(rules), tuple(examples), warnings)


__all__ = [
    "RECORD",
    "Citation",
    "CompiledExample",
    "CompiledJurisdiction",
    "CompiledRule",
    "Expectation",
    "Program",
    "compile_program",
]
