"""The desk's labels at the packing station: what did not print here, and the last label again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.errors import KioskError
from kiosk.i18n import _

if TYPE_CHECKING:
    from kiosk.print_queue import PrintJob


class LabelsDesk:
    """Mixed into kiosk.desk.Desk (its db, station, role checks and _send)."""

    def unprinted_labels(self) -> list[PrintJob]:
        """This station's labels that did not print and nobody dealt with (reprinted, voided) yet.

        The station's, not a person's: shown to whoever works there (and read while logging out)."""
        from kiosk.print_queue import unprinted_jobs

        return unprinted_jobs(self.db, self.station)

    def reprint_last_label(self, reason: str) -> PrintJob:
        """The station's last shipping label printed again (the reason on record); returns the new job."""
        from kiosk.print_queue import get_job, last_shipping_job, reprint_job

        packer = self._require_packer()
        last = last_shipping_job(self.db, self.station)
        if last is None:
            raise KioskError(_("No shipping label was printed at station {station} yet.").format(station=self.station))
        job_id = reprint_job(self.db, last.job_id, reason, operator=packer.badge, station=self.station)
        return get_job(self.db, self._send(job_id))
