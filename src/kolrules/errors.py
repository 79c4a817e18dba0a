"""The exception hierarchy: one root, builtin bases where natural."""

from __future__ import annotations

from collections.abc import Sequence

from kolrules.diagnostics import Diagnostic, Severity, render
from kolrules.source import SourceFile


class KolrulesError(Exception):
    """Root of every error kolrules raises on purpose."""


class RuleError(KolrulesError):
    """Rule files did not compile.

    Attributes:
        diagnostics: every problem found, in file order (errors and warnings).
        sources: the source files by path, for rendering caret snippets.
    """

    def __init__(
        self, diagnostics: Sequence[Diagnostic], sources: dict[str, SourceFile] | None = None
    ) -> None:
        self.diagnostics = tuple(diagnostics)
        self.sources = dict(sources or {})
        errors = [d for d in self.diagnostics if d.severity is Severity.ERROR]
        first = errors[0].headline() if errors else "rule files did not compile"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)

    def render(self) -> str:
        """All diagnostics rendered with caret snippets, separated by blank lines."""
        parts = []
        for diagnostic in self.diagnostics:
            source = self.sources.get(diagnostic.span.path) if diagnostic.span else None
            parts.append(render(diagnostic, source))
        return "\n\n".join(parts)


class RecordError(KolrulesError, ValueError):
    """An activity record is not valid.

    Attributes:
        issues: the problems, each with the field path it concerns.
    """

    def __init__(self, issues: Sequence[object]) -> None:
        self.issues = tuple(issues)
        text = "; ".join(str(issue) for issue in self.issues[:3])
        super().__init__(f"invalid activity record: {text}")


class UsageError(KolrulesError, TypeError):
    """An API function was called with an argument it cannot take."""
