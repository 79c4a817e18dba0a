"""``kolrules lsp``: the Language Server Protocol over stdio, on pygls.

pygls does the protocol's framing, JSON-RPC and lifecycle; this module only maps its requests
to ``kolrules.lsp.analysis`` and back. Lines and columns in the protocol count from 0 and ours
from 1; both count characters, which is the same as the protocol's UTF-16 units for every
character outside the astral planes (the packs' scripts, CJK and Vietnamese included).
"""

from __future__ import annotations

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from kolrules import __version__
from kolrules.diagnostics import Diagnostic, Severity
from kolrules.lsp.analysis import Analysis, analyse, completions, definition, formatted, hover
from kolrules.source import Span

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
}
_KIND = {
    "field": types.CompletionItemKind.Field,
    "builtin": types.CompletionItemKind.Function,
    "define": types.CompletionItemKind.Function,
    "const": types.CompletionItemKind.Constant,
    "labels": types.CompletionItemKind.Module,
    "label_class": types.CompletionItemKind.EnumMember,
    "source": types.CompletionItemKind.Reference,
}


def _path(uri: str) -> str:
    """The file system path of a document (its URI when it has none, e.g. untitled)."""
    return to_fs_path(uri) or uri


def _uri(path: str) -> str:
    return path if ":" in path.split("/")[0] else (from_fs_path(path) or path)


def _range(span: Span | None) -> types.Range:
    if span is None:
        return types.Range(types.Position(0, 0), types.Position(0, 0))
    return types.Range(
        types.Position(span.line - 1, span.column - 1),
        types.Position(span.end_line - 1, span.end_column - 1),
    )


def _diagnostic(found: Diagnostic) -> types.Diagnostic:
    message = found.message
    if found.suggestion is not None:
        message += f"\ndid you mean `{found.suggestion}`?"
    if found.help is not None:
        message += f"\nhelp: {found.help}"
    return types.Diagnostic(
        range=_range(found.span),
        message=message,
        severity=_SEVERITY[found.severity],
        code=found.code,
        source="kolrules",
    )


class KolrulesServer(LanguageServer):
    """The language server, with the last analysis of each open document's pack."""

    def __init__(self) -> None:
        super().__init__("kolrules", __version__)
        self.analyses: dict[str, Analysis] = {}

    def texts(self) -> dict[str, str]:
        """The editor's texts of the open documents, by path."""
        return {
            _path(uri): document.source for uri, document in self.workspace.text_documents.items()
        }

    def refresh(self, uri: str) -> None:
        """Check the document's pack again and publish lint's diagnostics for its files."""
        path = _path(uri)
        analysis = analyse(path, self.texts())
        self.analyses[path] = analysis
        for file, found in analysis.diagnostics().items():
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=uri if file == path else _uri(file),
                    diagnostics=[_diagnostic(d) for d in found],
                )
            )

    def current(self, uri: str) -> tuple[Analysis, str, str]:
        """The analysis, path and text of an open document (analysed now if it was not)."""
        path = _path(uri)
        if path not in self.analyses:
            self.refresh(uri)
        return self.analyses[path], path, self.workspace.get_text_document(uri).source


def create_server() -> KolrulesServer:
    """A server with every feature registered (not yet started)."""
    server = KolrulesServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: KolrulesServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: KolrulesServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: KolrulesServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KolrulesServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.analyses.pop(_path(params.text_document.uri), None)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: KolrulesServer, params: types.HoverParams) -> types.Hover | None:
        analysis, path, text = ls.current(params.text_document.uri)
        at = params.position
        found = hover(analysis, path, text, at.line + 1, at.character + 1)
        if found is None:
            return None
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, found))

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["."])
    )
    def on_completion(
        ls: KolrulesServer, params: types.CompletionParams
    ) -> types.CompletionList:
        analysis, path, text = ls.current(params.text_document.uri)
        at = params.position
        items = [
            types.CompletionItem(c.label, kind=_KIND[c.kind], detail=c.detail)
            for c in completions(analysis, path, text, at.line + 1, at.character + 1)
        ]
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def on_definition(
        ls: KolrulesServer, params: types.DefinitionParams
    ) -> types.Location | None:
        analysis, path, text = ls.current(params.text_document.uri)
        at = params.position
        span = definition(analysis, path, text, at.line + 1, at.character + 1)
        if span is None:
            return None
        uri = params.text_document.uri if span.path == path else _uri(span.path)
        return types.Location(uri, _range(span))

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def on_formatting(
        ls: KolrulesServer, params: types.DocumentFormattingParams
    ) -> list[types.TextEdit] | None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        text = formatted(_path(params.text_document.uri), document.source)
        if text is None or text == document.source:
            return None if text is None else []
        end = types.Position(len(document.lines), 0)
        return [types.TextEdit(types.Range(types.Position(0, 0), end), text)]

    return server


def serve() -> None:
    """Run the server on standard input and output until the client ends it."""
    create_server().start_io()
