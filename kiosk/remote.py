"""Remote delivery areas: addresses that only some carriers serve, flagged before packing.

Rules come from the config (``[[remote_areas]]``, kiosk/config.py); without any, the defaults
below cover China's remote regions and the non-contiguous United States.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.i18n import N_


@dataclass(frozen=True)
class RemoteRule:
    name: str  # the built-in names are in the catalog; names from the config are shown as written
    country: str
    # Province or state names as they are written on orders (Chinese and pinyin, or US codes).
    provinces: tuple[str, ...] = ()
    postal_prefixes: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    # Carrier ids that deliver there; empty means any carrier.
    carriers: tuple[str, ...] = ()

    def matches(self, country: str, province: str, postal_code: str, city: str) -> bool:
        if country_code(country) != self.country:
            return False
        name = province.strip().lower()
        return (
            any(name.startswith(p.lower()) for p in self.provinces if p)
            or any(postal_code.strip().startswith(p) for p in self.postal_prefixes if p)
            or city.strip().upper() in {c.upper() for c in self.cities}
        )


_COUNTRY_NAMES = {"CHINA": "CN", "中国": "CN", "USA": "US", "UNITED STATES": "US"}


def country_code(country: str) -> str:
    """ISO code of a country as orders and configs write it ("China", "USA", "cn")."""
    code = country.strip().upper()
    return _COUNTRY_NAMES.get(code, code)


# China Post/EMS reaches every address; SF Express serves the regional capitals.
_CHINA_REMOTE_CARRIERS = ("china_post", "sf_express")
# Regional US carriers (OnTrac, LaserShip...) do not reach these.
_US_NATIONAL_CARRIERS = ("usps", "ups", "fedex", "dhl")

DEFAULT_RULES: tuple[RemoteRule, ...] = (
    RemoteRule(N_("Xinjiang"), "CN", ("新疆", "xinjiang"), ("83", "84"), carriers=_CHINA_REMOTE_CARRIERS),
    RemoteRule(N_("Tibet"), "CN", ("西藏", "tibet", "xizang"), ("85",), carriers=_CHINA_REMOTE_CARRIERS),
    RemoteRule(N_("Qinghai"), "CN", ("青海", "qinghai"), ("81",), carriers=_CHINA_REMOTE_CARRIERS),
    RemoteRule(N_("Inner Mongolia"), "CN", ("内蒙古", "inner mongolia", "neimenggu"), ("01", "02"),
               carriers=_CHINA_REMOTE_CARRIERS),
    RemoteRule(N_("Gansu"), "CN", ("甘肃", "gansu"), ("73", "74"), carriers=_CHINA_REMOTE_CARRIERS),
    RemoteRule(N_("Ningxia"), "CN", ("宁夏", "ningxia"), ("75",), carriers=_CHINA_REMOTE_CARRIERS),
    RemoteRule(N_("Hainan"), "CN", ("海南", "hainan"), ("57",), carriers=_CHINA_REMOTE_CARRIERS),
    RemoteRule(N_("Alaska"), "US", ("AK",), ("995", "996", "997", "998", "999"), carriers=_US_NATIONAL_CARRIERS),
    RemoteRule(N_("Hawaii"), "US", ("HI",), ("967", "968"), carriers=_US_NATIONAL_CARRIERS),
    RemoteRule(N_("US territories"), "US", ("PR", "GU", "VI", "AS", "MP"), ("006", "007", "008", "009", "969"),
               carriers=_US_NATIONAL_CARRIERS),
    # Military post offices take US mail only.
    RemoteRule(N_("APO/FPO/DPO"), "US", ("AA", "AE", "AP"), cities=("APO", "FPO", "DPO"), carriers=("usps",)),
    RemoteRule(N_("Puerto Rico"), "PR", ("",), ("00",), carriers=_US_NATIONAL_CARRIERS),
)


def remote_rule_for(
    rules: tuple[RemoteRule, ...], country: str, province: str, postal_code: str = "", city: str = ""
) -> RemoteRule | None:
    return next((rule for rule in rules if rule.matches(country, province, postal_code, city)), None)


def is_remote(
    country: str, province: str, city: str = "", postal_code: str = "", rules: tuple[RemoteRule, ...] = DEFAULT_RULES
) -> bool:
    return remote_rule_for(rules, country, province, postal_code, city) is not None
