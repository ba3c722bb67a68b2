"""One tracking-number format of the spec data, compiled, and what matching a scan against it finds.

A format is one entry of a courier's ``tracking_numbers`` list: a regex with
named groups (``SerialNumber``, ``CheckDigit``, ``ServiceType`` ...), an
optional checksum, an optional ``serial_number_format`` (``prepend_if``: text
the checksum is computed over but the label does not print), ``additional``
lookups (service types, country codes) of which ``validation.additional.exists``
names the ones that must find an entry, and a ``tracking_url`` with ``%s``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.carriers import ruby_regex
from kiosk.checkdigits import ALGORITHMS

# Scans reach the matcher without spaces or dashes, so a spec that spells one literally
# (LaserShip's "...-1") must match without it too.
OPTIONAL_LITERALS = " -"
# Groups before the number itself in USPS IMpb barcodes: the GS1 "420" application
# identifier and the destination ZIP. The kiosk stores the number that follows them.
ROUTING_GROUPS = ("RoutingApplicationId", "DestinationZip", "DestinationZipPlus4")
# Barcodes that carry a shorter tracking number inside them, and where it sits. The data
# has no field for this, so it is written down here with where each rule comes from:
EMBEDDED_NUMBERS: dict[str, tuple[str, int] | tuple[str, tuple[str, ...]]] = {
    # FedEx Express 34-digit barcode: the 12-digit tracking number is the last 12 digits
    # (FedEx label specification; the 13-digit serial is the number with a leading zero).
    "fedex_34": ("last", 12),
    # FedEx Ground 34-digit (96 + GSN) barcode: the spec's own description says "the
    # tracking number in the last twelve digits".
    "fedex_ground_gsn": ("last", 12),
    # FedEx Ground 96 (22 digits): 96, SCNC, service, then the 15-digit Ground number
    # (shipper id, package id, check digit), whose check digit is the barcode's.
    "fedex_ground_96": ("last", 15),
    # FedEx ASTRA (32): "positions 17 through 28 hold a FedEx Express tracking number".
    "fedex_astra_32": ("groups", ("SerialNumber", "CheckDigit")),
}


class FormatError(ValueError):
    """A spec entry the kiosk cannot use (unknown checksum, untranslatable regex)."""


@dataclass(frozen=True, slots=True)
class Lookup:
    """An ``additional`` table: the meaning of one regex group's value (service type, country)."""

    label: str
    group: str
    # (exact value or None, regex or None, what it means)
    entries: tuple[tuple[str | None, re.Pattern[str] | None, str], ...]

    def find(self, value: str) -> str | None:
        for exact, pattern, meaning in self.entries:
            # As in the Ruby library: "matches" is equality, "matches_regex" a search.
            if (exact is not None and value == exact) or (pattern is not None and pattern.search(value)):
                return meaning
        return None


@dataclass(frozen=True, slots=True)
class Format:
    id: str
    name: str
    courier_id: str
    courier_name: str
    description: str
    regex: re.Pattern[str]
    translation: ruby_regex.Translation
    checksum: str | None
    checksum_params: Mapping[str, Any]
    prepend_if: tuple[re.Pattern[str], str] | None
    lookups: tuple[Lookup, ...]
    required_lookups: tuple[str, ...]
    tracking_url: str | None
    valid_examples: tuple[str, ...]
    invalid_examples: tuple[str, ...]

    @property
    def has_check_digit(self) -> bool:
        return self.checksum is not None

    def match(self, text: str) -> FormatMatch | None:
        """What this format finds in a normalised scan, or None when the scan is not this format."""
        found = self.regex.fullmatch(text)
        if found is None:
            return None
        details = []
        for lookup in self.lookups:
            value = self._group(found, lookup.group)
            meaning = lookup.find(value) if value is not None else None
            if meaning is not None:
                details.append((lookup.label, meaning))
            elif lookup.label in self.required_lookups:
                return None  # e.g. an S10 number whose country code no postal service has
        fields = tuple((name, value) for name in self.translation.groups if (value := self._group(found, name)))
        return FormatMatch(self, self._number(found, text), self._check(found), tuple(details), fields)

    def _group(self, found: re.Match[str], name: str) -> str | None:
        value = ruby_regex.group_value(found, self.translation, name)
        return None if value is None else re.sub(r"\s+", "", value)

    def _check(self, found: re.Match[str]) -> bool | None:
        if self.checksum is None:
            return None
        serial = self._group(found, "SerialNumber")
        check = self._group(found, "CheckDigit")
        if not serial or not check:
            return False
        if self.prepend_if is not None and self.prepend_if[0].search(serial):
            serial = self.prepend_if[1] + serial
        return ALGORITHMS[self.checksum](serial, check, self.checksum_params)

    def _number(self, found: re.Match[str], text: str) -> str:
        rule = EMBEDDED_NUMBERS.get(self.id)
        if rule is not None and rule[0] == "last":
            return text[-rule[1] :]
        if rule is not None:
            return "".join(self._group(found, name) or "" for name in rule[1])
        if self._group(found, ROUTING_GROUPS[0]) is not None:
            end = max(found.end(g) for name in ROUTING_GROUPS for g in self.translation.groups.get(name, ()))
            return text[end:]
        return text


