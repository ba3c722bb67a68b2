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
        (["1Z999AA10123456785"], "the check digit is wrong for UPS; the number was mistyped or misread."),
        (["HELLO12345"], "HELLO12345: no carrier the kiosk knows uses numbers like this."),
        (["SF1234567890123", "--carrier", "ups"], "SF1234567890123 is a SF Express tracking number, not UPS."),
        (["3318810025"], "3318810025 fits DHL / Deppon: say which with --carrier dhl or --carrier deppon."),
        (["SF1234567890123", "--carrier", "teleport"], "Unknown carrier teleport"),
    ],
)
def test_refusals_exit_1_with_one_line(capsys, args, reason):
    assert main(["tracking", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kiosk: ") and reason in err and err.count("\n") == 1


def test_command_line_messages_speak_of_neither_scans_nor_orders(capsys):
    for number in ("1Z999AA10123456785", "HELLO12345", "3318810025", "986578788855"):
        assert main(["tracking", number]) == 1
        err = capsys.readouterr().err.lower()
        assert "scan" not in err and "order" not in err and "choose" not in err
    # A number of two carriers is settled by naming one.
    assert main(["tracking", "3318810025", "--carrier", "deppon"]) == 0
    assert "Carrier: Deppon" in capsys.readouterr().out


def test_json_output_and_carrier_names(capsys):
    assert main(["tracking", "EA123456785CN", "--carrier", "EMS", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["valid"], result["carrier_id"], result["check_digit_ok"]) == (True, "china_post", True)


def test_list_and_usage(capsys):
    assert main(["tracking", "--list"]) == 0
    assert "sf_express" in capsys.readouterr().out
    assert main(["tracking"]) == 2
