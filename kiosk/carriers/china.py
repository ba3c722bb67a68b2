"""Chinese domestic couriers, in the same shape as the upstream spec data but kept apart from its copy.

None of these couriers publishes a specification of its waybill numbers and
none uses a check digit, so every format here is pattern-only: a prefix and a
length, taken from what the couriers' own tracking pages accept and from the
patterns e-commerce platforms and open-source waybill validators commonly
document. They are deliberately narrow (known prefixes, fixed lengths).
Purely numeric formats of different couriers still overlap each other and
the international carriers (a 12-digit number may be SF Express, ZTO or
FedEx); ``identify`` reports such a number as ambiguous instead of guessing,
and the expected carrier of the order or the desk's enabled carriers settle it.

International China Post items use the UPU S10 format of the upstream data
(two letters, eight digits, check digit, ``CN``); the registry counts an S10
number issued in China as China Post, see ``S10_OPERATORS`` in registry.py.

Tracking links go to kuaidi100.com, which tracks every courier here with one
URL shape and needs no login; the couriers' own pages change more often.
"""

from __future__ import annotations

from typing import Any


def _kuaidi100(company: str) -> str:
    return f"https://www.kuaidi100.com/chaxun?com={company}&nu=%s"


COURIERS: list[dict[str, Any]] = [
    # SF Express (顺丰速运). Current waybills are "SF" and 13 digits, as SF's tracking page
    # and its e-waybill API return them. Before the SF prefix, waybills were 12 digits
    # (SF's site used to say "运单号为12位数字"), still seen on reprinted and B2B labels.
    {
        "name": "SF Express",
        "local_name": "顺丰速运",
        "courier_code": "sf_express",
        "tracking_numbers": [
            {
                "name": "SF Express",
                "id": "sf_express",
                "regex": "SF(?<SerialNumber>[0-9]{13})",
                "validation": {},
                "tracking_url": _kuaidi100("shunfeng"),
                "test_numbers": {
                    "valid": ["SF1347413421946", "SF1084617708707", "sf 1781 9138 3918 9"],
                    "invalid": ["SF134741342194", "SF13474134219460", "SX1347413421946", "SFA347413421946"],
                },
            },
            {
                "name": "SF Express (12, legacy)",
                "id": "sf_express_12",
                "regex": "(?<SerialNumber>[0-9]{12})",
                "validation": {},
                "tracking_url": _kuaidi100("shunfeng"),
                "test_numbers": {"valid": ["612345678901"], "invalid": ["61234567890", "6123456789012"]},
            },
        ],
    },
    # ZTO Express (中通快递). E-waybills are 12 to 15 digits beginning 73, 74, 75, 76 or 78
    # (14 digits is today's usual length); ZTO's tracking page takes them as bare digits.
    {
        "name": "ZTO Express",
        "local_name": "中通快递",
        "courier_code": "zto",
        "tracking_numbers": [
            {
                "name": "ZTO Express",
                "id": "zto",
                "regex": "(?<SerialNumber>7[3-68][0-9]{10,13})",
                "validation": {},
                "tracking_url": _kuaidi100("zhongtong"),
                "test_numbers": {
                    "valid": ["73100123456789", "75801234567890", "780123456789", "761234567890123"],
                    "invalid": ["72100123456789", "7310012345", "7310012345678901", "77100123456789"],
                },
            },
        ],
    },
    # YTO Express (圆通速递). Current waybills are "YT" and 13 digits (YTO's tracking page and
    # e-waybill API). Older hand-written waybills were ten characters, a letter and nine
    # digits; only the D and V series sellers still report are accepted.
    {
        "name": "YTO Express",
        "local_name": "圆通速递",
        "courier_code": "yto",
        "tracking_numbers": [
            {
                "name": "YTO Express",
                "id": "yto",
                "regex": "YT(?<SerialNumber>[0-9]{13})",
                "validation": {},
                "tracking_url": _kuaidi100("yuantong"),
                "test_numbers": {
                    "valid": ["YT7885941005342", "YT2012345678901"],
                    "invalid": ["YT788594100534", "YT78859410053421", "YTA885941005342"],
                },
            },
            {
                "name": "YTO Express (10, legacy)",
                "id": "yto_legacy",
                "regex": "(?<SerialNumber>[DV][0-9]{9})",
                "validation": {},
                "tracking_url": _kuaidi100("yuantong"),
                "test_numbers": {"valid": ["D123456789", "V012345678"], "invalid": ["X123456789", "D12345678"]},
            },
        ],
    },
    # STO Express (申通快递). 15-digit e-waybills beginning 77 (sometimes 88) are current;
    # 12 and 13-digit waybills began 77, 88 or a 268/368/.../968 series.
    {
        "name": "STO Express",
        "local_name": "申通快递",
        "courier_code": "sto",
        "tracking_numbers": [
            {
                "name": "STO Express",
                "id": "sto",
                "regex": "(?<SerialNumber>(?:77|88)[0-9]{10,13})",
                "validation": {},
                "tracking_url": _kuaidi100("shentong"),
                "test_numbers": {
                    "valid": ["773012345678901", "880123456789", "7730123456789"],
                    "invalid": ["7701234567", "7730123456789012", "787012345678901"],
                },
            },
            {
                "name": "STO Express (268-968 series)",
                "id": "sto_68",
                "regex": "(?<SerialNumber>[2-9]68[0-9]{9,10})",
                "validation": {},
                "tracking_url": _kuaidi100("shentong"),
                "test_numbers": {
                    "valid": ["268012345678", "9680123456789"],
                    "invalid": ["168012345678", "26801234567", "26801234567890"],
                },
            },
        ],
    },
    # Yunda Express (韵达快递). 13 or 15 digits; current e-waybills begin 31, 43 or 46.
    {
        "name": "Yunda Express",
        "local_name": "韵达快递",
        "courier_code": "yunda",
        "tracking_numbers": [
            {
                "name": "Yunda Express",
                "id": "yunda",
                "regex": "(?<SerialNumber>(?:31|43|46)[0-9]{11}(?:[0-9]{2})?)",
                "validation": {},
                "tracking_url": _kuaidi100("yunda"),
                "test_numbers": {
                    "valid": ["462598779470531", "4312345678901", "3101234567890"],
                    "invalid": ["46259877947053", "4625987794705312", "4412345678901"],
                },
            },
        ],
    },
    # China Post and EMS (中国邮政 / EMS). Domestic waybills are 13 digits (EMS's tracking
    # page only takes 13 characters): EMS express begins 10-12, EMS economy 50-52, postal
    # parcels (邮政快递包裹) 95-99. International items are S10 (see the module docstring).
    {
        "name": "China Post (EMS)",
        "local_name": "中国邮政（EMS）",
        "courier_code": "china_post",
        "tracking_numbers": [
            {
                "name": "China Post (EMS) domestic",
                "id": "china_post_domestic",
                "regex": "(?<ServiceType>1[0-2]|5[0-2]|9[5-9])(?<SerialNumber>[0-9]{11})",
                "validation": {},
                "tracking_url": _kuaidi100("ems"),
                "additional": [
                    {
                        "name": "Service Type",
                        "regex_group_name": "ServiceType",
                        "lookup": [
                            {"matches_regex": "^1[0-2]$", "name": "EMS"},
                            {"matches_regex": "^5[0-2]$", "name": "EMS economy"},
                            {"matches_regex": "^9[5-9]$", "name": "Postal parcel"},
                        ],
                    }
                ],
                "test_numbers": {
                    "valid": ["1171311278292", "5012345678901", "9812345678901"],
                    "invalid": ["1371311278292", "117131127829", "11713112782921"],
                },
            },
        ],
    },
    # JD Logistics (京东物流). "JD", two letters or digits (JDV..., JDX..., JDK...), eleven
    # digits: 15 characters, as JD's tracking page and open platform list them.
    {
        "name": "JD Logistics",
        "local_name": "京东物流",
        "courier_code": "jd",
        "tracking_numbers": [
            {
                "name": "JD Logistics",
                "id": "jd",
                "regex": "JD(?<SerialNumber>[A-Z0-9]{2}[0-9]{11})",
                "validation": {},
                "tracking_url": _kuaidi100("jd"),
                "test_numbers": {
                    "valid": ["JDVA11408814483", "JDX012345678901", "JDVB00123456789"],
                    "invalid": ["JDVA1140881448", "JDVA114088144831", "JXVA11408814483", "JDVAB1408814483"],
                },
            },
        ],
    },
    # J&T Express (极兔速递). "JT" and 13 digits, as J&T's tracking page takes them.
    {
        "name": "J&T Express",
        "local_name": "极兔速递",
        "courier_code": "jt_express",
        "tracking_numbers": [
            {
                "name": "J&T Express",
                "id": "jt_express",
                "regex": "JT(?<SerialNumber>[0-9]{13})",
                "validation": {},
                "tracking_url": _kuaidi100("jtexpress"),
                "test_numbers": {
                    "valid": ["JT3002232682242", "JT0006968326954"],
                    "invalid": ["JT300223268224", "JT30022326822421", "JTA002232682242"],
                },
            },
        ],
    },
    # Deppon (德邦快递). Express waybills are "DPK" and 12 digits; freight waybills are
    # 8 to 10 digits, the lengths Deppon's tracking page accepts for them.
    {
        "name": "Deppon",
        "local_name": "德邦快递",
        "courier_code": "deppon",
        "tracking_numbers": [
            {
                "name": "Deppon Express",
                "id": "deppon",
                "regex": "DPK(?<SerialNumber>[0-9]{12})",
                "validation": {},
                "tracking_url": _kuaidi100("debangkuaidi"),
                "test_numbers": {
                    "valid": ["DPK300585915441", "DPK364112047425"],
                    "invalid": ["DPK30058591544", "DPK3005859154411", "DPX300585915441"],
                },
            },
            {
                "name": "Deppon Freight",
                "id": "deppon_freight",
                "regex": "(?<SerialNumber>[0-9]{8,10})",
                "validation": {},
                "tracking_url": _kuaidi100("debangwuliu"),
                "test_numbers": {"valid": ["12345678", "5123456789"], "invalid": ["1234567", "51234567890"]},
            },
        ],
    },
]