@dataclass(frozen=True, slots=True)
class FormatMatch:
    format: Format
    number: str  # what the kiosk stores: the tracking number itself, without barcode routing data
    check_digit_ok: bool | None  # None: the format has no check digit
    details: tuple[tuple[str, str], ...]  # (lookup label, meaning), e.g. ("Service Type", "UPS Ground")
    fields: tuple[tuple[str, str], ...]  # (regex group, value), e.g. ("CountryCode", "CN")

    def field(self, name: str) -> str | None:
        return next((value for key, value in self.fields if key == name), None)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _lookup(spec: Mapping[str, Any]) -> Lookup:
    entries = []
    for entry in spec.get("lookup", []):
        meaning = entry.get("name") or entry.get("courier") or entry.get("country") or ""
        pattern = entry.get("matches_regex")
        compiled = re.compile(ruby_regex.translate(pattern).pattern, re.ASCII) if pattern else None
        entries.append((entry.get("matches"), compiled, str(meaning)))
    return Lookup(spec["name"], spec.get("regex_group_name", ""), tuple(entries))


def compile_format(courier: Mapping[str, Any], spec: Mapping[str, Any], taken_ids: set[str]) -> Format:
    """A Format from one ``tracking_numbers`` entry; ids missing from the data are made from the name."""
    format_id = spec.get("id") or _slug(spec["name"])
    while format_id in taken_ids:
        format_id += "_"
    try:
        translation = ruby_regex.translate(spec["regex"], optional_literals=OPTIONAL_LITERALS)
    except ruby_regex.RegexTranslationError as error:
        raise FormatError(f"{format_id}: {error}") from error
    validation = spec.get("validation") or {}
    checksum = validation.get("checksum") or None
    if checksum is not None and checksum.get("name") not in ALGORITHMS:
        raise FormatError(f"{format_id}: unknown checksum {checksum.get('name')!r}")
    prepend = (validation.get("serial_number_format") or {}).get("prepend_if")
    additional = validation.get("additional") or {}
    tests = spec.get("test_numbers") or {}
    return Format(
        id=format_id,
        name=spec["name"],
        courier_id=courier["courier_code"],
        courier_name=courier["name"],
        description=spec.get("description", ""),
        regex=re.compile(translation.pattern, re.ASCII),
        translation=translation,
        checksum=checksum["name"] if checksum else None,
        checksum_params=dict(checksum or {}),
        prepend_if=(
            (re.compile(ruby_regex.translate(prepend["matches_regex"]).pattern, re.ASCII), prepend["content"])
            if prepend
            else None
        ),
        lookups=tuple(_lookup(item) for item in spec.get("additional") or []),
        required_lookups=tuple(additional.get("exists") or ()),
        tracking_url=spec.get("tracking_url") or None,
        valid_examples=tuple(tests.get("valid") or ()),
        invalid_examples=tuple(tests.get("invalid") or ()),
    )
