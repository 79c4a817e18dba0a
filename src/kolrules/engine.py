"""The ``Engine`` facade: prepare rules once (parse, check, compile), check records many times."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from kolrules import ir
from kolrules.codegen import (
    FALLBACK_ERRORS,
    NOT_APPLICABLE,
    OUTCOME_NAMES,
    PASS,
    SCOPE_HOLDS,
    Fast,
    Plan,
    compile_plan,
    compile_scope,
)
from kolrules.diagnostics import Diagnostic, Severity
from kolrules.errors import RecordError, RuleError, UsageError
from kolrules.evidence import Compiled, collect, compile_paths, fact_paths
from kolrules.findings import REPORTED_BY_DEFAULT, Finding, Issue, Presumed, Report
from kolrules.inputs import Input
from kolrules.kleenecode import (
    Evaluate,
    KleenePlan,
    compile_condition,
    compile_kleene,
    compile_kleene_scope,
)
from kolrules.packcache import Compiled as CompiledFiles
from kolrules.packcache import load_or_compile
from kolrules.presumptions import PLATFORM_DEFAULT, normalized_value, platform_defaults
from kolrules.presumptions import apply as apply_presumptions
from kolrules.presumptions import assumptions as parse_assumptions
from kolrules.program import (
    CompiledExample,
    CompiledJurisdiction,
    CompiledPresumption,
    CompiledRule,
    Program,
)
from kolrules.records import Record, RecordIssue, ensure_record, validate
from kolrules.resources import jurisdictions_dir
from kolrules.runtime.derived import DERIVED
from kolrules.template import Part, compile_template, placeholders, render_compiled
from kolrules.values import NOTHING, Context, Elem, Unknown


@attrs.frozen
class _Prepared:
    """What a rule's findings need beyond the rule: its fact paths, whether templates use lets."""

    facts: Compiled
    templates_use_lets: bool
    message: tuple[Part, ...]
    remedy: tuple[Part, ...]


def _text(value: object) -> str:
    if value is None or isinstance(value, Unknown):
        return "not given"
    if value is NOTHING:
        return "none"
    if isinstance(value, Elem):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) if value else "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _message(rule: CompiledRule, outcome: str, missing: tuple[str, ...], violation: Any) -> str:
    """A finding's message, written for its outcome (format 1.1 "Messages"): only a violation
    states what is wrong with the record; the others never assert what the record lacks."""
    if outcome == "violation":
        return str(violation())
    if outcome == "undetermined":
        facts = ", ".join(f"`{m}`" for m in missing) or "more facts"
        return f"not decided: the record does not give {facts}, which this rule needs"
    if outcome == "pass":
        return f"met: {rule.title[:1].lower()}{rule.title[1:]}"
    return "does not apply to this record"


def _default_warnings(findings: Iterable[Finding]) -> tuple[Issue, ...]:
    """One warning per built-in platform default an outcome rested on (format 1.1: a default
    caption fold is used "with a warning that a default was used")."""
    used = {
        (p.path, json.dumps(p.value, default=str)): p
        for f in findings
        for p in f.presumed
        if p.by == PLATFORM_DEFAULT
    }
    return tuple(Issue(p.path, f"not given; rules used {p.reason}", "KR514") for p in used.values())


def _issues(issues: Iterable[RecordIssue]) -> tuple[Issue, ...]:
    return tuple(Issue(i.path, i.message, i.code) for i in issues)


def _internal_error(record_id: str | None, line: int | None, error: Exception) -> Report:
    """The ``invalid`` report (KR902) of a record whose checking raised: a bug, kept local."""
    text = f"{type(error).__name__}: {error}"[:200]
    issue = Issue("", f"internal error while checking this record ({text})", "KR902")
    return Report(record_id, line, "invalid", None, (), errors=(issue,))


@attrs.frozen
class _Plans:
    """The generated code of the rules in force in one jurisdiction on one day: the two-valued
    plan that decides every rule whose facts are all given, and the three-valued functions
    that decide the others with their missing facts."""

    rules: tuple[CompiledRule, ...]
    plan: Plan
    kleene: KleenePlan
    index: dict[str, int]


