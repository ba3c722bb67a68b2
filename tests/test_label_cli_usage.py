"""``kiosk label`` and ``kiosk operators``: the same mistake gets the same answer."""

from __future__ import annotations

import pytest

from tests.test_cli import assert_usage_error, isolated  # noqa: F401 - fixture
from tests.test_label_cli import run, shipped  # noqa: F401 - fixture


@pytest.mark.parametrize("args", [["SO-1", "--size", "A6"], ["--sku", "MUG-01", "--size", "A6"]])
def test_a_wrong_size_is_a_usage_error_for_both_kinds_of_label(shipped, capsys, tmp_path, args):  # noqa: F811
    code, out, err = run(capsys, "--db", str(shipped), "label", *args, "-o", str(tmp_path / "x.png"))
    assert code == 2
    assert out == ""
    assert "--size for" in assert_usage_error(err)
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(("name", "fmt"), [("a.txt", None), ("a.pdf", "png"), ("a.png", "zpl")])
def test_an_output_name_that_does_not_match_the_format_is_refused(shipped, capsys, tmp_path, name, fmt):  # noqa: F811
    extra = ["--format", fmt] if fmt else []
    code, out, err = run(capsys, "--db", str(shipped), "label", "SO-1", "-o", str(tmp_path / name), *extra)
    assert code == 2
    assert f"-o {name} does not end in .{fmt or 'png'}" in assert_usage_error(err)
    assert list(tmp_path.glob("a*")) == []


def test_a_matching_output_name_is_written(shipped, capsys, tmp_path):  # noqa: F811
    code, out, _err = run(capsys, "--db", str(shipped), "label", "SO-1", "-o", str(tmp_path / "a.PDF"))
    assert code == 0
    assert (tmp_path / "a.PDF").read_bytes().startswith(b"%PDF")


def test_operators_help_lists_only_operator_commands(capsys):
    code, out, _err = run(capsys, "operators", "--help")
    assert code == 0
    commands = out.split("Commands:")[1].split()
    assert "label" not in commands and "add" in commands
