"""The identity modules import each other without a cycle, counting imports inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import amparo.identity

PACKAGE = Path(amparo.identity.__file__).parent


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "amparo.identity":
                found.update(f"amparo.identity.{alias.name}" for alias in node.names)
            elif node.module.startswith("amparo.identity."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("amparo.identity."))
    return found


def test_no_import_cycle_in_the_identity_package() -> None:
    graph = {f"amparo.identity.{p.stem}": _imports(p) for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert "amparo.identity.blocking" in graph["amparo.identity.resolution"]  # the walk sees imports
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        if state.get(module) == "done":
            return
        assert state.get(module) != "open", " -> ".join([*path, module])
        state[module] = "open"
        for target in sorted(graph.get(module, set())):
            visit(target, [*path, module])
        state[module] = "done"

    for module in sorted(graph):
        visit(module, [])
