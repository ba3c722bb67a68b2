"""`kiosk tracking`: identify and validate a number from the command line."""

from __future__ import annotations

import json

import pytest

from kiosk.cli import main


@pytest.fixture(autouse=True)
def quiet_environment(tmp_path, monkeypatch):
    for variable in ("LC_ALL", "LC_MESSAGES", "KIOSK_CONFIG"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))


def test_a_valid_number_prints_carrier_service_check_and_url(capsys):
    assert main(["tracking", "1z 999 aa1 0123 4567 84"]) == 0
    out = capsys.readouterr().out
    assert "Carrier: UPS" in out
    assert "Number: 1Z999AA10123456784" in out
    assert "Check digit: holds" in out
    assert "trackNums=1Z999AA10123456784" in out


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["1Z999AA10123456785"], "check digit wrong for UPS, scan again."),
        (["HELLO12345"], "unknown tracking number format"),
        (["SF1234567890123", "--carrier", "ups"], "but the order ships with UPS"),
        (["SF1234567890123", "--carrier", "teleport"], "Unknown carrier teleport"),
    ],
)
def test_refusals_exit_1_with_one_line(capsys, args, reason):
    assert main(["tracking", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kiosk: ") and reason in err and err.count("\n") == 1


def test_json_output_and_carrier_names(capsys):
    assert main(["tracking", "EA123456785CN", "--carrier", "EMS", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["valid"], result["carrier_id"], result["check_digit_ok"]) == (True, "china_post", True)


def test_list_and_usage(capsys):
    assert main(["tracking", "--list"]) == 0
    assert "sf_express" in capsys.readouterr().out
    assert main(["tracking"]) == 2
