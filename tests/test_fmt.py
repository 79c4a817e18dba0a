"""Golden layouts for ``kolrules fmt``: each ``tests/fmt/NAME.kol`` formats to
``NAME.kol.formatted`` (``pytest --update-golden`` rewrites them; review with ``git diff``)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from kolrules.cli import main
from kolrules.lang.formatter import WIDTH, comments, format_source
from kolrules.lang.parser import parse
from kolrules.source import SourceFile

FOLDER = Path(__file__).parent / "fmt"
PAIRS = sorted(FOLDER.glob("*.kol"))
ROOT = Path(__file__).parents[1]
_STRING = re.compile(r'"(\\.|[^"\\])*"')
_MEMBER = re.compile("^\0: \0,?$")


@pytest.mark.parametrize("path", PAIRS, ids=[p.stem for p in PAIRS])
def test_golden_layout(path: Path, update_golden: bool) -> None:
    source = SourceFile(str(path), path.read_text(encoding="utf-8"))
    formatted = format_source(source)
    golden = path.with_name(path.name + ".formatted")
    if update_golden:
        golden.write_text(formatted, encoding="utf-8")
    assert formatted == golden.read_text(encoding="utf-8")
    again = SourceFile(str(path), formatted)
    assert format_source(again) == formatted
    assert parse(again) == parse(source)
    assert [c for _, c in comments(formatted)] == [c for _, c in comments(source.text)]


def test_author_parentheses_are_kept() -> None:
    text = FOLDER.joinpath("long-conditions.kol").read_text(encoding="utf-8")
    out = format_source(SourceFile("p.kol", text))
    assert "(is_sponsored) and (any d in disclosures:" in out


def test_only_unbreakable_lines_pass_the_width() -> None:
    for path in sorted((ROOT / "jurisdictions").rglob("*.kol")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if len(line) <= WIDTH:
                continue
            # Only a comment or one long string (a clause's text, a JSON member's value) passes.
            skeleton = _STRING.sub("\0", line.strip())
            ok = skeleton.startswith("#") or skeleton.count("\0") == 1 or _MEMBER.match(skeleton)
            assert ok, f"{path}:{number}: {skeleton}"


def test_bundled_packs_are_canonical() -> None:
    out = io.StringIO()
    assert main(["fmt", "--check", str(ROOT / "jurisdictions")], stdout=out) == 0, out.getvalue()
