"""The module import graph, function-level imports included: no cycle, no arrow from a domain
package up into the edges (``api``, ``cli``), the engine free of content, no module over 600 lines,
and no module outside the US pack importing it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "amparo"
EDGES = ("amparo.api", "amparo.cli", "amparo.web", "amparo.__main__")
MAX_LINES = 600


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if "migrations" in parts:  # Alembic scripts are loaded by Alembic, not imported
            continue
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(module: str, level: int, current: str, is_package: bool) -> str:
    if level == 0:
        return module
    base = current.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _imports(name: str, path: Path) -> Iterator[str]:
    """Every amparo module ``name`` imports, anywhere in its body (TYPE_CHECKING blocks excepted)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for child in node.body for n in ast.walk(child))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE):
                    yield _closest(alias.name)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node.module or "", node.level, name, path.name == "__init__.py")
            if not target.startswith(PACKAGE):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield sub if sub in MODULES else _closest(target)


def _closest(module: str) -> str:
    while module and module not in MODULES:
        module = module.rpartition(".")[0]
    return module


GRAPH: dict[str, set[str]] = {
    name: {m for m in _imports(name, path) if m and m != name} for name, path in MODULES.items()
}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_graph_sees_function_level_imports() -> None:
    """The checker itself can fail: cli.screen imports screening inside its command function."""
    assert "amparo.screening" in GRAPH["amparo.cli.screen"] or any(
        m.startswith("amparo.screening") for m in GRAPH["amparo.cli.screen"]
    )


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle() -> None:
    assert _cycles(GRAPH) == []


def test_no_domain_module_imports_an_edge() -> None:
    wrong = sorted(
        f"{source} -> {target}"
        for source, targets in GRAPH.items()
        if not _under(source, EDGES)
        for target in targets
        if _under(target, EDGES)
    )
    assert wrong == []


def test_the_engine_imports_no_content_and_no_service() -> None:
    wrong = sorted(
        f"{source} -> {target}"
        for source, targets in GRAPH.items()
        if _under(source, ("amparo.engine",))
        for target in targets
        if not _under(target, ("amparo.engine", "amparo.errors"))
    )
    assert wrong == []


def test_only_the_us_pack_and_the_edges_name_the_us_pack() -> None:
    wrong = sorted(
        f"{source} -> {target}"
        for source, targets in GRAPH.items()
        if not _under(source, ("amparo.rules.us",))
        for target in targets
        if _under(target, ("amparo.rules.us",))
    )
    assert wrong == []


def test_no_module_over_600_lines() -> None:
    long = {
        name: n
        for name, path in MODULES.items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
