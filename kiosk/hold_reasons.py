"""Why an order is on hold, stored as a code and put into the reader's language when shown.

The kiosk's own reasons are codes ("problem:damaged", "short_awaiting_approval"); a reason a
supervisor types is kept as typed. Reasons stored as text by older versions are shown as they are.
"""

from __future__ import annotations

from kiosk.i18n import N_, _

PROBLEM_KINDS = {
    "damaged": N_("damaged"),
    "missing": N_("missing"),
    "wrong_item": N_("wrong item in stock"),
    "other": N_("other"),
}
SHORT_AWAITING_APPROVAL = "short_awaiting_approval"
NOTHING_TO_SHIP = "nothing_to_ship"
_PROBLEM_PREFIX = "problem:"


def problem_hold(kind: str) -> str:
    """The stored reason of an order held for a reported problem of this kind."""
    return _PROBLEM_PREFIX + kind


def hold_reason_text(stored: str) -> str:
    """A stored hold reason as the person reading it says it."""
    if stored == SHORT_AWAITING_APPROVAL:
        return _("short shipment awaiting approval")
    if stored == NOTHING_TO_SHIP:
        return _("nothing left to ship: every unit is short")
    kind = stored.removeprefix(_PROBLEM_PREFIX)
    if stored.startswith(_PROBLEM_PREFIX) and kind in PROBLEM_KINDS:
        return _("problem: {kind}").format(kind=_(PROBLEM_KINDS[kind]))
    return stored
