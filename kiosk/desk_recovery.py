"""What a station does about another station that went silent (killed, unplugged) while holding an order."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from kiosk.claims import take_over_claim

if TYPE_CHECKING:
    import sqlite_utils

    from kiosk.config import Config
    from kiosk.desk import Desk

# The approval a supervisor gives at the desk (Desk.as_supervisor(action=TAKE_OVER_CLAIM, order_id=...)).
TAKE_OVER_CLAIM = "take_over_claim"


class RecoveryDesk:
    """Mixed into Desk (its _require_packer and _open)."""

    db: sqlite_utils.Database
    config: Config
    station: str

    def take_over(self, order_id: str, approver: Desk) -> str:
        """Open here an order held by a station not heard from for ``stale_claim_minutes`` (claim_order
        raised StaleClaim), a supervisor approving at this desk (``as_supervisor(action=TAKE_OVER_CLAIM)``).

        Its scans start again: the items already counted are on the silent station's bench.
        """
        operator = self._require_packer()
        supervisor = approver._require_supervisor()
        take_over_claim(self.db, order_id, operator.badge, self.station, supervisor=supervisor.badge,
                        stale_after=timedelta(minutes=self.config.stale_claim_minutes))
        self._open(order_id)
        return order_id
