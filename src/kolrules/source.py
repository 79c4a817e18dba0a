"""Source text and positions: the lowest layer, shared by parser, checker and diagnostics."""

from __future__ import annotations

import attrs


@attrs.frozen
class Span:
    """A region of a source file: 1-based line and column of its start and end."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    @classmethod
    def point(cls, path: str, line: int, column: int) -> Span:
        """A one-character span."""
        return cls(path, line, column, line, column + 1)


@attrs.frozen
class SourceFile:
    """The text of one rule file, with the path it was read from (as shown to users)."""

    path: str
    text: str

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline ('' past the end)."""
        lines = self.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""
