"""``kolrules lsp``: a round trip through pygls's client against the server in a subprocess
(initialize, open a file with an error, diagnostics, hover, completion, definition, formatting,
shutdown), and the analysis it answers from."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from kolrules.cli import main
from kolrules.lang.checker import check
from kolrules.lang.loader import load
from kolrules.lsp.analysis import analyse, completions, definition, formatted, hover


@pytest.fixture
def pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    assert main(["new-pack", "GB", "--timezone", "Europe/London"]) == 0
    return (tmp_path / "gb").resolve()


def _position(text: str, needle: str, into: int = 0) -> tuple[int, int]:
    """1-based line and column of ``into`` characters into the first ``needle``."""
    offset = text.index(needle) + into
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _with_define(pack: Path) -> str:
    """The scaffold's rule written with a define that calls a built-in (saved to disk)."""
    rules = pack / "rules.kol"
    text = rules.read_text(encoding="utf-8").replace(
        "requires any d in disclosures: d.text matches gb_labels.accepted",
        "requires any d in disclosures: labelled(d)",
    )
    text = text.replace(
        "\nrule ",
        "\ndefine labelled(d) = before_fold(d) and d.text matches gb_labels.accepted\n\nrule ",
        1,
    )
    rules.write_text(text, encoding="utf-8")
    assert main(["lint", "--strict", str(pack)]) == 0
    return text


# --- the analysis ------------------------------------------------------------------------------


def test_diagnostics_are_lints_for_every_file_of_the_pack(pack: Path) -> None:
    rules = pack / "rules.kol"
    broken = rules.read_text(encoding="utf-8").replace("when is_sponsored", "when is_sponsord")
    analysis = analyse(str(rules), {str(rules): broken})
    found = analysis.diagnostics()
    assert set(found) == {str(pack / "jurisdiction.kol"), str(rules)}
    assert found[str(pack / "jurisdiction.kol")] == []
    # The same as `kolrules lint gb` on the edited text.
    rules.write_text(broken, encoding="utf-8")
    linted = check(load([pack])).diagnostics
    assert [(d.code, d.message, d.span.line, d.span.column) for d in found[str(rules)]] == [
        (d.code, d.message, d.span.line, d.span.column) for d in linted if d.span
    ]
    assert [d.code for d in found[str(rules)]] == ["KR202"]


def test_hover_fields_variables_rules_builtins_and_names(pack: Path) -> None:
    path = str(pack / "rules.kol")
    text = (pack / "rules.kol").read_text(encoding="utf-8")
    analysis = analyse(path, {})
    said = hover(analysis, path, text, *_position(text, "d.text", 3))
    assert said is not None and said.startswith("`disclosures[].text`: string")
    said = hover(analysis, path, text, *_position(text, "is_sponsored", 2))
    assert said is not None and "derived" in said
    said = hover(analysis, path, text, *_position(text, "expect GB-ADLAW-1-MARK-ADS", 10))
    assert said is not None and "in force from 2020-01-01" in said
    said = hover(analysis, path, text, *_position(text, "gb_labels.accepted", 12))
    assert said is not None and 'accepted: "#ad", "ad", "advertisement"' in said
    assert "unclear" not in said
    said = hover(analysis, path, text, *_position(text, "gb_adlaw", 2))
    assert said is not None and "TODO: the instrument's title" in said
    text = _with_define(pack)
    analysis = analyse(path, {})
    said = hover(analysis, path, text, *_position(text, "before_fold(", 2))
    assert said is not None and said.startswith("`before_fold(disclosure)`")
    said = hover(analysis, path, text, *_position(text, "labelled(d)\n", 2))
    assert said == (
        "```kol\ndefine labelled(d) = before_fold(d) and d.text matches gb_labels.accepted\n```"
    )


def test_completion_of_fields_classes_builtins_and_sources(pack: Path) -> None:
    path = str(pack / "rules.kol")
    text = (pack / "rules.kol").read_text(encoding="utf-8")
    edited = text.replace("d.text matches", "d.te matches").replace(
        "gb_labels.accepted", "gb_labels.acc"
    )
    analysis = analyse(path, {path: edited})

    def labels(needle: str, into: int) -> set[str]:
        return {c.label for c in completions(analysis, path, edited, *_position(edited, needle, into))}

    assert {"text", "placement", "kind"} <= labels("d.te matches", 2)
    assert labels("gb_labels.acc", 10) == {"accepted", "unclear"}
    everything = labels("applies when is_sponsored", 13)
    assert {"kol", "disclosures", "before_fold", "known", "gb_labels"} <= everything
    sources = completions(analysis, path, edited, *_position(edited, "cite gb_adlaw", 5))
    assert [c.label for c in sources] == ["gb_adlaw"]


