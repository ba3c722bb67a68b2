"""Every carrier the kiosk knows: the upstream spec data plus the Chinese couriers, both JSON.

``data/`` is an unmodified copy of the tracking_number_data project (MIT,
licence in ``data/LICENSE``): ``couriers/*.json``, ``CHECKSUM_ALGORITHMS.md``,
``glossary.json``. A new release is installed by copying its files over
``data/``; nothing here names a courier file, so new couriers and formats are
picked up (and tested, see tests/test_carriers.py) without a code change.
``china/`` holds the Chinese domestic couriers in the same shape, with the notes they rest on
(``china/README.md``); the same loader reads both.

Everything is read and compiled once, on first use, and then shared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from kiosk.carriers.formats import Format, FormatError, compile_format

# S10 numbers name the issuing postal service by country code. Where that service is also a
# carrier of its own here, the number counts as that carrier, so an order asking for EMS or
# USPS accepts the international item numbers those posts issue.
S10_COURIER = "s10"
S10_OPERATORS = {"CN": "china_post", "US": "usps", "CA": "canada_post"}


@dataclass(frozen=True, slots=True)
class Carrier:
    id: str
    name: str
    local_name: str  # the name in the courier's own language, where it differs ("顺丰速运")
    formats: tuple[Format, ...]
    source: str  # "tracking_number_data" or "china"

    @property
    def tracking_url(self) -> str | None:
        """The first tracking link template of the carrier's formats, for numbers found another way (S10)."""
        return next((f.tracking_url for f in self.formats if f.tracking_url), None)


@dataclass(frozen=True, slots=True)
class Registry:
    carriers: dict[str, Carrier]
    formats: tuple[Format, ...]
    # Spec entries that could not be used (a checksum or regex construct this code does not
    # know); tests require this to be empty, the kiosk carries on without those formats.
    problems: tuple[str, ...]


def read_couriers(*folder_parts: str) -> list[dict[str, Any]]:
    """The courier JSON documents of a package data folder, in file name order."""
    folder = resources.files("kiosk.carriers").joinpath(*folder_parts)
    documents = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            documents.append(json.loads(entry.read_text(encoding="utf-8")))
    return documents


def build(sources: list[tuple[str, list[dict[str, Any]]]]) -> Registry:
    carriers: dict[str, Carrier] = {}
    formats: list[Format] = []
    problems: list[str] = []
    taken: set[str] = set()
    for source, documents in sources:
        for courier in documents:
            compiled = []
            for spec in courier.get("tracking_numbers", []):
                try:
                    fmt = compile_format(courier, spec, taken)
                except (FormatError, KeyError, TypeError) as error:
                    problems.append(f"{courier.get('courier_code')}: {error}")
                    continue
                taken.add(fmt.id)
                compiled.append(fmt)
            code = courier["courier_code"]
            previous = carriers.get(code)
            carriers[code] = Carrier(
                id=code,
                name=courier["name"],
                local_name=courier.get("local_name", ""),
                formats=(previous.formats if previous else ()) + tuple(compiled),
                source=source,
            )
            formats.extend(compiled)
    return Registry(carriers, tuple(formats), tuple(problems))


@cache
def registry() -> Registry:
    return build([("tracking_number_data", read_couriers("data", "couriers")), ("china", read_couriers("china"))])


def list_carriers() -> list[tuple[str, str]]:
    """(carrier id, name) of every carrier, by name."""
    return sorted(((c.id, c.name) for c in registry().carriers.values()), key=lambda item: item[1].casefold())
