"""The carrier a buyer asks for in a note, or a platform names as the ship method.

Notes mix Chinese and English ("请发顺丰", "ship with UPS please"). Chinese
names are matched anywhere; Latin names only as whole words, with ASCII
letters and digits as the word characters, so "SF" in "transfer" is not SF
while "发SF" is. "ups" is also an English word ("ups and downs"), so in lower
case it only counts next to shipping words ("ship with ups", "ups ground").
A carrier named after a negation in the same clause ("不要发中通", "not USPS")
is what the buyer does not want and is skipped; of the rest, the first wins.
"""

from __future__ import annotations

import re
import unicodedata

from kiosk.carriers.registry import registry

# carrier id -> regex alternatives (Latin ones are matched case-insensitively as whole words).
LATIN_NAMES: dict[str, list[str]] = {
    "sf_express": [r"SF(?:\s*Express)?", r"S\.F\.\s*Express", r"Shun\s*Feng"],
    "zto": [r"ZTO(?:\s*Express)?", r"Zhong\s*Tong"],
    "yto": [r"YTO(?:\s*Express)?", r"Yuan\s*Tong"],
    "sto": [r"STO(?:\s*Express)?", r"Shen\s*Tong"],
    "yunda": [r"Yunda(?:\s*Express)?"],
    "china_post": [r"EMS", r"China\s*Post", r"E\s*-?\s*packet"],
    "jd": [r"JD(?:\s*Logistics)?", r"Jing\s*Dong"],
    "jt_express": [r"J\s*&\s*T(?:\s*Express)?", r"JT\s*Express", r"JTExpress"],
    "deppon": [r"Deppon(?:\s*Express)?", r"De\s*Bang"],
    "ups": [r"UPS"],  # see _UPS_CONTEXT
    "usps": [r"USPS", r"U\.S\.P\.S\.", r"United\s+States\s+Postal(?:\s+Service)?", r"US\s+Postal\s+Service"],
    "fedex": [r"Fed\s*-?\s*Ex", r"Federal\s+Express"],
    "dhl": [r"DHL"],
    "dpd": [r"DPD"],
    "amazon": [r"Amazon\s+(?:Logistics|Shipping)", r"AMZL"],
    "canada_post": [r"Canada\s+Post", r"Postes\s+Canada"],
    "canpar": [r"Canpar"],
    "purolator": [r"Purolator"],
    "ontrac": [r"On\s*Trac"],
    "lasership": [r"Laser\s*Ship"],
    "landmark": [r"Landmark\s+Global"],
    "old_dominion": [r"Old\s+Dominion", r"ODFL"],
    "speedee": [r"Spee\s*-?\s*Dee"],
    "gofo": [r"GOFO"],
    "yodel": [r"Yodel"],
    "yunexpress": [r"Yun\s*Express"],
}
CHINESE_NAMES: dict[str, list[str]] = {
    "sf_express": ["顺丰", "順豐"],
    "zto": ["中通"],
    "yto": ["圆通", "圓通"],
    "sto": ["申通"],
    "yunda": ["韵达", "韻達"],
    # 邮政编码 is a postal code, not a request for the post office.
    "china_post": ["中国邮政", "中國郵政", "邮政(?!编码)", "郵政(?!編碼)", "邮局", "郵局", "平邮", "E邮宝"],
    "jd": ["京东", "京東"],
    "jt_express": ["极兔", "極兔"],
    "deppon": ["德邦"],
    "usps": ["美国邮政", "美國郵政"],
    "ups": ["联合包裹"],
    "fedex": ["联邦快递", "聯邦快遞"],
    "dhl": ["敦豪"],
    "canada_post": ["加拿大邮政"],
    "yunexpress": ["云途", "雲途"],
}
_UPS_CONTEXT_BEFORE = re.compile(r"(?:ship|send|post|mail|via|with|by|use|using|through|prefer|choose)\W*$", re.I)
_UPS_CONTEXT_AFTER = re.compile(
    r"^\W*(?:ground|air|express|saver|surepost|next\s+day|2nd\s+day|worldwide|standard|shipping|delivery|label)\b",
    re.I,
)
_NEGATION = re.compile(
    r"不要|不用|别发|别用|别寄|不发|不走|不寄|不能|勿|拒绝|除了"
    r"|(?<![A-Za-z])(?:not|no|don'?t|do\s+not|never|avoid|except|without)(?![A-Za-z])",
    re.I,
)
_CLAUSE_END = re.compile(r"[,.;:!?，。；：！？\n]|\s-\s")


def _pattern() -> re.Pattern[str]:
    branches = []
    for index, carrier_id in enumerate(sorted(set(LATIN_NAMES) | set(CHINESE_NAMES))):
        latin = "|".join(sorted(LATIN_NAMES.get(carrier_id, []), key=len, reverse=True))
        chinese = "|".join(CHINESE_NAMES.get(carrier_id, []))
        parts = [f"(?<![A-Za-z0-9])(?:{latin})(?![A-Za-z0-9])"] if latin else []
        parts += [f"(?:{chinese})"] if chinese else []
        branches.append(f"(?P<c{index}>{'|'.join(parts)})")
    return re.compile("|".join(branches), re.IGNORECASE)


_CARRIER_IDS = sorted(set(LATIN_NAMES) | set(CHINESE_NAMES))
_MENTION = _pattern()


def _wanted(text: str, found: re.Match[str], carrier_id: str) -> bool:
    before = text[: found.start()]
    clause = _CLAUSE_END.split(before)[-1]
    if _NEGATION.search(clause):
        return False
    if carrier_id == "ups" and found.group() != "UPS":
        return bool(_UPS_CONTEXT_BEFORE.search(before) or _UPS_CONTEXT_AFTER.search(text[found.end() :]))
    return True


def carrier_from_text(text: str) -> str | None:
    """The carrier id a note or ship method asks for, or None when it names none."""
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text)
    known = registry().carriers
    for found in _MENTION.finditer(text):
        carrier_id = _CARRIER_IDS[int(found.lastgroup[1:])] if found.lastgroup else None
        if carrier_id in known and _wanted(text, found, carrier_id):
            return carrier_id
    return None
