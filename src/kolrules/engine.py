"""The ``Engine`` facade: prepare rules once (parse, check, compile), check records many times.

Checking is a fold over the one decision loop (``kolrules.decider``); findings are built by
``kolrules.finding_builder``.
"""

from __future__ import annotations

import datetime as dt
import functools
import pickle
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from kolrules.decider import Decider
from kolrules.diagnostics import Diagnostic, Severity
from kolrules.errors import RecordError, UsageError
from kolrules.finding_builder import Explainer, default_warnings, record_error
from kolrules.findings import Finding, Issue, Report
from kolrules.inputs import Input
from kolrules.packcache import Compiled as CompiledFiles
from kolrules.packcache import load_or_compile
from kolrules.presumptions import assumptions as parse_assumptions
from kolrules.presumptions import normalized_value
from kolrules.program import (
    CompiledExample,
    CompiledJurisdiction,
    CompiledPresumption,
    CompiledRule,
    Program,
)
from kolrules.records import Record, RecordIssue, ensure_record, validate
from kolrules.resources import jurisdictions_dir


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
    # The decision loop and the finding builder, with their caches of generated code and
    # prepared rules: built from the fields above, never compared or pickled.
    _decider: Decider = attrs.field(init=False, repr=False, eq=False)
    _explainer: Explainer = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        decider = Decider(
            self.program,
            self.selected,
            self._by_jurisdiction,
            self._overriders,
            presumptions=self.presumptions,
            assumed=self.assumed,
        )
        object.__setattr__(self, "_decider", decider)
        object.__setattr__(self, "_explainer", Explainer())

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
        fresh = attrs.evolve(fresh, assumed=state["assumed"])
        for field in attrs.fields(Engine):
            object.__setattr__(self, field.name, getattr(fresh, field.name))

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
        assumed = parse_assumptions([assume] if isinstance(assume, str) else assume)
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
        """The same compiled rules with presumptions switched or other assumptions.

        ``assume`` is a mapping of field paths to values, or ``PATH=VALUE`` texts; a single
        text is one assumption.
        """
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
        if isinstance(records, (str, bytes, Mapping, Record)) or not isinstance(records, Iterable):
            kind = type(records).__name__
            raise UsageError(
                f"check_many takes an iterable of records (a list, a generator), not a single "
                f"{kind}; use check() for one record"
            )
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
                    errors=tuple(i for i in error.issues if isinstance(i, RecordIssue)),
                )
                continue
            except Exception as error:  # one record never sinks a batch
                yield record_error(None, line, error)
                continue
            try:
                report = self._report(record, as_of, include_pass, line=line)
            except Exception as error:  # one record never sinks a batch
                report = record_error(record.id, line, error)
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

        The fast triage pass for scanning many records. Lists violations and undetermined
        rules (and, with ``include_pass``, every rule in force). Pass a ``Record`` (from
        ``kolrules.validate``) to skip validation. Raises ``RecordError`` for an invalid record.
        """
        validated = ensure_record(record, strict=strict)
        out: dict[str, str] = {}
        for view in self._decider.views(validated, as_of):
            if view.scope is False and not include_pass:
                continue  # nothing in this jurisdiction can be reported
            for decided in self._decider.decisions(view, include_pass=include_pass, explain=False):
                out[decided.rule.rule_id] = decided.outcome
        return out

    def _report(
        self, record: Record, as_of: dt.date | None, include_pass: bool, line: int | None = None
    ) -> Report:
        findings: list[Finding] = []
        evaluated: list[str] = []
        dates: dict[str, dt.date] = {}
        decider, explainer = self._decider, self._explainer
        for view in decider.views(record, as_of):
            if view.scope is not False:
                evaluated.append(view.code)
                dates[view.code] = view.day
            elif not include_pass:
                continue  # nothing in this jurisdiction can be reported
            kleene = decider.plan(view.code, view.day).kleene
            for decided in decider.decisions(view, include_pass=include_pass, explain=True):
                rule = decided.rule
                if decided.error is not None:
                    findings.append(explainer.rule_error(rule, decided.error))
                    continue
                try:
                    finding = explainer.finding(
                        rule,
                        functools.partial(kleene.lets_of, decided.number, view.ctx),
                        view.ctx,
                        decided.outcome,
                        decided.missing,
                        decided.overridden_by,
                        decider.presumed(view, decided),
                    )
                except Exception as error:  # one broken rule must not lose the record
                    finding = explainer.rule_error(rule, error)
                findings.append(finding)
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
            warnings=(*record.warnings, *default_warnings(findings)),
            dates=by_j,
        )



def _compile(
    paths: Sequence[str | Path],
    *,
    root: str | Path | None = None,
    texts: dict[str, str] | None = None,
) -> CompiledFiles:
    """The language driver's ``compile_files``, imported only when a program is compiled:
    running compiled (or cached) rules never loads the parser or the checker."""
    from kolrules import lang

    return lang.compile_files(paths, root=root, texts=texts)
