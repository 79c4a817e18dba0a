"""Rule-file diagnostics for code hosts: SARIF 2.1.0 (code-scanning annotations) and GitHub
Actions workflow commands (``kolrules lint --format sarif|github``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kolrules.diagnostics import CODES, Diagnostic, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> str:
    """A relative path as a SARIF artifact URI (forward slashes, percent-encoded)."""
    return quote(Path(path).as_posix(), safe="/")


def _message(diagnostic: Diagnostic) -> str:
    text = diagnostic.message
    if diagnostic.suggestion is not None:
        text += f" (did you mean `{diagnostic.suggestion}`?)"
    if diagnostic.help is not None:
        text += f"; help: {diagnostic.help}"
    return text


def _result(diagnostic: Diagnostic, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": index[diagnostic.code],
        "level": "error" if diagnostic.severity is Severity.ERROR else "warning",
        "message": {"text": _message(diagnostic)},
    }
    span = diagnostic.span
    if span is not None:
        result["locations"] = [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(span.path), "uriBaseId": "%SRCROOT%"},
                    "region": {
                        "startLine": span.line,
                        "startColumn": span.column,
                        "endLine": span.end_line,
                        "endColumn": max(span.end_column, span.column + 1)
                        if span.end_line == span.line
                        else span.end_column,
                    },
                }
            }
        ]
    return result


def to_sarif(diagnostics: Sequence[Diagnostic], *, version: str) -> dict[str, Any]:
    """One SARIF 2.1.0 log with one run: the diagnostics as results, their codes as rules
    (with the summary from ``CODES`` and where the docs explain it)."""
    codes = sorted({d.code for d in diagnostics})
    index = {code: i for i, code in enumerate(codes)}
    rules = [
        {
            "id": code,
            "shortDescription": {"text": CODES.get(code, code)},
            "help": {"text": f"docs/diagnostics.md, section {code}"},
        }
        for code in codes
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kolrules",
                        "version": version,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(d, index) for d in diagnostics],
            }
        ],
    }


def sarif_text(diagnostics: Sequence[Diagnostic], *, version: str) -> str:
    """``to_sarif`` as indented JSON text."""
    return json.dumps(to_sarif(diagnostics, version=version), ensure_ascii=False, indent=2)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(diagnostic: Diagnostic) -> str:
    """One GitHub Actions workflow command (``::error file=…,line=…::message``)."""
    kind = "error" if diagnostic.severity is Severity.ERROR else "warning"
    props = [f"title={_escape_property('kolrules ' + diagnostic.code)}"]
    span = diagnostic.span
    if span is not None:
        props = [
            f"file={_escape_property(Path(span.path).as_posix())}",
            f"line={span.line}",
            f"col={span.column}",
            f"endLine={span.end_line}",
            f"endColumn={span.end_column}",
            *props,
        ]
    return f"::{kind} {','.join(props)}::{_escape_data(_message(diagnostic))}"
