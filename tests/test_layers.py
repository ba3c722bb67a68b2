"""The core never imports the UI: screens -> kiosk -> printing, one way."""

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
        "import sys, kiosk.cli, screens.app, screens.login, screens.queue, kiosk.print_jobs, kiosk.printers\n"
        "print(sorted(m for m in ('PIL', 'barcode', 'printing.labels', 'wcwidth', 'babel.dates') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


SQL = re.compile(r"\.execute\(|\.executemany\(|\.query\(|\b(SELECT|INSERT|UPDATE|DELETE) [A-Z*]")
# The App's print section reaches the database through the desk until a print service owns the
# jobs (marked "print pipeline:"); no screen does.
DATABASE_OR_CONFIG = re.compile(r"\b(app|self)\.(db|config)\b|\bdesk\.(db|config)\b")
PRINT_SEAM = ROOT / "screens" / "app.py"


def test_screens_hold_no_sql_and_reach_the_database_and_config_only_through_the_desk():
    offenders = []
    for path in (ROOT / "screens").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL.search(line) or (DATABASE_OR_CONFIG.search(line) and path != PRINT_SEAM):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_app_reaches_the_database_only_in_its_marked_print_section():
    lines = PRINT_SEAM.read_text(encoding="utf-8").splitlines()
    seam = [number for number, line in enumerate(lines) if DATABASE_OR_CONFIG.search(line)]
    assert seam, "the print section's seam moved: update this test"
    assert all(any("# print pipeline:" in line for line in lines[max(number - 3, 0):number]) for number in seam)
