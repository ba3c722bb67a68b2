"""Remote delivery areas: addresses that only some carriers serve, flagged before packing."""

from __future__ import annotations

# China's remote regions, as provinces are written in Chinese and in pinyin.
CHINA_REMOTE = {
    "新疆", "西藏", "青海", "内蒙古", "甘肃", "宁夏", "海南",
    "xinjiang", "tibet", "xizang", "qinghai", "inner mongolia", "neimenggu", "gansu",
    "ningxia", "hainan",
}
# The non-contiguous United States: states, territories and military post offices.
US_REMOTE = {"AK", "HI", "PR", "GU", "VI", "AS", "MP", "AA", "AE", "AP"}
US_MILITARY_CITIES = {"APO", "FPO", "DPO"}


def is_remote(country: str, province: str, city: str = "") -> bool:
    country = country.strip().upper()
    if country in {"CN", "CHINA", "中国"}:
        name = province.strip().lower()
        return any(name.startswith(region) for region in CHINA_REMOTE)
    if country in {"US", "USA", "UNITED STATES"}:
        return province.strip().upper() in US_REMOTE or city.strip().upper() in US_MILITARY_CITIES
    return country in {"PR", "GU", "VI", "AS", "MP"}
