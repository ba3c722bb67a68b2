"""One way to translate: gettext message catalogs, dates and numbers through Babel.

The catalogs are the ``.po`` files under ``kiosk/locale`` that translators
edit with Babel's tools (see README). They are read directly, so an edited
catalog takes effect without a compile step.
"""

from __future__ import annotations

import gettext
import io
import os
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError

# babel.dates, babel.numbers and babel.messages are imported where they are first needed: the
# login screen needs none of them, and every start of the kiosk would pay for them (~5 ms).

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "kiosk"
DEFAULT_LANGUAGE = "en"
# The languages with a complete catalog; English is the source language.
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}

_state = {"language": DEFAULT_LANGUAGE, "translations": gettext.NullTranslations()}


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _load(language: str) -> gettext.NullTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = catalog_path(language)
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    # Fuzzy entries are not trusted translations: they fall back to English.
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def normalise_language(value: str | None) -> str | None:
    """``zh``, ``zh-CN``, ``zh_CN.UTF-8``, ``zh_Hans`` -> ``zh_CN``; ``en_GB`` -> ``en``; else None."""
    if not value:
        return None
    code = value.split(".")[0].split("@")[0].replace("-", "_")
    try:
        locale = Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return None
    if locale.language == "zh" and locale.script != "Hant" and locale.territory not in ("TW", "HK", "MO"):
        return "zh_CN"
    if locale.language == "en":
        return "en"
    return None


def choose_language(*candidates: str | None) -> str:
    """The first supported language among the candidates (most specific first), else English."""
    for candidate in candidates:
        language = normalise_language(candidate)
        if language:
            return language
    return DEFAULT_LANGUAGE


def environment_language() -> str | None:
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(variable):
            return os.environ[variable]
    return None


def set_language(language: str) -> str:
    """Switch every text of the kiosk to ``language`` (a supported code); returns it."""
    chosen = choose_language(language)
    _state["language"] = chosen
    _state["translations"] = _load(chosen)
    return chosen


def current_language() -> str:
    return _state["language"]


def _(message: str) -> str:
    """The translation of ``message`` in the current language."""
    return _state["translations"].gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _state["translations"].ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a message for the catalog where it is defined; translate it with _() where it is shown."""
    return message


# -- dates, times and numbers ------------------------------------------------------------------

def _babel_locale() -> Locale:
    return Locale.parse(current_language())


# Languages whose numbers CLDR writes as 1,234,567 (pattern #,##0.###, "," between groups):
# their whole numbers are written here. Babel's locale data takes about 4 MiB for the rest of
# the process, and the packer's screens only ever show counts.
_COMMA_GROUPED = frozenset({"en", "zh_CN"})


def format_number(value: int | float) -> str:
    language = current_language()
    if isinstance(value, int) and language in _COMMA_GROUPED:
        return f"{value:,}"
    return _formatted_number(value, language)


# The queue formats about fifty small counts each time it is drawn, at ~20 us each through Babel.
@lru_cache(maxsize=4096, typed=True)
def _formatted_number(value: int | float, language: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=Locale.parse(language))


def format_clock(moment: datetime) -> str:
    """A time of day, e.g. ``14:05`` / ``14:05``."""
    from babel.dates import format_time

    return format_time(moment, format="short", locale=_babel_locale())


def format_day_and_time(moment: datetime) -> str:
    """A day of the year with a time, e.g. ``Nov 26 14:05`` / ``11月26日 14:05``."""
    from babel.dates import format_skeleton, format_time

    locale = _babel_locale()
    return f"{format_skeleton('MMMd', moment, locale=locale)} {format_time(moment, format='short', locale=locale)}"


def format_date(moment: datetime) -> str:
    from babel.dates import format_date as babel_format_date

    return babel_format_date(moment, format="medium", locale=_babel_locale())
