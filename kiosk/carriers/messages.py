"""The one place an identification is put into words for the person at the desk."""

from __future__ import annotations

from kiosk.carriers.identify import CarrierMatch, Identification, Reason
from kiosk.carriers.registry import S10_COURIER, registry
from kiosk.i18n import _, current_language

# Carrier names are proper names, joined without words so that every language reads them.
_NAME_SEPARATOR = " / "


def carrier_name(carrier_id: str, fallback: str = "") -> str:
    """A carrier's name in the current language: Chinese couriers by their own name in Chinese."""
    carrier = registry().carriers.get(carrier_id)
    if carrier is None:
        return fallback or carrier_id
    if carrier.local_name and current_language().startswith("zh"):
        return carrier.local_name
    return carrier.name


def _name(match: CarrierMatch) -> str:
    # S10 numbers of posts without a carrier of their own keep the post's name from the data.
    return match.carrier_name if match.carrier_id == S10_COURIER else carrier_name(match.carrier_id, match.carrier_name)


def describe(result: Identification) -> str:
    """A short sentence saying what the scan is, or why it cannot be used and what to do."""
    carriers = _NAME_SEPARATOR.join(_name(match) for match in result.candidates)
    number = result.number[:40]
    if result.reason is Reason.OK and result.carrier is not None:
        return _("{carrier} tracking number {number}.").format(carrier=_name(result.carrier), number=number)
    if result.reason is Reason.BAD_CHECK_DIGIT:
        return _("{number}: check digit wrong for {carriers}, scan again.").format(number=number, carriers=carriers)
    if result.reason is Reason.AMBIGUOUS:
        return _("{number} fits {carriers}: choose the carrier.").format(number=number, carriers=carriers)
    if result.reason is Reason.CARRIER_NOT_ENABLED:
        return _("{number} is a {carriers} tracking number, and this desk does not ship with it.").format(
            number=number, carriers=carriers
        )
    if result.reason is Reason.CARRIER_MISMATCH:
        expected = carrier_name(result.expected or "", result.expected_name or "")
        message = _("{number} is a {carriers} tracking number, but the order ships with {expected}: scan its label.")
        return message.format(number=number, carriers=carriers, expected=expected)
    return _("{number}: unknown tracking number format, scan the waybill barcode.").format(number=number)


def explain(result: Identification) -> str:
    """The same for `kiosk tracking`: said to someone at a command line, not at the desk with a scanner."""
    if result.reason is Reason.OK:
        return describe(result)
    number = result.number[:40]
    carriers = _NAME_SEPARATOR.join(_name(match) for match in result.candidates)
    if result.reason is Reason.BAD_CHECK_DIGIT:
        return _("{number}: the check digit is wrong for {carriers}; the number was mistyped or misread.").format(
            number=number, carriers=carriers)
    if result.reason is Reason.AMBIGUOUS:
        return _("{number} fits {carriers}: say which with {options}.").format(
            number=number, carriers=carriers,
            options=_(" or ").join(f"--carrier {match.carrier_id}" for match in result.candidates))
    if result.reason is Reason.CARRIER_MISMATCH:
        expected = carrier_name(result.expected or "", result.expected_name or "")
        return _("{number} is a {carriers} tracking number, not {expected}.").format(
            number=number, carriers=carriers, expected=expected)
    if result.reason is Reason.CARRIER_NOT_ENABLED:
        return describe(result)
    return _("{number}: no carrier the kiosk knows uses numbers like this.").format(number=number)
