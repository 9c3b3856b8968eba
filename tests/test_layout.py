"""The folder tree is the map: imports inside `mockups/` form no cycle, and each layer imports
only the layers below it (pages -> dashboard -> profiling, etsy_sync -> mockups)."""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[1]
LAYERS_ABOVE_THE_ENGINE = ("dashboard", "pages", "profiling", "etsy_sync", "streamlit", "memray")
# A page calls dashboard/ only: never the engine's runs or jobs, the profiler or the Etsy client
# (nor the rest of the engine: what a page needs of it, dashboard/ hands on).
BELOW_THE_DASHBOARD = ("mockups", "profiling", "etsy_sync")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> Iterator[str]:
    """Every module `path` imports, at the top or inside a function, as dotted names."""
    package = module_name(path).rpartition(".")[0] if path.name != "__init__.py" else None
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = (package or module_name(path)).split(".")
                base = ".".join(anchor[: len(anchor) - node.level + 1] + ([base] if base else []))
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def engine_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in (ROOT / "mockups").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {m for m in imported_modules(path) if m in modules and m != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        trail.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*trail[trail.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        trail.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def without_package_inits(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """A package's `__init__` re-exporting its modules is not a cycle with them."""
    packages = {name for name in graph if (ROOT / name.replace(".", "/") / "__init__.py").exists()}
    return {
        name: {m for m in deps if m not in packages or not name.startswith(m + ".")}
        for name, deps in graph.items()
    }


def test_no_import_cycle_inside_the_engine() -> None:
    cycle = find_cycle(without_package_inits(engine_graph()))
    assert cycle is None, " -> ".join(cycle or [])


def test_the_cycle_finder_sees_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("path", sorted((ROOT / "mockups").rglob("*.py")), ids=str)
def test_the_engine_imports_no_layer_above_it(path: Path) -> None:
    above = [m for m in imported_modules(path) if m.split(".")[0] in LAYERS_ABOVE_THE_ENGINE]
    assert not above, f"{path.relative_to(ROOT)} imports {above}"


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=str)
def test_a_page_calls_the_dashboard_only(path: Path) -> None:
    below = [m for m in imported_modules(path) if m.split(".")[0] in BELOW_THE_DASHBOARD]
    assert not below, f"{path.relative_to(ROOT)} imports {below}"


def test_the_blender_build_is_not_in_the_installed_package() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    shipped = find_packages(str(ROOT), include=settings["packages"]["find"]["include"])
    assert "mockups" in shipped
    assert not [name for name in shipped if "scenes" in name or "blender" in name]
    data = [pattern for patterns in settings["package-data"].values() for pattern in patterns]
    assert not [pattern for pattern in data if "scenes" in pattern or pattern.endswith(".py")]
