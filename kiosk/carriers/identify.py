"""Which carrier a scanned tracking number belongs to, and whether it can be accepted.

Every format of every carrier is tried; a number is only accepted when
exactly one carrier fits it with a right (or no) check digit. Numbers that
fit two carriers are reported as ambiguous, never guessed: the expected
carrier of the order, or the carriers enabled at the desk, narrow the choice.
The result says why in a machine-readable ``Reason``; kiosk/carriers/messages.py
words it for people.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import Enum

from kiosk.carriers.formats import FormatMatch
from kiosk.carriers.registry import S10_COURIER, S10_OPERATORS, registry
from kiosk.carriers.scan import normalise


class Reason(Enum):
    OK = "ok"
    UNKNOWN_FORMAT = "unknown_format"  # no carrier uses numbers like this
    BAD_CHECK_DIGIT = "bad_check_digit"  # the format fits but the check digit is wrong: a misread
    AMBIGUOUS = "ambiguous"  # more than one carrier fits: the packer chooses
    CARRIER_NOT_ENABLED = "carrier_not_enabled"  # fits only carriers this desk does not ship with
    CARRIER_MISMATCH = "carrier_mismatch"  # fits another carrier than the one expected


@dataclass(frozen=True, slots=True)
class CarrierMatch:
    carrier_id: str
    carrier_name: str
    service: str  # the service type the number encodes, else the format's name
    check_digit_ok: bool | None  # None: this format has no check digit
    tracking_url: str | None
    number: str  # the tracking number to store (without barcode routing data)
    format_id: str  # the spec entry that matched ("ups", "fedex_ground_96", "sf_express")
    details: tuple[tuple[str, str], ...] = ()  # what the number encodes: (label, meaning)

    @property
    def acceptable(self) -> bool:
        return self.check_digit_ok is not False


@dataclass(frozen=True, slots=True)
class Identification:
    raw: str
    number: str  # normalised; the extracted tracking number when one carrier (or all) agree on it
    matches: tuple[CarrierMatch, ...]  # every format that fits, right check digits first
    reason: Reason
    carrier: CarrierMatch | None  # the one accepted carrier, when reason is OK
    candidates: tuple[CarrierMatch, ...]  # one per carrier the reason is about (see describe())
    expected: str | None = None  # the carrier id the caller expected
    expected_name: str | None = None

    @property
    def valid(self) -> bool:
        return self.reason is Reason.OK

    @property
    def ambiguous(self) -> bool:
        return self.reason is Reason.AMBIGUOUS

    @property
    def candidate_names(self) -> tuple[str, ...]:
        return tuple(match.carrier_name for match in self.candidates)


def _carrier_match(found: FormatMatch) -> CarrierMatch:
    fmt = found.format
    carriers = registry().carriers
    carrier_id, carrier_name, url = fmt.courier_id, fmt.courier_name, fmt.tracking_url
    details = dict(found.details)
    if carrier_id == S10_COURIER:
        operator = S10_OPERATORS.get(found.field("CountryCode") or "")
        if operator in carriers:
            carrier_id, carrier_name, url = operator, carriers[operator].name, carriers[operator].tracking_url
        else:
            carrier_name = details.get("Courier") or carrier_name
    service = details.get("Service Type") or fmt.name
    return CarrierMatch(
        carrier_id=carrier_id,
        carrier_name=carrier_name,
        service=service,
        check_digit_ok=found.check_digit_ok,
        tracking_url=url.replace("%s", found.number) if url else None,
        number=found.number,
        format_id=fmt.id,
        details=found.details,
    )


def _per_carrier(matches: Iterable[CarrierMatch]) -> tuple[CarrierMatch, ...]:
    """One match per carrier, in order (matches are sorted acceptable first)."""
    seen: dict[str, CarrierMatch] = {}
    for match in matches:
        seen.setdefault(match.carrier_id, match)
    return tuple(seen.values())


def find_matches(raw: str) -> tuple[str, tuple[CarrierMatch, ...]]:
    """The normalised scan and every format that fits it, acceptable ones first."""
    scan = normalise(raw)
    found = [
        _carrier_match(result)
        for text in scan.candidates()
        for fmt in registry().formats
        if (result := fmt.match(text)) is not None
    ]
    found.sort(key=lambda match: not match.acceptable)  # stable: registry order within each group
    return scan.text, tuple(found)


def identify(raw: str, enabled: Collection[str] | None = None, *, carrier: str | None = None) -> Identification:
    """Identify a scanned or typed tracking number.

    ``enabled``: the carrier ids this desk ships with (None: all). ``carrier``:
    the carrier id the order expects (map free text with ``carrier_from_text``).
    """
    carriers = registry().carriers
    if carrier is not None and carrier not in carriers:
        raise ValueError(f"unknown carrier id {carrier!r}")
    text, matches = find_matches(raw)
    good = _per_carrier(m for m in matches if m.acceptable)
    bad = _per_carrier(m for m in matches if not m.acceptable)

    def allowed(carrier_id: str) -> bool:
        return enabled is None or carrier_id in enabled

    if carrier is not None:
        mine = [m for m in good if m.carrier_id == carrier]
        if mine and not allowed(carrier):
            reason, candidates = Reason.CARRIER_NOT_ENABLED, tuple(mine)
        elif mine:
            reason, candidates = Reason.OK, tuple(mine)
        elif any(m.carrier_id == carrier for m in bad):
            reason, candidates = Reason.BAD_CHECK_DIGIT, tuple(m for m in bad if m.carrier_id == carrier)
        elif good:
            reason, candidates = Reason.CARRIER_MISMATCH, good
        else:
            reason, candidates = _unusable(bad)
    else:
        usable = tuple(m for m in good if allowed(m.carrier_id))
        if len(usable) == 1:
            reason, candidates = Reason.OK, usable
        elif usable:
            reason, candidates = Reason.AMBIGUOUS, usable
        elif any(allowed(m.carrier_id) for m in bad):
            # A misread number of a carrier the desk uses, rather than a valid one of a carrier it does not.
            reason, candidates = Reason.BAD_CHECK_DIGIT, tuple(m for m in bad if allowed(m.carrier_id))
        elif good:
            reason, candidates = Reason.CARRIER_NOT_ENABLED, good
        else:
            reason, candidates = _unusable(bad)

    accepted = candidates[0] if reason is Reason.OK else None
    numbers = {m.number for m in candidates}
    return Identification(
        raw=raw,
        number=accepted.number if accepted else (numbers.pop() if len(numbers) == 1 else text),
        matches=matches,
        reason=reason,
        carrier=accepted,
        candidates=candidates,
        expected=carrier,
        expected_name=carriers[carrier].name if carrier else None,
    )


def _unusable(bad: tuple[CarrierMatch, ...]) -> tuple[Reason, tuple[CarrierMatch, ...]]:
    return (Reason.BAD_CHECK_DIGIT, bad) if bad else (Reason.UNKNOWN_FORMAT, ())
