"""The canonical formatter: parse(format(parse(x))) == parse(x), and formatting is idempotent."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from kolrules.cli import main
from kolrules.lang.formatter import comments, format_source
from kolrules.lang.parser import ParseFailure, _parser, parse
from kolrules.source import SourceFile

ROOT = Path(__file__).parents[2]
FILES = [*sorted((ROOT / "jurisdictions").rglob("*.kol")), ROOT / "benchmarks/rules/bench.kol"]


def test_packs_round_trip_and_keep_their_comments() -> None:
    for path in FILES:
        source = SourceFile(str(path), path.read_text(encoding="utf-8"))
        once = format_source(source)
        again = format_source(SourceFile(str(path), once))
        assert parse(SourceFile(str(path), once)) == parse(source), path
        assert again == once, path
        assert [c for _, c in comments(once)] == [c for _, c in comments(source.text)], path


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(from_lark(_parser(), start="start"))
def test_generated_programs_round_trip(text: str) -> None:
    try:
        module = parse(SourceFile("g.kol", text))
    except ParseFailure:
        return  # the generator can produce invalid literals (dates like 0000-99-99)
    once = format_source(SourceFile("g.kol", text))
    assert parse(SourceFile("g.kol", once)) == module
    assert format_source(SourceFile("g.kol", once)) == once


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(FILES), st.text(alphabet=' \n#ab"', max_size=30))
def test_comment_noise_never_breaks_the_round_trip(path: Path, noise: str) -> None:
    text = path.read_text(encoding="utf-8")
    noisy = "\n".join(f"# {line}" for line in noise.splitlines()) + "\n" + text
    once = format_source(SourceFile("n.kol", noisy))
    assert parse(SourceFile("n.kol", once)) == parse(SourceFile("n.kol", text))
    assert format_source(SourceFile("n.kol", once)) == once


def test_fmt_command(tmp_path: Path) -> None:
    target = tmp_path / "r.kol"
    target.write_text((ROOT / "tests/fmt/long-conditions.kol").read_text(encoding="utf-8"))
    out = io.StringIO()
    code = main(["fmt", "--check", str(target)], stdout=out, stderr=io.StringIO())
    assert code == 1 and "would reformat" in out.getvalue()
    assert main(["fmt", str(target)], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    assert main(["fmt", "--check", str(target)], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    err = io.StringIO()
    code = main(["fmt", "-"], stdout=io.StringIO(), stderr=err, stdin=io.StringIO("rule {"))
    assert code == 2 and "error[KR101]" in err.getvalue()