def test_definition_of_labels_sources_defines_and_rules(pack: Path) -> None:
    path = str(pack / "rules.kol")
    text = (pack / "rules.kol").read_text(encoding="utf-8")
    analysis = analyse(path, {})
    declared = (pack / "jurisdiction.kol").read_text(encoding="utf-8")
    span = definition(analysis, path, text, *_position(text, "gb_labels.accepted", 12))
    assert span is not None and span.path == str(pack / "jurisdiction.kol")
    assert (span.line, span.column) == _position(declared, "accepted:")
    span = definition(analysis, path, text, *_position(text, "gb_adlaw", 1))
    assert span is not None and (span.line, span.column) == _position(declared, "gb_adlaw {")
    span = definition(analysis, path, text, *_position(text, "from gb_sponsored_post", 8))
    assert span is not None and (span.line, span.column) == _position(text, "gb_sponsored_post {")
    span = definition(analysis, path, text, *_position(text, "expect GB-ADLAW", 9))
    assert span is not None and (span.line, span.column) == _position(text, "rule GB-", 5)
    text = _with_define(pack)
    span = definition(analyse(path, {}), path, text, *_position(text, "labelled(d)\n", 3))
    assert span is not None and span.path == path
    assert span.line == _position(text, "define labelled")[0]


def test_formatting_is_fmt(pack: Path) -> None:
    text = (pack / "rules.kol").read_text(encoding="utf-8")
    assert formatted("r.kol", text) == text
    assert formatted("r.kol", text.replace("  severity error", "severity    error")) == text
    assert formatted("r.kol", "rule {") is None


# --- the protocol round trip -------------------------------------------------------------------


async def _round_trip(pack: Path) -> dict[str, Any]:
    client = LanguageClient("kolrules-test", "1")
    published: dict[str, list[types.Diagnostic]] = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published[params.uri] = params.diagnostics
        arrived.set()

    await client.start_io(sys.executable, "-m", "kolrules", "lsp")
    got: dict[str, Any] = {"published": published}
    try:
        result = await asyncio.wait_for(
            client.initialize_async(
                types.InitializeParams(
                    capabilities=types.ClientCapabilities(),
                    root_uri=from_fs_path(str(pack)),
                )
            ),
            60,
        )
        got["capabilities"] = result.capabilities
        client.initialized(types.InitializedParams())
        rules = pack / "rules.kol"
        uri = from_fs_path(str(rules))
        assert uri is not None
        text = rules.read_text(encoding="utf-8")
        broken = text.replace("when is_sponsored", "when is_sponsord").replace(
            "severity error", "severity  error"
        )
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "kolrules", 1, broken))
        )
        while uri not in published:
            arrived.clear()
            await asyncio.wait_for(arrived.wait(), 60)
        got["diagnostics"] = published[uri]
        document = types.TextDocumentIdentifier(uri)

        def at(needle: str, into: int) -> types.Position:
            line, column = _position(broken, needle, into)
            return types.Position(line - 1, column - 1)

        got["hover"] = await client.text_document_hover_async(
            types.HoverParams(document, at("d.text", 3))
        )
        got["completion"] = await client.text_document_completion_async(
            types.CompletionParams(document, at("gb_labels.accepted", 10))
        )
        got["definition"] = await client.text_document_definition_async(
            types.DefinitionParams(document, at("gb_labels.accepted", 2))
        )
        got["formatting"] = await client.text_document_formatting_async(
            types.DocumentFormattingParams(document, types.FormattingOptions(2, True))
        )
        # The fix clears the diagnostics on the next change.
        published.pop(uri)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=2, uri=uri),
                [types.TextDocumentContentChangeWholeDocument(text)],
            )
        )
        while uri not in published:
            arrived.clear()
            await asyncio.wait_for(arrived.wait(), 60)
        got["fixed"] = published[uri]
        got["broken"] = broken
        got["text"] = text
    finally:
        # Always end the server, also when an assertion above failed, so nothing hangs.
        await asyncio.wait_for(client.shutdown_async(None), 30)
        client.exit(None)
        await asyncio.wait_for(client.stop(), 30)
    return got


def test_lsp_round_trip(pack: Path) -> None:
    got = asyncio.run(_round_trip(pack))
    capabilities = got["capabilities"]
    assert capabilities.hover_provider and capabilities.definition_provider
    assert capabilities.document_formatting_provider
    [diagnostic] = got["diagnostics"]
    assert diagnostic.code == "KR202" and diagnostic.source == "kolrules"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert "did you mean `is_sponsored`?" in diagnostic.message
    line, column = _position(got["broken"], "is_sponsord")
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == (line - 1, column - 1)
    assert diagnostic.range.end.character == column - 1 + len("is_sponsord")
    assert got["hover"].contents.value.startswith("`disclosures[].text`: string")
    assert {i.label for i in got["completion"].items} == {"accepted", "unclear"}
    location = got["definition"]
    assert location.uri == from_fs_path(str(pack / "jurisdiction.kol"))
    declared = (pack / "jurisdiction.kol").read_text(encoding="utf-8")
    assert location.range.start.line == _position(declared, "labels gb_labels")[0] - 1
    [edit] = got["formatting"]
    assert edit.new_text == got["broken"].replace("severity  error", "severity error")
    assert list(got["fixed"]) == []
    # The jurisdiction file of the pack got its (empty) diagnostics too.
    assert list(got["published"][from_fs_path(str(pack / "jurisdiction.kol"))]) == []
