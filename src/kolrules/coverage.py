"""Coverage tables of the rule packs, generated into ``docs/jurisdictions/<CODE>.md``.

Each page has a generated table between two markers and hand-written text around it (what the
pack cannot encode yet, and why). ``kolrules docs coverage`` rewrites the tables; with
``--check`` it fails when a checked-in table is out of date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kolrules.engine import Engine

BEGIN = "<!-- BEGIN GENERATED: kolrules docs coverage -->"
END = "<!-- END GENERATED -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(engine: Engine, code: str) -> str:
    """The coverage table of one jurisdiction: one row per rule version."""
    jurisdiction = engine.program.jurisdictions[code]
    rules = sorted(
        (r for r in engine.program.rules if r.jurisdiction == code),
        key=lambda r: (r.rule_id, r.start),
    )
    examples: dict[str, int] = {}
    for example in engine.examples:
        for expect in example.expects:
            examples[expect.rule_id] = examples.get(expect.rule_id, 0) + 1
    lines = [
        f"{len(rules)} rule versions ({len({r.rule_id for r in rules})} rules) for "
        f"{jurisdiction.name}, dated in {jurisdiction.timezone}.",
        "",
        "| rule | title | obligation | citation | in force | severity | confidence | examples |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for rule in rules:
        cites = "; ".join(
            f"[{_cell(c.text)}]({c.url})" if c.url else _cell(c.text) for c in rule.citations
        )
        window = (
            f"{rule.start} – {rule.end - dt.timedelta(days=1)}"
            if rule.end
            else f"from {rule.start}"
        )
        confidence = _cell(rule.confidence) if rule.confidence else "—"
        tags = ", ".join(f"`{tag}`" for tag in rule.obligations) or "—"
        lines.append(
            f"| `{rule.rule_id}` | {_cell(rule.title)} | {tags} | {cites} | {window} | "
            f"{rule.severity} | {confidence} | {examples.get(rule.rule_id, 0)} |"
        )
    return "\n".join(lines)


def render(existing: str, generated: str, code: str) -> str:
    """The page with its generated part replaced (or a new page around it)."""
    block = f"{BEGIN}\n{generated}\n{END}"
    if BEGIN in existing and END in existing:
        head, rest = existing.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        return head + block + tail
    return f"# {code}: coverage of the rule pack\n\n{block}\n"


def update(folder: Path, *, check: bool, engine: Engine | None = None) -> list[str]:
    """Rewrite (or with ``check``, only compare) every page; the names of stale pages."""
    engine = engine or Engine.bundled()
    stale = []
    if not check:
        folder.mkdir(parents=True, exist_ok=True)
    for code in sorted(engine.program.jurisdictions):
        page = folder / f"{code}.md"
        existing = page.read_text(encoding="utf-8") if page.exists() else ""
        wanted = render(existing, table(engine, code), code)
        if wanted != existing:
            stale.append(str(page))
            if not check:
                page.write_text(wanted, encoding="utf-8")
    return stale
