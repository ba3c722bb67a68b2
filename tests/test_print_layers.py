"""The print pipeline's modules import one way: no circle in printing/ or through the core's print modules."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINT_MODULES = {"kiosk.config", "kiosk.printers", "kiosk.print_queue", "kiosk.print_requests",
                 "kiosk.staged_labels", "kiosk.print_service", "kiosk.print_jobs", "kiosk.item_labels",
                 "kiosk.labels", "kiosk.label_cli", "kiosk.shipping"}


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of kiosk/ and printing/ it imports anywhere (type-checking and
    function-level imports count: they are circles all the same)."""
    modules = {}
    for package in ("kiosk", "printing"):
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            modules[name] = path
    graph = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
        graph[name] = {other for other in found if other in modules and other != name}
    return graph


def circles_through(graph: dict[str, set[str]], start: str) -> list[list[str]]:
    """Import paths that lead from `start` back to it."""
    found, stack = [], [(start, [start])]
    seen = set()
    while stack:
        module, path = stack.pop()
        for other in graph[module]:
            if other == start:
                found.append([*path, start])
            elif other not in seen:
                seen.add(other)
                stack.append((other, [*path, other]))
    return found


def test_no_import_circle_in_printing_or_through_the_print_modules():
    graph = import_graph()
    watched = sorted(name for name in graph if name in PRINT_MODULES or name.startswith("printing"))
    circles = {module: circles_through(graph, module) for module in watched}
    assert {module: paths for module, paths in circles.items() if paths} == {}


def test_the_core_never_imports_the_compatibility_names_for_the_screens():
    graph = import_graph()
    assert sorted(module for module, imports in graph.items() if "kiosk.print_jobs" in imports) == []