@attrs.frozen(repr=False)
class Engine:
    """Compiled rules, ready to check activity records. Immutable and safe to share.

    Build one with ``Engine.bundled()`` or ``Engine.from_paths(...)``; then call ``check`` for
    one record or ``check_many`` for a stream.
    """

    program: Program
    selected: tuple[str, ...]
    _by_jurisdiction: dict[str, tuple[CompiledRule, ...]] = attrs.field(alias="_by_jurisdiction")
    _overriders: dict[str, tuple[str, ...]] = attrs.field(alias="_overriders")
    #: Whether rule packs' presumptions and platform defaults fill absent facts (False is the
    #: strict-evidence mode; the user's own assumptions still apply).
    presumptions: bool = True
    #: The user's assumptions for this data source, applied before any presumption.
    assumed: tuple[CompiledPresumption, ...] = ()
    # Per jurisdiction: every presumption to try, in order, with its normalized value.
    _defaults: dict[str, tuple[tuple[CompiledPresumption, object], ...]] = attrs.field(
        factory=dict, alias="_defaults", repr=False, eq=False
    )
    _fast_scopes: dict[str, tuple[Fast, Evaluate]] = attrs.field(
        factory=dict, alias="_fast_scopes", repr=False, eq=False
    )
    # Generated plans by (jurisdiction, day), built on first use. A cache, not state: a plan
    # depends only on which rule versions are in force that day.
    _plans: dict[tuple[str, dt.date], _Plans] = attrs.field(
        factory=dict, alias="_plans", repr=False, eq=False
    )
    # Generated presumption conditions by id of the IR node (nodes live as long as the program).
    _conditions: dict[int, Evaluate] = attrs.field(
        factory=dict, alias="_conditions", repr=False, eq=False
    )
    _prepared_rules: dict[int, _Prepared] = attrs.field(
        factory=dict, alias="_prepared_rules", repr=False, eq=False
    )

    def __repr__(self) -> str:
        return f"Engine(jurisdictions={list(self.selected)!r}, rules={len(self.rules)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # The pretty-printers of IPython and Hypothesis would otherwise list every field.
        printer.text(repr(self))

    # ---- pickling (Dask, Spark, multiprocessing) ----
    def __getstate__(self) -> dict[str, object]:
        """The compiled program (pickled, then zlib-compressed: about 6x smaller) and the
        options. Caches and generated plans stay behind: they hold generated functions, which
        do not pickle, and the worker rebuilds them lazily on first use."""
        program = pickle.dumps(self.program, protocol=pickle.HIGHEST_PROTOCOL)
        return {
            "program": zlib.compress(program, 6),
            "selected": self.selected,
            "presumptions": self.presumptions,
            "assumed": self.assumed,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Rebuild the indexes from the program, with empty caches."""
        program = pickle.loads(zlib.decompress(state["program"]))
        fresh = Engine.from_program(
            program, jurisdictions=state["selected"], presumptions=state["presumptions"]
        )
        for field in attrs.fields(Engine):
            object.__setattr__(self, field.name, getattr(fresh, field.name))
        object.__setattr__(self, "assumed", state["assumed"])

    # ---- construction ----
    @classmethod
    def from_paths(
        cls,
        paths: Sequence[str | Path],
        *,
        jurisdictions: Sequence[str] | None = None,
        root: str | Path | None = None,
        presumptions: bool = True,
        assume: Mapping[str, object] | Iterable[str] = (),
    ) -> Engine:
        """Compile the rule files at ``paths`` (folders are searched for ``*.kol``).

        ``presumptions=False`` is the strict-evidence mode; ``assume`` states facts for a data
        source (``{"published_by": "kol"}``); see ``from_program``. Raises ``RuleError`` with
        every diagnostic when a file does not compile.
        """
        if isinstance(paths, (str, Path)):
            raise UsageError("paths must be a list of paths, not a single path")
        program = load_or_compile(paths, root, lambda: _compile(paths, root=root))
        return cls.from_program(
            program, jurisdictions=jurisdictions, presumptions=presumptions, assume=assume
        )

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        path: str = "<rules>.kol",
        jurisdictions: Sequence[str] | None = None,
        presumptions: bool = True,
        assume: Mapping[str, object] | Iterable[str] = (),
    ) -> Engine:
        """Compile rules given as text (one file; it cannot import others).

        Raises ``RuleError`` with every diagnostic when it does not compile.
        """
        program, _ = _compile([path], texts={path: text})
        return cls.from_program(
            program, jurisdictions=jurisdictions, presumptions=presumptions, assume=assume
        )

    @classmethod
    def bundled(
        cls,
        *,
        jurisdictions: Sequence[str] | None = None,
        presumptions: bool = True,
        assume: Mapping[str, object] | Iterable[str] = (),
    ) -> Engine:
        """The rule packs that ship with kolrules (optionally only some jurisdictions)."""
        folder = jurisdictions_dir()
        return cls.from_paths(
            [folder],
            jurisdictions=jurisdictions,
            root=folder.parent,
            presumptions=presumptions,
            assume=assume,
        )

    @classmethod
    def from_program(
        cls,
        program: Program,
        *,
        jurisdictions: Sequence[str] | None = None,
        presumptions: bool = True,
        assume: Mapping[str, object] | Iterable[str] = (),
    ) -> Engine:
        """An engine over an already compiled program.

        Args:
            jurisdictions: only these codes (default: all in the program).
            presumptions: apply the packs' presumptions and the platform defaults to absent
                facts (``False``: strict evidence, absent stays unknown).
            assume: facts the user states for a data source, as ``{"path": value}`` or
                ``"path=value"`` strings; they apply in every mode, before any presumption.
        """
        if not isinstance(presumptions, bool):
            raise UsageError(f"presumptions must be True or False, got {presumptions!r}")
        assumed = parse_assumptions(assume)
        for assumption in assumed:
            normalized_value(assumption)  # a value that does not fit fails here, not per record
        known = sorted(program.jurisdictions)
        if jurisdictions is None:
            selected = tuple(known)
        else:
            if isinstance(jurisdictions, str):
                raise UsageError('jurisdictions must be a list of codes, e.g. ["US", "VN"]')
            wanted = [j.strip().upper() for j in jurisdictions]
            unknown = [j for j in wanted if j not in program.jurisdictions]
            if unknown:
                raise UsageError(
                    f"unknown jurisdiction(s) {', '.join(unknown)}; "
                    f"available: {', '.join(known) or 'none'}"
                )
            selected = tuple(dict.fromkeys(wanted))
        by_j: dict[str, list[CompiledRule]] = defaultdict(list)
        overriders: dict[str, list[str]] = defaultdict(list)
        for rule in program.rules:
            by_j[rule.jurisdiction].append(rule)
            for target in rule.overrides:
                if rule.rule_id not in overriders[target]:
                    overriders[target].append(rule.rule_id)
        return cls(
            program,
            selected,
            _by_jurisdiction={k: tuple(v) for k, v in by_j.items()},
            _overriders={k: tuple(v) for k, v in overriders.items()},
            presumptions=presumptions,
            assumed=assumed,
        )

    def with_options(
        self,
        *,
        presumptions: bool | None = None,
        assume: Mapping[str, object] | Iterable[str] | None = None,
    ) -> Engine:
        """The same compiled rules with presumptions switched or other assumptions."""
        return Engine.from_program(
            self.program,
            jurisdictions=self.selected,
            presumptions=self.presumptions if presumptions is None else presumptions,
            assume=assume if assume is not None else {a.dotted: a.value for a in self.assumed},
        )

    # ---- introspection ----
    @property
    def jurisdictions(self) -> tuple[CompiledJurisdiction, ...]:
        """The selected jurisdictions."""
        return tuple(self.program.jurisdictions[c] for c in self.selected)

    @property
    def rules(self) -> tuple[CompiledRule, ...]:
        """Every version of every rule of the selected jurisdictions."""
        return tuple(r for c in self.selected for r in self._by_jurisdiction.get(c, ()))

    @property
    def examples(self) -> tuple[CompiledExample, ...]:
        """The worked examples found in the rule files."""
        return self.program.examples

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """Warnings the checker found in the rule files."""
        return tuple(d for d in self.program.warnings if d.severity is Severity.WARNING)

    def versions(self, rule_id: str) -> tuple[CompiledRule, ...]:
        """Every version of one rule, oldest first."""
        return tuple(r for r in self.program.rules if r.rule_id == rule_id)

    # ---- checking ----
    def check(
        self,
        record: object,
        *,
        as_of: dt.date | None = None,
        include_pass: bool = False,
        strict: bool = False,
    ) -> Report:
        """Check one record (a dict, attrs instance or ``Record``) and return its report.

        Raises ``RecordError`` (a ``ValueError``) when the record is not valid; its ``issues``
        carry field paths.

        Args:
            as_of: take the law in force on this date instead of the local publication date.
            include_pass: also list ``pass`` and ``not_applicable`` findings.
            strict: unknown record keys are errors rather than warnings.
        """
        if as_of is not None and (not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime)):
            raise UsageError(f"as_of must be a datetime.date, got {as_of!r}")
        return self._report(ensure_record(record, strict=strict), as_of, include_pass)

    def check_many(
        self,
        records: Iterable[object],
        *,
        as_of: dt.date | None = None,
        include_pass: bool = False,
        strict: bool = False,
    ) -> Iterator[Report]:
        """Check a stream of records lazily, one report per input, in input order.

        Items may be records (dicts, attrs instances, ``Record``) or ``Input`` items from
        ``kolrules.inputs``. An invalid item gives a report with status ``invalid`` and its
        errors; nothing is dropped.
        """
        for position, item in enumerate(records, start=1):
            if isinstance(item, Input) and item.text is not None:
                item = item.parse()
            line = item.line if isinstance(item, Input) else position
            if isinstance(item, Input) and item.error is not None:
                issue = Issue(item.path, item.error, item.code)
                yield Report(item.record_id, line, "invalid", None, (), errors=(issue,))
                continue
            raw = item.value if isinstance(item, Input) else item
            try:
                record = raw if isinstance(raw, Record) else validate(raw, strict=strict, line=line)
            except RecordError as error:
                record_id = raw.get("id") if isinstance(raw, dict) else None
                yield Report(
                    record_id if isinstance(record_id, str) else None,
                    line,
                    "invalid",
                    None,
                    (),
                    errors=_issues(i for i in error.issues if isinstance(i, RecordIssue)),
                )
                continue
            except Exception as error:  # one record never sinks a batch
                yield _internal_error(None, line, error)
                continue
            try:
                report = self._report(record, as_of, include_pass, line=line)
            except Exception as error:  # one record never sinks a batch
                report = _internal_error(record.id, line, error)
            yield report

    def outcomes(
        self,
        record: object,
        *,
        as_of: dt.date | None = None,
        include_pass: bool = False,
        strict: bool = False,
    ) -> dict[str, str]:
        """Rule id → outcome, like ``check`` but without building findings.

        The fast triage pass for scanning many records: generated code decides most rules, the
        reference evaluator the rest. Lists violations and undetermined rules (and, with
        ``include_pass``, every rule in force). Pass a ``Record`` (from ``kolrules.validate``)
        to skip validation. Raises ``RecordError`` for an invalid record.
        """
        validated = ensure_record(record, strict=strict)
        out: dict[str, str] = {}
        for code, _, day, ctx, _ in self._views(validated, as_of):
            scope = self._jurisdiction_scope(code, ctx)
            plans, codes = self._decide(code, day, ctx, scope)
            if not include_pass and all(c in (PASS, NOT_APPLICABLE) for c in codes):
                continue  # the common case: generated code found nothing to report
            for index, (rule, known) in enumerate(zip(plans.rules, codes, strict=True)):
                if known is None or known == SCOPE_HOLDS:
                    try:
                        outcome = self._three_valued(plans, index, known, ctx, scope)[0]
                    except Exception:  # as in check(): a broken rule is undetermined
                        outcome = "undetermined"
                else:
                    outcome = OUTCOME_NAMES[known]
                if include_pass or outcome in REPORTED_BY_DEFAULT:
                    out[rule.rule_id] = outcome
        return out

    # ---- evaluation ----
    def _report(
        self, record: Record, as_of: dt.date | None, include_pass: bool, line: int | None = None
    ) -> Report:
        findings: list[Finding] = []
        evaluated: list[str] = []
        dates: dict[str, dt.date] = {}
        for code, _, day, ctx, applied in self._views(record, as_of):
            scope = self._jurisdiction_scope(code, ctx)
            if scope is not False:
                evaluated.append(code)
                dates[code] = day
            elif not include_pass:
                continue  # nothing in this jurisdiction can be reported
            plans, codes = self._decide(code, day, ctx, scope)
            strict = _Strict(self, code, record, applied, plans) if applied else None
            for index, (rule, known) in enumerate(zip(plans.rules, codes, strict=True)):
                if known in (PASS, NOT_APPLICABLE) and not include_pass:
                    continue  # pass and not_applicable are not listed unless asked
                try:
                    if (
                        known is None
                        or known == SCOPE_HOLDS
                        or (known == NOT_APPLICABLE and rule.rule_id in self._overriders)
                    ):
                        # Missing facts and overriding rules come from the three-valued code.
                        outcome, missing, over = self._three_valued(plans, index, known, ctx, scope)
                    else:
                        outcome, missing, over = OUTCOME_NAMES[known], (), ()
                    if include_pass or outcome in REPORTED_BY_DEFAULT:
                        presumed = strict.depended(index, outcome) if strict is not None else ()
                        findings.append(
                            self._make_finding(
                                rule, plans, index, ctx, outcome, missing, over, presumed
                            )
                        )
                except Exception as error:  # one broken rule must not lose the record
                    findings.append(self._internal_error(rule, error))
        distinct = set(dates.values())
        own_day = record.published_at.date()
        report_day = as_of or (distinct.pop() if len(distinct) == 1 else own_day)
        by_j = tuple(sorted(dates.items())) if len(set(dates.values())) > 1 and not as_of else ()
        return Report(
            record.id,
            line if line is not None else record.line,
            "checked",
            report_day,
            tuple(evaluated),
            tuple(findings),
            warnings=_issues(record.warnings) + _default_warnings(findings),
            dates=by_j,
        )

    def _views(
        self,
        record: Record,
        as_of: dt.date | None,
        condition: Callable[[ir.Node, Context], object] | None = None,
    ) -> Iterator[tuple[str, CompiledJurisdiction, dt.date, Context, tuple[Presumed, ...]]]:
        """Each selected jurisdiction with the record's date there, a fresh context over the
        record as that jurisdiction presumes it, and what was presumed. Presumptions'
        conditions are decided by generated code unless ``condition`` says otherwise (the
        reference evaluator in ``kolrules.testing``)."""
        for code in self.selected:
            jurisdiction = self.program.jurisdictions[code]
            day = as_of or record.published_at.astimezone(jurisdiction.tzinfo).date()
            data: Mapping[str, Any] = record.data
            applied: tuple[Presumed, ...] = ()
            defaults = self._defaults_for(jurisdiction)
            if defaults:
                data, applied = apply_presumptions(
                    record.data,
                    defaults,
                    Context(record.data, jurisdiction.tzinfo),
                    condition or self._condition,
                )
            yield code, jurisdiction, day, Context(data, jurisdiction.tzinfo), applied

    def _defaults_for(
        self, jurisdiction: CompiledJurisdiction
    ) -> tuple[tuple[CompiledPresumption, object], ...]:
        found = self._defaults.get(jurisdiction.code)
        if found is None:
            ordered = self.assumed
            if self.presumptions:
                ordered += jurisdiction.presumptions + platform_defaults()
            found = tuple((p, p.value if p.value_from else normalized_value(p)) for p in ordered)
            self._defaults[jurisdiction.code] = found
        return found

    def _condition(self, node: ir.Node, ctx: Context) -> object:
        """A presumption's ``when`` condition by generated three-valued code."""
        found = self._conditions.get(id(node))
        if found is None:
            found = self._conditions[id(node)] = compile_condition(node, "presumption")
        return found(ctx.data, ctx)

    def _plan(self, code: str, day: dt.date) -> _Plans:
        key = (code, day)
        found = self._plans.get(key)
        if found is None:
            rules = tuple(r for r in self._by_jurisdiction.get(code, ()) if r.in_force(day))
            # A snapshot: another thread may add a plan while we look (dicts are not
            # iterable while they grow).
            same = next(
                (p for (c, _), p in list(self._plans.items()) if c == code and p.rules == rules),
                None,
            )
            found = same or _Plans(
                rules,
                compile_plan(list(rules), self._overriders, code),
                compile_kleene(list(rules), self._overriders, code),
                {rule.rule_id: i for i, rule in enumerate(rules)},
            )
            self._plans[key] = found
        return found

    def _decide(
        self, code: str, day: dt.date, ctx: Context, jurisdiction_scope: object
    ) -> tuple[_Plans, list[int | None]]:
        """The rules in force and their outcome codes by the two-valued plan (None: the
        three-valued functions decide)."""
        plans = self._plan(code, day)
        if jurisdiction_scope is True:
            try:
                return plans, plans.plan(ctx.data, ctx)  # type: ignore[arg-type]
            except Exception:  # a bug surfaced here is reported per rule by the other path
                return plans, [None] * len(plans.rules)
        if jurisdiction_scope is False:
            return plans, [0] * len(plans.rules)
        return plans, [None] * len(plans.rules)

    @staticmethod
    def _three_valued(
        plans: _Plans, index: int, known: int | None, ctx: Context, jurisdiction_scope: object
    ) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        """Outcome, missing facts and overriding rules of one rule, by three-valued code."""
        if known == SCOPE_HOLDS:
            return plans.kleene.requirement[index](ctx.data, ctx)
        return plans.kleene.decide[index](ctx.data, ctx, jurisdiction_scope)

    def _scope_functions(self, code: str) -> tuple[Fast, Evaluate]:
        found = self._fast_scopes.get(code)
        if found is None:
            jurisdiction = self.program.jurisdictions[code]
            found = compile_scope(jurisdiction), compile_kleene_scope(jurisdiction)
            self._fast_scopes[code] = found
        return found

    def _jurisdiction_scope(self, code: str, ctx: Context) -> object:
        fast, three_valued = self._scope_functions(code)
        try:
            return fast(ctx.data, ctx)  # type: ignore[arg-type]
        except FALLBACK_ERRORS:
            return three_valued(ctx.data, ctx)

    def _make_finding(
        self,
        rule: CompiledRule,
        plans: _Plans,
        index: int,
        ctx: Context,
        outcome: str,
        missing: tuple[str, ...],
        overridden_by: tuple[str, ...],
        presumed: tuple[Presumed, ...] = (),
    ) -> Finding:
        prepared = self._prepared(rule)
        if prepared.templates_use_lets:
            ctx.lets = plans.kleene.lets[index](ctx.data, ctx)
        lookup = lambda steps: _text(self._lookup(steps, ctx))  # noqa: E731
        message = _message(
            rule, outcome, missing, lambda: render_compiled(prepared.message, lookup)
        )
        return Finding(
            rule_id=rule.rule_id,
            jurisdiction=rule.jurisdiction,
            outcome=outcome,
            severity=rule.severity,
            title=rule.title,
            message=message,
            remedy=render_compiled(prepared.remedy, lookup) if rule.remedy else None,
            citations=rule.citations,
            evidence=collect(prepared.facts, ctx) if outcome != "not_applicable" else (),
            missing=missing,
            rule_source=rule.source,
            confidence=rule.confidence,
            notes=rule.notes,
            overridden_by=overridden_by,
            presumed=presumed,
        )

    def _prepared(self, rule: CompiledRule) -> _Prepared:
        found = self._prepared_rules.get(id(rule))
        if found is None:
            lets = {name for name, _ in rule.lets}
            used = {
                p.split(".")[0].split("[")[0]
                for p in placeholders(rule.message) + placeholders(rule.remedy or "")
            }
            nodes = [rule.scope, rule.requirement, *(node for _, node in rule.lets)]
            found = _Prepared(
                compile_paths(fact_paths(nodes)),
                bool(lets & used),
                compile_template(rule.message),
                compile_template(rule.remedy or ""),
            )
            self._prepared_rules[id(rule)] = found
        return found

    @staticmethod
    def _lookup(steps: tuple[str | int, ...], ctx: Context) -> object:
        if not steps:
            return None
        value: Any
        first = steps[0]
        if isinstance(first, str) and first in ctx.lets:
            value, rest = ctx.lets[first], steps[1:]
            if isinstance(value, Elem):
                value = value.value
        else:
            dotted = ".".join(str(s) for s in steps)
            if dotted in DERIVED:
                return DERIVED[dotted](ctx)
            value, rest = ctx.data, steps
        for step in rest:
            if isinstance(step, int):
                value = value[step] if isinstance(value, list) and step < len(value) else None
            else:
                value = value.get(step) if isinstance(value, dict) else None
            if value is None:
                return None
        return value

    @staticmethod
    def _internal_error(rule: CompiledRule, error: Exception) -> Finding:
        return Finding(
            rule_id=rule.rule_id,
            jurisdiction=rule.jurisdiction,
            outcome="undetermined",
            severity=rule.severity,
            title=rule.title,
            message=f"internal error [KR901] while evaluating this rule: "
            f"{type(error).__name__}: {error}; please report it",
            remedy=None,
            citations=rule.citations,
            evidence=(),
            missing=(),
            rule_source=rule.source,
            confidence=rule.confidence,
            notes=("KR901",),
        )


class _Strict:
    """The record as given (no presumption), to tell which presumptions an outcome rests on.

    Kleene logic is monotone: an outcome decided without a presumed value would be the same
    with it. So a finding depended on a presumption exactly when, on the record as given, its
    rule is undetermined for want of the presumed field.
    """

    def __init__(
        self,
        engine: Engine,
        code: str,
        record: Record,
        applied: tuple[Presumed, ...],
        plans: _Plans,
    ) -> None:
        self.engine = engine
        self.code = code
        self.applied = applied
        self.plans = plans
        self.ctx = Context(record.data, engine.program.jurisdictions[code].tzinfo)
        self.scope: object = None  # evaluated when a finding first asks: most records have none

    def depended(self, index: int, outcome: str) -> tuple[Presumed, ...]:
        """The presumptions the outcome of rule ``index`` rests on (none when undetermined)."""
        if outcome == "undetermined":
            return ()
        if self.scope is None:
            self.scope = self.engine._scope_functions(self.code)[1](self.ctx.data, self.ctx)
        found, missing, _ = self.plans.kleene.decide[index](self.ctx.data, self.ctx, self.scope)
        if found != "undetermined":
            return ()
        used = tuple(
            p
            for p in self.applied
            if any(m == p.path or m.startswith((p.path + ".", p.path + "[")) for m in missing)
        )
        return used or self.applied


def lint(
    paths: Sequence[str | Path] = (), *, texts: dict[str, str] | None = None
) -> tuple[Diagnostic, ...]:
    """Every problem in the rule files (errors and warnings), without raising.

    Pass file or folder ``paths``, or in-memory ``texts`` keyed by the path to show.
    """
    from kolrules.lang.checker import check
    from kolrules.lang.loader import load

    loaded = load(list(texts), texts=texts) if texts else load(paths)
    return check(loaded).diagnostics


def _compile(
    paths: Sequence[str | Path],
    *,
    root: str | Path | None = None,
    texts: dict[str, str] | None = None,
) -> CompiledFiles:
    """Parse, check and compile; RuleError with every diagnostic when that fails."""
    # Imported here: running compiled (or cached) rules never needs the parser or checker.
    from kolrules.lang.checker import check
    from kolrules.lang.compiler import compile_program
    from kolrules.lang.loader import load

    loaded = load(paths, root=root, texts=texts)
    checked = check(loaded)
    if not checked.ok:
        raise RuleError(checked.diagnostics, loaded.sources)
    return compile_program(checked), loaded.files
