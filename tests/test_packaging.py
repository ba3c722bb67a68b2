"""What the wheel installs: the four layout folders as top-level packages, none shadowing another."""

from __future__ import annotations

import importlib.metadata
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYOUT = ["kiosk", "screens", "printing", "fixtures"]


def wheel_packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]


def test_the_wheel_installs_the_layout_folders_and_nothing_else():
    assert wheel_packages() == LAYOUT
    # Tests and benchmarks stay out of site-packages.
    assert not {"tests", "benchmarks"} & set(wheel_packages())


def test_no_package_name_is_a_standard_library_module():
    assert [name for name in wheel_packages() if name in sys.stdlib_module_names] == []


def test_no_other_installed_distribution_provides_the_same_top_level_names():
    """`fixtures` is also the name of a test library on PyPI (testing-cabal): both in one environment clash."""
    ours = {"packing-desk-kiosk", "packing_desk_kiosk"}
    providers = importlib.metadata.packages_distributions()
    clashes = {name: sorted(set(providers.get(name, [])) - ours) for name in wheel_packages()}
    assert {name: found for name, found in clashes.items() if found} == {}


def test_every_package_folder_is_a_regular_package_with_its_data_inside():
    for name in wheel_packages():
        assert (ROOT / name / "__init__.py").is_file(), name
    # Data read at run time lives inside the packages, so the wheel carries it.
    for data in ("kiosk/locale/zh_CN/LC_MESSAGES/kiosk.po", "kiosk/carriers/data/couriers/ups.json",
                 "kiosk/carriers/china/sf_express.json", "fixtures/orders.json", "screens/app.tcss"):
        assert (ROOT / data).is_file(), data
