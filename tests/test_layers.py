"""The layers: screens -> kiosk -> printing, one way; fixtures beside them; no import circles."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The composition root builds the App, so it alone may import screens.
COMPOSITION_ROOT = {ROOT / "kiosk" / "cli.py"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_and_printing_never_import_textual_or_screens():
    offenders = []
    for package in ("kiosk", "printing"):
        for path in (ROOT / package).rglob("*.py"):
            if path in COMPOSITION_ROOT:
                continue
            bad = imported_modules(path) & {"textual", "screens"}
            if bad:
                offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert offenders == []


def test_the_core_never_imports_the_demo_fixtures():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "kiosk").rglob("*.py")
        if path not in COMPOSITION_ROOT and "fixtures" in imported_modules(path)
    ]
    assert offenders == []


def test_printing_never_imports_the_core():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "printing").rglob("*.py")
        if "kiosk" in imported_modules(path)
    ]
    assert offenders == []


def test_starting_the_kiosk_and_opening_the_queue_leave_the_label_renderers_unloaded():
    """Pillow and python-barcode (about 5 MiB) load with the first label, not at start-up."""
    probe = (
        "import sys, kiosk.cli, screens.app, screens.login, screens.queue, kiosk.print_service, kiosk.printers\n"
        "print(sorted(m for m in ('PIL', 'barcode', 'printing.labels', 'babel.dates') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


# -- import circles -----------------------------------------------------------------------------------

PACKAGES = ("kiosk", "printing", "screens", "fixtures")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path, name: str, modules: set[str]) -> set[str]:
    """Project modules `path` imports, at the top or inside functions; `if TYPE_CHECKING:` blocks excluded."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from package import module` imports the module; `from module import name` the module.
            found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    targets = set()
    for target in found:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target and target != name:
            targets.add(target)
    return targets


def import_graph() -> dict[str, set[str]]:
    paths = {_module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")}
    return {name: _imports(path, name, set(paths)) for name, path in paths.items()}


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import each other, directly or round a loop (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return circles


def test_the_import_graph_sees_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_circles(graph) == [["a", "b", "c"]]
    assert {"kiosk.db", "kiosk.errors"} <= import_graph()["kiosk.auth"]


def test_the_import_graph_reads_function_level_imports_and_skips_type_checking(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import b\n"
                    "def f():\n    from c import x\n", encoding="utf-8")
    assert _imports(path, "m", {"m", "b", "c"}) == {"c"}


def test_no_import_circles():
    circles = import_circles(import_graph())
    assert circles == [], "import circles: " + "; ".join(" <-> ".join(circle) for circle in circles)


SQL = re.compile(r"\.execute\(|\.executemany\(|\.query\(|\b(SELECT|INSERT|UPDATE|DELETE) [A-Z*]")
DATABASE_OR_CONFIG = re.compile(r"\b(app|self)\.(db|config)\b|\bdesk\.(db|config)\b")


def test_screens_hold_no_sql_and_reach_the_database_and_config_only_through_the_desk():
    offenders = []
    for path in (ROOT / "screens").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL.search(line) or DATABASE_OR_CONFIG.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
