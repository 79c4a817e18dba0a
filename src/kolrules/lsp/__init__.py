"""The language server for rule files (``kolrules lsp``; needs the ``lsp`` extra, pygls).

``analysis`` holds what the server knows (lint's diagnostics, hover, completion, definitions,
formatting) without any protocol; ``server`` speaks the protocol through pygls.
"""

from __future__ import annotations


def serve() -> None:
    """Run the language server on standard input and output (imports pygls only now)."""
    from kolrules.lsp.server import serve as run

    run()
