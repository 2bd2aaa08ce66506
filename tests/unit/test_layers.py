"""Which way modules depend: an `assistant.*` import goes from a higher layer to a strictly lower one.

A unit is a top-level module (`assistant.retrieve`) or a subpackage (`assistant.index`); inside one unit
anything goes. Only the applications may import each other (`cli` runs `train`, `train`'s entry point is
`cli`). Imports under `if TYPE_CHECKING:` are annotations only and are not counted. docs/ARCHITECTURE.md
lists the same layers.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "assistant"

LAYERS = [
    {"types", "errors", "settings", "text", "pinpoint", "cores", "aliases"},  # base
    {"chunking", "provisions", "graph", "prompts"},  # pure rules
    {"corpus", "verify"},  # readers (chunk structure from text) and the checks on a draft
    {"embed", "index", "generate"},  # models and storage
    {"retrieve", "audit", "render"},
    {"asof", "pipeline", "protocols"},
    {"faq", "impact", "record", "integrations", "evaluate", "ingest", "scale", "train", "cli", "__init__"},  # apps
]
LAYER = {unit: n for n, units in enumerate(LAYERS) for unit in units}
TOP = len(LAYERS) - 1


def unit_of(module: str) -> str:
    """'assistant.index.lexical' -> 'index'; 'assistant' itself -> '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imported(tree: ast.Module) -> list[str]:
    """The `assistant.*` modules a file imports, at any depth, except under `if TYPE_CHECKING:`."""
    skipped = {id(node) for branch in ast.walk(tree)
               if isinstance(branch, ast.If) and "TYPE_CHECKING" in ast.unparse(branch.test)
               for statement in branch.body for node in ast.walk(statement)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "assistant":
            found += [f"assistant.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import"
            found.append(node.module)
    return [name for name in found if name == "assistant" or name.startswith("assistant.")]


def wrong_way(source: str, module: str) -> list[str]:
    """'source -> unit' for each import in `source`'s text that does not go to a strictly lower layer."""
    here = unit_of(module)
    wrong = []
    for name in imported(ast.parse(source)):
        there = unit_of(name)
        if there != here and not (LAYER[here] > LAYER[there] or LAYER[here] == LAYER[there] == TOP):
            wrong.append(f"{module} -> {name}")
    return wrong


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield path, ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_unit_has_a_layer():
    units = {unit_of(module) for _, module in modules()}
    assert units == set(LAYER)


def test_imports_go_to_a_lower_layer():
    wrong = [w for path, module in modules() for w in wrong_way(path.read_text(encoding="utf-8"), module)]
    assert wrong == []


def test_an_upward_import_is_caught():
    assert wrong_way("def f():\n    from assistant.index import lexical\n", "assistant.text") == [
        "assistant.text -> assistant.index"]
    assert wrong_way("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from assistant.index import Index\n",
                     "assistant.text") == []
