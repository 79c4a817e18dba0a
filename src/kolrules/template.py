"""Message and remedy templates: text with ``{field.path}`` placeholders; ``{{``/``}}`` escape."""

from __future__ import annotations

import re
from collections.abc import Callable

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_PATH = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*|\[\d+\])*\Z")


def placeholders(template: str) -> list[str]:
    """The placeholder paths of a template, in order (escapes excluded)."""
    return [m.group(1) for m in _PLACEHOLDER.finditer(template) if m.group(1) is not None]


def is_valid_path(text: str) -> bool:
    """Whether a placeholder is a well-formed field path such as ``kol.handle``."""
    return bool(_PATH.match(text.strip()))


def split_path(text: str) -> tuple[str | int, ...]:
    """``disclosures[0].text`` → ``("disclosures", 0, "text")``."""
    steps: list[str | int] = []
    for part in re.finditer(r"([a-z_][a-z0-9_]*)|\[(\d+)\]", text.strip()):
        steps.append(part.group(1) if part.group(1) else int(part.group(2)))
    return tuple(steps)


def render(template: str, lookup: object) -> str:
    """Fill placeholders with ``lookup(path) -> str``."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return str(lookup(match.group(1).strip()))  # type: ignore[operator]

    return _PLACEHOLDER.sub(replace, template)


Part = str | tuple[str | int, ...]


def compile_template(template: str) -> tuple[Part, ...]:
    """Literal text and placeholder paths (as steps), parsed once."""
    parts: list[Part] = []
    last = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(template[last : match.start()])
        token = match.group(0)
        parts.append("{" if token == "{{" else "}" if token == "}}" else split_path(match.group(1)))
        last = match.end()
    parts.append(template[last:])
    return tuple(p for p in parts if p != "")


def render_compiled(parts: tuple[Part, ...], lookup: Callable[[tuple[str | int, ...]], str]) -> str:
    """Fill a compiled template with ``lookup(steps) -> str``."""
    return "".join(p if isinstance(p, str) else lookup(p) for p in parts)
