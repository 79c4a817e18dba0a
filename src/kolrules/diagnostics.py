"""Diagnostics: small records with a stable code, a span, a message and help, and their rendering.

Every code is documented in ``docs/diagnostics.md``; ``CODES`` is the single list of them and a
test keeps the two in step.
"""

from __future__ import annotations

import enum

import attrs

from kolrules.source import SourceFile, Span


class Severity(enum.Enum):
    """How bad a diagnostic is: errors stop a rule file from compiling, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


#: Every diagnostic code with a one-line summary, by family:
#: KR1xx syntax and files, KR2xx names and types, KR3xx rule metadata, KR4xx worked examples,
#: KR5xx record validation, KR9xx internal.
CODES: dict[str, str] = {
    "KR101": "syntax error: unexpected token",
    "KR102": "syntax error: unexpected character",
    "KR103": "syntax error: unexpected end of file",
    "KR104": "invalid literal (date, number, duration or string)",
    "KR105": "imported file not found or unreadable",
    "KR106": "import cycle",
    "KR107": "import refused: not a relative `.kol` path inside the pack's folders",
    "KR108": "expressions nested too deeply",
    "KR109": "quantifier inside `and`, `or` or `not` without parentheses",
    "KR201": "unknown field in the record format",
    "KR202": "unknown name",
    "KR203": "unknown label set or label class",
    "KR204": "type mismatch",
    "KR205": "wrong arguments to a function or define",
    "KR206": "value not in the field's list of values",
    "KR207": "unknown rule id",
    "KR208": "override cycle",
    "KR209": "duplicate name",
    "KR210": "recursive define",
    "KR211": "not an ISO 3166-1 country code",
    "KR213": "unknown source",
    "KR301": "duplicate rule id",
    "KR302": "overlapping in-force windows of one rule id",
    "KR303": "rule without a citation",
    "KR304": "rule clause missing or repeated",
    "KR305": "empty in-force window",
    "KR306": "jurisdiction header missing, repeated or incomplete",
    "KR307": "unknown time zone",
    "KR308": "rule id does not start with its jurisdiction code",
    "KR309": "unknown field in a message or remedy template",
    "KR310": "a presumption names no field of the record format",
    "KR311": "a presumed value does not fit its field",
    "KR312": "a presumption gives no reason",
    "KR313": "rule id does not follow the naming scheme",
    "KR314": "unknown or repeated obligation tag",
    "KR315": "rule without an obligation tag",
    "KR316": "source titled in another language without an English title",
    "KR401": "example record does not conform to the record format",
    "KR402": "example outcome differs from the expected one",
    "KR403": "example is incomplete",
    "KR404": "unknown base record",
    "KR405": "rule without a violating or a compliant example",
    "KR501": "record is not valid JSON",
    "KR502": "record field has the wrong type or value",
    "KR503": "required record field missing",
    "KR504": "unknown record key",
    "KR505": "unsupported record schema version",
    "KR506": "value not in an open list (accepted)",
    "KR507": "contradiction between record fields",
    "KR508": "datetime without an offset, read as UTC",
    "KR509": "input line longer than the line limit",
    "KR510": "record nested deeper than the depth limit",
    "KR511": "number literal longer than the digit limit",
    "KR512": "input line is not UTF-8 text",
    "KR513": "string with a lone surrogate",
    "KR514": "a platform default stood in for an absent field",
    "KR515": "not an ISO 3166-1 country code (accepted)",
    "KR516": "CSV cell does not convert as the column map says",
    "KR517": "CSV row does not match the header",
    "KR901": "internal error while evaluating a rule",
    "KR902": "internal error while checking a record",
    "KR903": "pack cache folder or entry refused",
}


@attrs.frozen
class Diagnostic:
    """One problem in a rule file: code, severity, where, what, and how to fix it."""

    code: str
    message: str
    span: Span | None
    severity: Severity = Severity.ERROR
    help: str | None = None
    suggestion: str | None = None  # a "did you mean" candidate, kept separately for tools

    def __str__(self) -> str:
        """The diagnostic as ``kolrules lint`` prints it, without the source snippet (``render``
        with the ``SourceFile`` adds the caret)."""
        return render(self)

    def headline(self) -> str:
        """The first line, ``path:line:col: error[CODE]: message``, which editors parse."""
        where = f"{self.span}: " if self.span is not None else ""
        return f"{where}{self.severity.value}[{self.code}]: {self.message}"


def render(diagnostic: Diagnostic, source: SourceFile | None = None) -> str:
    """Render a diagnostic as text: the headline, a caret snippet when the source is known, help."""
    lines = [diagnostic.headline()]
    span = diagnostic.span
    if span is not None and source is not None:
        text = source.line_text(span.line)
        if text:
            gutter = str(span.line)
            pad = " " * len(gutter)
            width = (
                max(1, span.end_column - span.column)
                if span.end_line == span.line
                else max(1, len(text) - span.column + 1)
            )
            lines.append(f"{pad} |")
            lines.append(f"{gutter} | {text}")
            lines.append(f"{pad} | {' ' * (span.column - 1)}{'^' * width}")
    if diagnostic.suggestion is not None:
        lines.append(f"  = help: did you mean `{diagnostic.suggestion}`?")
    if diagnostic.help is not None:
        lines.append(f"  = help: {diagnostic.help}")
    return "\n".join(lines)


def closest(name: str, candidates: object) -> str | None:
    """The candidate closest to ``name`` (for "did you mean"), or None when nothing is close."""
    import difflib

    pool = sorted({str(c) for c in candidates})  # type: ignore[attr-defined]
    found = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return found[0] if found else None
