"""The package's layering is true: no import cycle between its top-level parts, and no library part imports a front.

A *part* is a top-level module or subpackage of ``translator/`` (``pipeline``, ``documents``, ``engines``...).
The graph is built from the source with ``ast``, counting every import: module level, inside functions
(a lazy import hides a cycle, it does not remove it), under ``if TYPE_CHECKING:`` (a type a part names is
a part it depends on; a Protocol in the lower part says what it needs instead), ``from . import x`` resolved,
names taken from the root's lazy table (``from translator import Pipeline`` is an import of
``translator.pipeline``) and literal ``"translator.x.y"`` strings that name a module (registries load them
with ``importlib``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from .conftest import ROOT

#: Parts that use the library and that nothing in the library may import.
FRONTS = ("cli", "batch", "server", "__main__")

_MODULE_STRING = re.compile(r"translator(?:\.\w+)+(?=:\w+$|$)")


def _module_name(path: Path, src: Path) -> tuple[str, str]:
    """Return (module name, the package its relative imports start from)."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
        return ".".join(parts), ".".join(parts)
    return ".".join(parts), ".".join(parts[:-1])


def _exists(module: str, src: Path) -> bool:
    base = src.joinpath(*module.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def import_graph(src: Path, package: str = "translator") -> dict[tuple[str, str], list[str]]:
    """Return {(part, part it imports): ["file:line imported.name", ...]} for the package under ``src``.

    Args:
        src: The folder holding the package folder.
        package: The package's name.
    """
    root = src / package
    lazy: dict[str, str] = {}
    init = root / "__init__.py"
    for node in ast.walk(ast.parse(init.read_text("utf-8"))) if init.is_file() else ():
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "_LAZY" for t in node.targets):
            lazy = ast.literal_eval(node.value)

    def part_of(module: str) -> str | None:
        names = module.split(".")
        return names[1] if names[0] == package and len(names) > 1 else None

    def targets(node: ast.AST, base_pkg: str) -> list[str]:
        if isinstance(node, ast.Import):
            return [a.name for a in node.names]
        if isinstance(node, ast.ImportFrom):
            if node.level:
                pkg = base_pkg.split(".")
                base = ".".join(pkg[: len(pkg) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base != package:
                return [base]
            found = []
            for alias in node.names:  # from the package root: a part, a lazy name, or a root constant
                if _exists(f"{package}.{alias.name}", src):
                    found.append(f"{package}.{alias.name}")
                elif alias.name in lazy:
                    found.append(lazy[alias.name])
            return found
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _MODULE_STRING.fullmatch(node.value):
            module = node.value.partition(":")[0]
            return [module] if module.startswith(package + ".") and _exists(module, src) else []
        return []

    edges: dict[tuple[str, str], list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        module, base_pkg = _module_name(path, src)
        here = part_of(module)
        if here is None:  # the root facade: checked by test_the_root_facade_names_no_front
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            for target in targets(node, base_pkg):
                there = part_of(target)
                if there is not None and there != here:
                    edges.setdefault((here, there), []).append(f"{path.relative_to(src)}:{node.lineno} {target}")
    return edges


def find_cycles(edges: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """Return one cycle (``[a, b, ..., a]``) per strongly connected group of parts, none when the graph is a DAG."""
    graph: dict[str, list[str]] = {}
    for a, b in sorted(edges):
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    cycles = []
    for group in groups:
        start, members = group[0], set(group)
        path, seen = [start], {start}
        while True:  # walk inside the group until we are back at the start
            nxt = [w for w in graph[path[-1]] if w in members]
            back = start if start in nxt else next((w for w in nxt if w not in seen), nxt[0])
            path.append(back)
            if back == start:
                break
            seen.add(back)
        cycles.append(path)
    return cycles


def _describe(cycle: list[str], edges: dict[tuple[str, str], list[str]]) -> str:
    hops = "\n".join(f"  {a} -> {b}: {'; '.join(edges[a, b])}" for a, b in zip(cycle, cycle[1:]))
    return f"import cycle {' -> '.join(cycle)}\n{hops}"


def test_no_import_cycle_between_parts():
    edges = import_graph(ROOT)
    assert ("pipeline", "documents") in edges  # imports inside functions are counted
    cycles = find_cycles(edges)
    assert not cycles, "the layering of translator/ is broken (see docs/ARCHITECTURE.md):\n" + "\n".join(
        _describe(c, edges) for c in cycles)


def test_no_library_part_imports_a_front():
    bad = [f"{a} imports the front {b}: {'; '.join(where)}" for (a, b), where in sorted(import_graph(ROOT).items())
           if b in FRONTS and a not in FRONTS]
    assert not bad, "\n".join(bad)


def test_the_root_facade_names_no_front():
    """``translator.X`` loads library modules only (its lazy table is the library's public face)."""
    import translator

    assert translator.__all__
    fronts = {name: module for name, module in translator._LAZY.items() if module.split(".")[1] in FRONTS}
    assert not fronts


def test_every_import_goes_down_the_documented_layers():
    """docs/ARCHITECTURE.md lists the layers; a part imports only parts of lower layers."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text("utf-8")
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    parts = {p.stem if p.suffix == ".py" else p.name for p in (ROOT / "translator").iterdir()
             if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()}
    layer = {}
    for number, item in re.findall(r"^(\d+)\. (.*(?:\n {3,}.*)*)", section, re.M):  # an item and its continuation
        for name in re.findall(r"`([\w.]+)`", item):
            if name in parts or name in FRONTS:
                layer.setdefault(name, int(number))  # its own item; a later mention is a reference
    assert parts - set(layer) == set(), "parts missing from the layer list in docs/ARCHITECTURE.md"
    upward = [f"{a} (layer {layer[a]}) imports {b} (layer {layer[b]}): {'; '.join(where)}"
              for (a, b), where in sorted(import_graph(ROOT).items()) if layer[b] >= layer[a]]
    assert not upward, "\n".join(upward)


def test_a_cycle_hidden_in_a_function_is_found(tmp_path):
    pkg = tmp_path / "translator"
    (pkg / "low").mkdir(parents=True)
    (pkg / "__init__.py").write_text('_LAZY = {"High": "translator.high"}\n')
    (pkg / "high.py").write_text("from .low import helper\n")
    (pkg / "low" / "__init__.py").write_text("")
    (pkg / "low" / "helper.py").write_text("def f():\n    from .. import High\n    return High\n")
    edges = import_graph(tmp_path)
    assert find_cycles(edges) == [["high", "low", "high"]]
    assert edges["low", "high"] == ["translator/low/helper.py:2 translator.high"]
