"""Imports point down the pipeline: a module never imports a higher layer."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "src" / "kolrules"

# Lower number = lower layer. A module may import only modules of a strictly lower layer.
LAYERS: dict[str, int] = {
    # data and text utilities with no kolrules imports
    "kolrules.source": 0,
    "kolrules.types": 0,
    "kolrules.timeutil": 0,
    "kolrules.countries": 0,
    "kolrules.text": 0,
    "kolrules.resources": 0,
    "kolrules.template": 0,
    "kolrules.builtins": 3,
    "kolrules.runtime.builtins": 2,
    "kolrules.inputs": 0,
    "kolrules.csvmap": 1,
    "kolrules.findings": 0,
    "kolrules.obligations": 0,
    "kolrules.diagnostics": 1,
    "kolrules.schema": 1,
    "kolrules.lang.syntax": 1,
    "kolrules.ir": 1,
    # generated Python (the package imports nothing; emit builds and runs what they generate)
    "kolrules.codegen": 0,
    "kolrules.codegen.emit": 0,
    "kolrules.values": 1,
    "kolrules.errors": 2,
    "kolrules.codegen.record_check": 2,
    "kolrules.jsonschema": 2,
    "kolrules.docgen": 3,
    "kolrules.placement": 3,
    "kolrules.records": 3,
    "kolrules.evidence": 4,
    "kolrules.presumptions": 4,
    "kolrules.runtime": 0,
    "kolrules.runtime.derived": 2,
    "kolrules.runtime.kleene": 3,
    "kolrules.runtime.decide": 4,
    "kolrules.evaluate": 4,
    "kolrules.codegen.sharing": 3,
    "kolrules.codegen.three_valued": 5,
    # source text -> parse -> AST -> check -> compile
    "kolrules.lang.parser": 4,
    "kolrules.lang.loader": 5,
    "kolrules.lang.symbols": 6,
    "kolrules.lang.typecheck": 7,
    "kolrules.lang.checker": 8,
    "kolrules.lang.compiler": 9,
    # the driver: lint, compile_files (the passes imported inside them)
    "kolrules.lang": 10,
    "kolrules.lang.printer": 4,
    "kolrules.lang.formatter": 5,
    "kolrules.program": 2,
    "kolrules.packcodec": 3,
    "kolrules.packcache": 4,
    "kolrules.codegen.two_valued": 6,
    "kolrules.codegen.plan": 7,
    "kolrules.decider": 10,
    "kolrules.finding_builder": 10,
    # evaluate -> findings -> reporters / CLI
    "kolrules.engine": 11,
    "kolrules.testing": 12,
    "kolrules.cases": 12,
    "kolrules.policy": 14,
    "kolrules.coverage": 12,
    "kolrules.obligationmap": 12,
    "kolrules.parallel": 13,
    "kolrules.columnar": 12,
    "kolrules.dask": 13,
    "kolrules.spark": 13,
    "kolrules.reporters": 12,
    "kolrules.sniff": 0,
    "kolrules.reports": 0,
    "kolrules.reports.sarif": 2,
    "kolrules.reports.progress": 0,
    "kolrules.reports.table": 12,
    "kolrules.reports.gaps": 12,
    "kolrules.reports.page": 13,
    "kolrules.strategies._records": 10,
    "kolrules.strategies._steer": 11,
    "kolrules.strategies._for_rule": 12,
    "kolrules.strategies": 13,
    "kolrules.packs": 12,
    "kolrules.explain": 12,
    "kolrules.scaffold": 3,
    "kolrules.lsp.analysis": 11,
    "kolrules.lsp.server": 12,
    "kolrules.lsp": 13,
    "kolrules.cli": 15,
    "kolrules.__main__": 16,
    "kolrules": 16,
}

# Third-party imports allowed only in one place.
ONLY_IN = {
    "lark": {"kolrules.lang.parser"},
    "hypothesis": {
        "kolrules.strategies",
        "kolrules.strategies._records",
        "kolrules.strategies._steer",
        "kolrules.strategies._for_rule",
    },
    "dateutil": {"kolrules.timeutil"},
    "pyarrow": {"kolrules.columnar"},
    "dask": {"kolrules.dask"},
    "distributed": {"kolrules.dask"},
    "pandas": {"kolrules.dask"},
    "pyspark": {"kolrules.spark"},
    "pygls": {"kolrules.lsp.server"},
    "lsprotocol": {"kolrules.lsp.server"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    name = ".".join(parts)
    return name.removesuffix(".__init__")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            for alias in node.names:  # "from kolrules import ir" imports kolrules.ir
                found.add(f"{node.module}.{alias.name}")
    return found


def test_every_module_has_a_layer() -> None:
    modules = {_module_name(p) for p in PACKAGE.rglob("*.py")}
    assert modules <= set(LAYERS), f"add a layer for {sorted(modules - set(LAYERS))}"


def test_imports_point_down() -> None:
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        for target in _imports(path):
            if (
                target in LAYERS
                and target not in (name, "kolrules")
                # A package's modules import through it (``from kolrules.lang import syntax``
                # runs kolrules/lang/__init__.py first): a package may drive its own modules.
                and not name.startswith(f"{target}.")
                and name != "kolrules"
                and LAYERS[target] >= LAYERS[name]
            ):
                wrong.append(
                    f"{name} (layer {LAYERS[name]}) imports {target} (layer {LAYERS[target]})"
                )
            root = target.split(".")[0]
            if root in ONLY_IN and name not in ONLY_IN[root]:
                wrong.append(f"{name} imports {root}, which only {ONLY_IN[root]} may")
    assert wrong == []
