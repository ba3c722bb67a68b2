"""The pinyin of recipients' names, so after-sales finds 张伟 by typing ``zhang wei``, ``zhangwei`` or ``zw``.

The full-text index keeps each name's pinyin beside the name (kiosk/schema.py): SQLite computes it
through ``kiosk_name_pinyin``, which every kiosk connection has (``register_functions``), so every
writer of orders keeps it right.
"""

from __future__ import annotations

import os
import sqlite3
from functools import lru_cache
from types import ModuleType

# A surname read more than one way (曾: ceng or zeng; 单: dan or shan) is indexed under each reading,
# up to this many; the given names take their usual reading.
MAX_SURNAME_READINGS = 3


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\U00020000" <= char <= "\U0003134f"


@lru_cache(maxsize=1)
def _pypinyin() -> ModuleType:
    """pypinyin, imported on the first Chinese name."""
    # Names are not phrases: the single-character dictionary reads them as well, and leaving out the
    # phrase dictionary keeps a station that imports orders about 45 MB smaller and its first import
    # 0.3 s faster. Read by pypinyin when it is imported, hence set before.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    import pypinyin

    return pypinyin


@lru_cache(maxsize=4096)
def name_pinyin(name: str) -> str:
    """The pinyin forms of the Chinese characters of ``name``, space separated and padded: the
    syllables, the syllables run together, the initials (张伟: `` zhang wei zhangwei zw ``), for each
    reading of the surname. Empty for a name without Chinese characters."""
    han = "".join(char for char in name if _is_han(char))
    if not han:
        return ""
    pypinyin = _pypinyin()
    normal = pypinyin.Style.NORMAL
    given = pypinyin.lazy_pinyin(han[1:], style=normal)
    surnames = pypinyin.pinyin(han[0], style=normal, heteronym=True)[0][:MAX_SURNAME_READINGS]
    forms: list[str] = []
    for surname in surnames:
        syllables = [surname, *given]
        for form in (" ".join(syllables), "".join(syllables), "".join(syllable[0] for syllable in syllables)):
            if form not in forms:
                forms.append(form)
    return f" {' '.join(forms)} "


def sql_name_pinyin(name: object) -> str:
    return name_pinyin(name) if isinstance(name, str) else ""


def register_functions(conn: sqlite3.Connection) -> None:
    conn.create_function("kiosk_name_pinyin", 1, sql_name_pinyin, deterministic=True)
