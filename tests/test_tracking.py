"""The storage rules every waybill number meets, and how they agree with carrier identification."""

from __future__ import annotations

import pytest

from kiosk.carriers import identify, normalise
from kiosk.carriers.registry import registry
from kiosk.errors import KioskError
from kiosk.tracking import MAX_LENGTH, MIN_LENGTH, check_tracking_format


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("1Z5R89390357567127", "1Z5R89390357567127"),
        (" 1z5r 8939-0357 5671 27\n", "1Z5R89390357567127"),
        ("sf1347413421946", "SF1347413421946"),
        ("9400 1112 0108 0805 4830 16", "9400111201080805483016"),
        ("LX 176 35035", "LX17635035"),
    ],
)
def test_numbers_are_stored_upper_case_without_separators(raw, number):
    assert normalise(raw).text == number
    assert check_tracking_format(raw) == number


@pytest.mark.parametrize(
    ("raw", "refusal"),
    [
        ("", "Empty waybill scan"),
        ("   ", "Empty waybill scan"),
        ("ABC/123456", "letters and digits only"),
        ("1234567", f"7 characters, expected {MIN_LENGTH} to {MAX_LENGTH}"),
        ("1" * (MAX_LENGTH + 1), f"{MAX_LENGTH + 1} characters"),
    ],
)
def test_what_cannot_be_a_waybill_is_refused_with_the_reason(raw, refusal):
    with pytest.raises(KioskError, match=refusal):
        check_tracking_format(raw)


def test_every_number_identification_stores_meets_the_storage_rules():
    for fmt in registry().formats:
        for raw in fmt.valid_examples:
            for match in identify(raw).matches:
                assert check_tracking_format(match.number) == match.number
