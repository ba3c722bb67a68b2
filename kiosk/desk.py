"""The desk: one station session, and everything a person does at it.

Screens talk to the desk only. It owns the database, the config, the station and the operator
logged in, checks who may do what (role checks live here, not in screens), and composes the
rules of the other core modules (claims, packing, shipping, problems, voids, print jobs). Each
method returns a small outcome or raises KioskError with a message for the person at the desk.

The modules a packer needs only once an order is open (carriers, labels, printers) are imported
where they are used: start-up to the login screen waits for every import made here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

import sqlite_utils

from kiosk.auth import Operator, approve_as_supervisor, authenticate, find_operator, record_approval, record_logout
from kiosk.checkpoints import Checkpointer
from kiosk.claims import claim_order, heartbeat, release_order, station_claim
from kiosk.config import Config
from kiosk.desk_aftersales import AfterSalesDesk
from kiosk.desk_labels import LabelsDesk
from kiosk.desk_recovery import RecoveryDesk
from kiosk.desk_supervisor import SupervisorDay
from kiosk.errors import KioskError
from kiosk.hold_reasons import SHORT_AWAITING_APPROVAL
from kiosk.i18n import _
from kiosk.print_service import PrintNotice, PrintService
from kiosk.sessions import end_session, end_session_of, live_session, refuse_if_elsewhere, start_session

if TYPE_CHECKING:
    from kiosk.history import HistoryEntry
    from kiosk.item_labels import ItemCode
    from kiosk.order_queue import QueueEntry
    from kiosk.packing import PackSession, ScanOutcome
    from kiosk.print_queue import PrintJob
    from kiosk.print_requests import PrintOutcome
    from kiosk.remote import RemoteRule
    from kiosk.sessions import LiveStation
    from kiosk.shipping import Shipment
    from kiosk.voids import VoidResult

PACKING_ROLES = ("packer", "supervisor")


# -- outcomes ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueuePage:
    entries: tuple[QueueEntry, ...]
    total: int
    start: int
    page_size: int
    # The first order after the page, read with it: it moves up when an order of the page ships.
    following: QueueEntry | None = None

    @property
    def last(self) -> int:
        return min(self.start + self.page_size, self.total)

    def without(self, order_id: str) -> QueuePage:
        """The page as it stands once ``order_id`` has left the queue (shipped), without reading it
        again: the order after the page moves up, so a full page stays full."""
        entries = tuple(entry for entry in self.entries if entry.order_id != order_id)
        if len(entries) == len(self.entries):
            return self
        following = None
        if self.following is not None:
            entries, following = (*entries, self.following), None
        return replace(self, entries=entries, total=self.total - 1, following=following)


@dataclass(frozen=True)
class ProblemReported:
    problem_id: int
    # The order left the station (on hold for a supervisor); otherwise a short shipment awaits a decision.
    held: bool


@dataclass(frozen=True)
class ShortDecision:
    """What became of a short shipment the packer asked for."""

    approved_by: str  # the supervisor's name, "" when nobody approved
    # The order left the station on hold: nobody approved, or nothing would be left to ship.
    held: bool
    message: str


@dataclass(frozen=True)
class Decision:
    """One row of the supervisor's exceptions list: what needs a decision, for which order."""

    kind: str  # "problem", "hold" or "stale"
    order_id: str
    detail: str
    since: str
    who: str
    problem_id: int | None = None
    can_ship_short: bool = False


# -- the desk ---------------------------------------------------------------------------------

class Desk(SupervisorDay, AfterSalesDesk, LabelsDesk, RecoveryDesk):
    """One station session: the operator logged in, and the order open at the station, if any."""

    def __init__(self, db: sqlite_utils.Database, config: Config, printing: PrintService | None = None) -> None:
        self.db = db
        self.config = config
        # The station's print pipeline: the App starts and stops it; a supervisor's desk shares it.
        self.printing = printing if printing is not None else PrintService(db, config)
        # The station's WAL checkpoints, off the thread that commits: the App starts and stops them.
        self.checkpoints = Checkpointer(db, config.database)
        self._operator: Operator | None = None
        # A supervisor's desk for approvals at another operator's station: not a login of its own.
        self._approval_only = False
        self._session: PackSession | None = None
        self._bulk_quantity = 1
        self.locked = False

    @property
    def station(self) -> str:
        return self.config.station

    @property
    def print_retry_seconds(self) -> int:
        """How often jobs that failed because a printer was off are tried again."""
        return self.config.print_retry_seconds

    @property
    def idle_lock_seconds(self) -> int:
        """Seconds without input before the station locks (0: never)."""
        return self.config.idle_lock_seconds

    @property
    def operator(self) -> Operator | None:
        """Set only by a checked badge and PIN (log_in, as_supervisor), never by a caller."""
        return self._operator

    @property
    def session(self) -> PackSession | None:
        """The order open at this station (read it; change it through the desk)."""
        return self._session

    # -- logging in and out -------------------------------------------------------------------

    def check_badge(self, raw: str) -> Operator:
        """The first step of a login: a badge that exists and is active."""
        operator = find_operator(self.db, raw.strip().upper())
        if operator is None:
            # Never echoed: what is typed where a badge belongs is often a PIN.
            raise KioskError(_("Unknown or disabled badge. Scan your badge again."))
        return operator

    def log_in(self, badge: str, pin: str) -> Operator:
        """Badge and PIN; the badge must not be logged in at another station."""
        badge = badge.strip().upper()
        refuse_if_elsewhere(self.db, badge, self.station)
        # The login's event and its session commit together: one disk sync before the queue.
        operator = authenticate(self.db, badge, pin, self.station,
                                then=lambda conn: start_session(conn, badge, self.station))
        self._operator = operator
        self._approval_only = False
        self.locked = False
        return operator

    def stopped_while_away(self) -> list[str]:
        """What became of orders another station took off this one while it was off (cancelled,
        held, put back), said once: the packer puts their items back."""
        from kiosk.claims import stopped_while_away

        self._require_operator()
        return [stop.message for stop in stopped_while_away(self.db, self.station)]

    def lock(self) -> None:
        if self._operator is not None:
            self.locked = True

    def unlock(self, pin: str) -> None:
        """The same operator's PIN carries on after the idle lock."""
        operator = self._require_operator()
        authenticate(self.db, operator.badge, pin, self.station)
        self.locked = False

    def log_out(self, why: str = "logout") -> None:
        """The operator leaves; an order open here stays claimed by the station (it resumes at the next login)."""
        operator = self._operator
        if operator is not None and not self._approval_only:
            record_logout(self.db, operator, self.station, why)
            end_session(self.db, operator.badge, self.station)
        self._operator = None
        self._session = None
        self._bulk_quantity = 1
        self.locked = False

    def session_ended(self) -> str | None:
        """Why the operator logged in here is not any more (a supervisor ended the session from
        another station, which frees the badge for another one), or None while the session stands."""
        operator = self._operator
        if operator is None or self._approval_only:
            return None
        session = live_session(self.db, operator.badge)
        if session is not None and session.station == self.station:
            return None
        return _("A supervisor ended the session of {badge} at this station: scan your badge to log in again.").format(
            badge=operator.badge)

    def heartbeat(self) -> None:
        """Keep this station's claim alive; a supervisor sees claims whose heartbeat went stale."""
        held = station_claim(self.db, self.station)
        if held and self._operator is not None:
            heartbeat(self.db, held, self.station)

    def as_supervisor(self, badge: str, pin: str, *, action: str, order_id: str | None = None) -> Desk:
        """A supervisor approves at this station with badge and PIN, checked here; the approval is an event.

        Returns that supervisor's desk for the approved work (the logged-in operator stays as is).
        """
        supervisor = approve_as_supervisor(self.db, badge, pin, self.station, action=action, order_id=order_id)
        desk = Desk(self.db, self.config, self.printing)
        desk._operator = supervisor
        desk._approval_only = True
        return desk

    def approve_here(self, *, action: str, order_id: str | None = None) -> Desk:
        """The supervisor at this desk approves on their own session: one confirmation on the screen,
        no second badge and PIN. The approval is an event, as with ``as_supervisor``; returns this desk
        (the approver). A packer is refused: their station asks a supervisor's badge and PIN."""
        record_approval(self.db, self._require_supervisor(), self.station, action=action, order_id=order_id,
                        confirmed="session")
        return self

    @property
    def is_supervisor(self) -> bool:
        """A supervisor works at this desk (logged in, or approving with badge and PIN): their
        actions on another person's work take one confirmation, not a second badge and PIN."""
        return self._operator is not None and self._operator.is_supervisor

    # -- the queue ----------------------------------------------------------------------------

    def queue(self, start: int = 0) -> QueuePage:
        """A page of paid orders from ``start`` (kept within the queue)."""
        from kiosk.order_queue import queue_length, queue_page

        total = queue_length(self.db)
        page_size = self.config.queue_page_size
        start = min(max(start, 0), max(total - 1, 0) // page_size * page_size)
        entries = queue_page(self.db, page_size + 1, start, self.config.remote_rules)
        return QueuePage(tuple(entries[:page_size]), total, start, page_size, next(iter(entries[page_size:]), None))

    def open_order(self, raw: str) -> str:
        """Claim an order (a scanned packing slip) and open it here; returns its id."""
        from kiosk.orders import find_order_id
        from kiosk.scanning import clean_scan, looks_like_pin, not_a_barcode

        operator = self._require_packer()
        code = clean_scan(raw)
        if looks_like_pin(code) and find_order_id(self.db.conn, code) is None:
            raise not_a_barcode()
        # The claim finds the order as it was typed ("1010" for "#1010"): open what it found.
        order_id = claim_order(self.db, code, operator.badge, self.station,
                               stale_after=timedelta(minutes=self.config.stale_claim_minutes)).order_id
        self._open(order_id)
        return order_id

    def resume(self) -> str | None:
        """The order this station was packing when it stopped, opened again (None when there is none)."""
        held = station_claim(self.db, self.station)
        if held is None:
            return None
        self._require_packer()
        self._open(held)
        return held

    def _open(self, order_id: str) -> None:
        from kiosk.hold_reasons import NOTHING_TO_SHIP
        from kiosk.packing import PackSession

        operator = self._require_operator()
        session = PackSession(self.db, order_id, operator.badge, self.station)
        self._session = session
        self._bulk_quantity = 1
        if not session.units_ordered:
            # Every unit was approved short: no parcel may leave empty, a supervisor decides.
            self._hold_open(NOTHING_TO_SHIP)
            raise KioskError(
                _("Order {order_id} has nothing left to ship (every unit is short): it is on hold for a"
                  " supervisor.").format(order_id=order_id)
            )

    # -- packing the open order ---------------------------------------------------------------

    @property
    def bulk_quantity(self) -> int:
        """How many units the next item scan counts."""
        return self._bulk_quantity

    def set_quantity(self, quantity: int) -> None:
        from kiosk.packing import MAX_BULK_QUANTITY

        self._require_open()
        if not 1 <= quantity <= MAX_BULK_QUANTITY:
            raise KioskError(_("Quantity must be 1 to {limit}.").format(limit=MAX_BULK_QUANTITY))
        self._bulk_quantity = quantity

    def reset_quantity(self) -> None:
        """The next scan counts one unit again."""
        self._bulk_quantity = 1

    def scan(self, raw: str) -> ScanOutcome:
        """One item scan, counted as the bulk quantity; any scan, accepted or refused, sets the quantity
        back to 1 (a refused bulk scan must not leave 12 units waiting for the next, different item)."""
        session = self._require_open()
        try:
            return session.scan(raw, self._bulk_quantity)
        finally:
            self._bulk_quantity = 1

    def undo(self) -> ScanOutcome:
        return self._require_open().undo_last()

    def acknowledge_notes(self) -> None:
        self._require_open().acknowledge_notes()

    def set_parcel_count(self, count: int) -> None:
        self._require_open().set_parcel_count(count)

    def interruption(self) -> str | None:
        """Why the packer must stop (the order was cancelled, held or taken over), or None."""
        session = self._session
        return session.interruption() if session is not None else None

    def remote_area(self) -> RemoteRule | None:
        """The remote-area rule the open order's address falls under, if any."""
        from kiosk.remote import remote_rule_for

        order = self._require_open().order
        return remote_rule_for(self.config.remote_rules, order["country"], order["province"],
                               order["postal_code"], order["city"])

    def record_waybill(self, raw: str, carrier: str | None = None) -> Shipment:
        """One parcel's waybill; the last parcel ships the order (kiosk.shipping.record_waybill).

        ``carrier`` is the packer's choice for a number that fits several carriers
        (kiosk.waybill.CarrierChoiceNeeded). With the print pipeline running, the label is read
        inside the transaction, drawn on a print thread and published once the shipment commits.
        """
        from kiosk.hold_reasons import NOTHING_TO_SHIP
        from kiosk.shipping import record_waybill
        from kiosk.waybill import WaybillRules

        session = self._require_open()
        if not session.units_ordered:
            self._hold_open(NOTHING_TO_SHIP)
            raise KioskError(
                _("Order {order_id} has nothing left to ship (every unit is short): it is on hold for a"
                  " supervisor.").format(order_id=session.order_id)
            )
        shipment = record_waybill(session, raw, self.config.printer, WaybillRules.from_config(self.config),
                                  stage_label=self.printing.stage_label if self.printing.running else None,
                                  carrier=carrier)
        if shipment.order_shipped:
            self._session = None
        return shipment

    def check_problem(self, kind: str, line_no: int | None, quantity: int, description: str,
                      photo_path: str = "") -> None:
        """Refuses a problem report that would be refused (asked as the packer answers each question)."""
        from kiosk.problems import check_report

        check_report(self.db, self._require_open().order_id, line_no, kind, quantity, description, photo_path)

    def report_problem(self, *, kind: str, line_no: int | None = None, quantity: int = 0, description: str = "",
                       photo_path: str = "", hold: bool = True) -> ProblemReported:
        """Write a problem down; with ``hold`` the order leaves the station for a supervisor."""
        from kiosk.problems import report_problem

        session = self._require_open()
        problem_id = report_problem(
            self.db, session.order_id, kind=kind, line_no=line_no, quantity=quantity, description=description,
            photo_path=photo_path, operator=session.operator, station=self.station, hold=hold,
        )
        if hold:
            self._session = None
        return ProblemReported(problem_id, held=hold)

    def decide_short(self, problem_id: int, approver: Desk | None) -> ShortDecision:
        """The packer asked to ship short: a supervisor approved (``as_supervisor`` at a packer's desk,
        ``approve_here`` when the supervisor is logged in), or nobody did. A problem with the whole
        order ships the units packed so far.

        Nobody approved: the order goes on hold until a supervisor decides, it never ships short.
        Approved so that nothing would be left to ship: the order goes on hold too (no empty parcel).
        """
        session = self._require_open()
        order_id = session.order_id
        if approver is None:
            self._hold_open(SHORT_AWAITING_APPROVAL)
            return ShortDecision("", held=True, message=_(
                "Not approved: order {order_id} is on hold until a supervisor decides.").format(order_id=order_id))
        approver.approve_short(problem_id)
        session.reload_shortages()
        name = approver._require_supervisor().name
        if not session.units_ordered:
            self._session = None  # approve_short held it: nothing is left to ship
            return ShortDecision(name, held=True, message=_(
                "Short shipment approved by {name}, but nothing is left to ship: order {order_id} is on hold for"
                " a supervisor's decision.").format(name=name, order_id=order_id))
        return ShortDecision(name, held=False, message=_("Short shipment approved by {name}.").format(name=name))

    def hold(self, reason: str) -> None:
        """The packer puts the open order on hold with a reason; it leaves the station."""
        self._hold_open(reason)

    def put_back(self) -> str:
        """The open order goes back to the queue, its scans cleared; returns its id."""
        session = self._require_open()
        release_order(self.db, session.order_id, session.operator, self.station)
        self._session = None
        self._bulk_quantity = 1
        return session.order_id

    def close_order(self) -> None:
        """Leave an order that was taken away from this station (cancelled, held, taken over)."""
        self._session = None
        self._bulk_quantity = 1

    def find_item(self, value: str) -> ItemCode:
        """An item by barcode or SKU (for new barcode stickers)."""
        from kiosk.item_labels import find_item

        self._require_operator()
        return find_item(self.db, value)

    def _hold_open(self, reason: str) -> None:
        from kiosk.problems import hold_order

        session = self._require_open()
        hold_order(self.db, session.order_id, reason, session.operator, self.station)
        self._session = None
        self._bulk_quantity = 1

    # -- supervisor: exceptions -----------------------------------------------------------------

    def exceptions(self) -> list[Decision]:
        """Open problems, held orders (without an open problem) and stale claims, oldest first in each."""
        from kiosk.problems import held_orders, open_problems, stale_claims

        self._require_supervisor()
        rows = [
            Decision("problem", p.order_id, f"{p.kind_name} · {p.description}".strip(" ·"), p.reported_at,
                     p.operator, p.problem_id, can_ship_short=p.line_no is not None and p.quantity > 0)
            for p in open_problems(self.db)
        ]
        with_problems = {row.order_id for row in rows}
        rows += [
            Decision("hold", h["order_id"], h["hold_reason"], h["held_at"], "")
            for h in held_orders(self.db)
            if h["order_id"] not in with_problems
        ]
        rows += [
            Decision("stale", c["order_id"], c["station"], c["heartbeat_at"], c["operator"])
            for c in stale_claims(self.db, timedelta(minutes=self.config.stale_claim_minutes))
        ]
        return rows

    def order_history(self, order_id: str, limit: int | None = None) -> list[HistoryEntry]:
        from kiosk.history import order_history

        self._require_supervisor()
        return order_history(self.db, order_id, limit=limit)

    def release(self, order_id: str, note: str) -> None:
        """A held order, or one whose claim went stale, goes back to the queue; the note says why."""
        from kiosk.problems import release_to_queue

        release_to_queue(self.db, order_id, note, self._require_supervisor(), self.station)

    def cancel_order(self, order_id: str, reason: str) -> None:
        from kiosk.problems import cancel_order

        supervisor = self._require_supervisor()
        if not reason.strip():
            raise KioskError(_("Say why the order is cancelled."))
        cancel_order(self.db, order_id, reason, supervisor.badge, self.station)

    def hold_order(self, order_id: str, reason: str) -> None:
        """A supervisor takes any order out of the queue (or off a station) with a reason."""
        from kiosk.problems import hold_order

        hold_order(self.db, order_id, reason, self._require_supervisor().badge, self.station)

    def resolve_problem(self, problem_id: int, resolution: str) -> None:
        from kiosk.problems import resolve_problem

        resolve_problem(self.db, problem_id, resolution, self._require_supervisor(), self.station)

    def approve_short(self, problem_id: int) -> None:
        """Needs this supervisor's approval for the order just now (``as_supervisor`` or ``approve_here``,
        action short_shipment)."""
        from kiosk.problems import approve_short

        approve_short(self.db, problem_id, self._require_supervisor(), self.station)

    def end_session_of(self, badge: str) -> str:
        """End a badge's session at another station (it died, or the badge was left logged in); returns where."""
        supervisor = self._require_supervisor()
        badge = badge.strip().upper()
        if badge == supervisor.badge and not self._approval_only:
            raise KioskError(_("That is your own session: log out instead (F10 on the queue)."))
        return end_session_of(self.db, badge, by=supervisor.badge, station=self.station).station

    def live_sessions(self) -> list[LiveStation]:
        """Who is logged in where, and the order each station holds (for a supervisor)."""
        from kiosk.sessions import live_stations

        self._require_supervisor()
        return live_stations(self.db)

    def locked_badges(self) -> list[Operator]:
        """Badges locked after too many wrong PINs (for a supervisor)."""
        from kiosk.auth import locked_operators

        self._require_supervisor()
        return locked_operators(self.db)

    def unlock_badge(self, badge: str) -> Operator:
        """A supervisor lifts a badge's lockout (as ``kiosk operators unlock`` does); returns its operator."""
        from kiosk.auth import is_locked, require_operator, unlock_badge

        supervisor = self._require_supervisor()
        operator = require_operator(self.db, badge)
        if not is_locked(self.db, operator.badge):
            raise KioskError(_("Badge {badge} is not locked.").format(badge=operator.badge))
        return unlock_badge(self.db, operator.badge, by=supervisor.badge)

    # -- supervisor: operators ----------------------------------------------------------------

    def add_operator(self, badge: str, name: str, role: str, pin: str, *, language: str = "") -> Operator:
        from kiosk.auth import add_operator

        return add_operator(self.db, badge, name, role, pin, language=language, by=self._require_supervisor().badge)

    def set_operator_active(self, badge: str, active: bool) -> None:
        from kiosk.auth import set_operator_active

        set_operator_active(self.db, badge, active, by=self._require_supervisor().badge)

    # -- supervisor: print jobs and shipments -----------------------------------------------------

    def print_jobs(self) -> list[PrintJob]:
        from kiosk.print_queue import list_jobs

        self._require_supervisor()
        return list_jobs(self.db)

    def retry_job(self, job_id: int) -> int:
        """A failed (or stuck) job back to queued and sent now; returns it."""
        from kiosk.print_queue import retry_job

        return self._send(
            retry_job(self.db, job_id, operator=self._require_supervisor().badge, station=self.station).job_id)

    def other_printers(self, current: str) -> list[tuple[str, str]]:
        """(name, where) of each configured printer but ``current``."""
        from kiosk.printers import configured_printers

        self._require_supervisor()
        return [(name, printer.where) for name, printer in configured_printers(self.config).items()
                if name != current]

    def redirect_job(self, job_id: int, printer: str) -> int:
        """The job to another printer, sent now; returns it."""
        from kiosk.print_queue import redirect_job

        supervisor = self._require_supervisor()
        return self._send(redirect_job(self.db, job_id, printer, self.config, operator=supervisor.badge,
                                       station=self.station).job_id)

    def reprint(self, job_id: int, reason: str) -> int:
        """A new job printing the same label again, sent now; returns it."""
        from kiosk.print_queue import reprint_job

        return self._send(
            reprint_job(self.db, job_id, reason, operator=self._require_supervisor().badge, station=self.station))

    def _send(self, job_id: int) -> int:
        if self.printing.running:
            self.printing.send(job_id)
        return job_id

    # -- printing at the desk ---------------------------------------------------------------------

    def prepare_label(self, carrier: str, package_no: int, package_count: int) -> None:
        """Draw the open order's label for this parcel ahead of its waybill (on the print threads).

        Only a head start: when the order has shipped or closed meanwhile (a burst of scans ran ahead
        of the screen), there is nothing to draw."""
        session = self._session
        if session is not None and self.printing.running:
            self.printing.prepare_label(session.order_id, carrier, package_no, package_count,
                                        operator=session.operator)

    def print_item_labels(self, code: str, copies: int, reason: str = "") -> int:
        """New stickers for an item (its barcode is damaged), for the open order if there is one."""
        operator = self._require_operator()
        return self.printing.queue_item_labels(code, copies, operator=operator.badge,
                                               order_id=self._session.order_id if self._session else None,
                                               reason=reason)

    def retry_print_jobs(self) -> list[int]:
        """This station's jobs that failed because a printer was off, sent again (a timer calls it)."""
        return self.printing.retry_due() if self.printing.running else []

    def print_finished(self, outcome: PrintOutcome) -> PrintNotice | None:
        """Record a print attempt's outcome; what to tell the desk about it, if anything."""
        from kiosk.print_queue import get_job
        from kiosk.print_service import outcome_notice

        self.printing.finish(outcome)
        return outcome_notice(outcome, retried=get_job(self.db, outcome.job_id).attempts > 1)

    def void_shipment(self, shipment_id: int, reason: str) -> VoidResult:
        from kiosk.voids import void_shipment

        return void_shipment(self.db, shipment_id, reason, supervisor=self._require_supervisor().badge,
                             station=self.station)

    # -- who may -----------------------------------------------------------------------------

    def _require_operator(self) -> Operator:
        if self._operator is None:
            raise KioskError(_("Nobody is logged in at this station: scan your badge."))
        return self._operator

    def _require_packer(self) -> Operator:
        operator = self._require_operator()
        if operator.role not in PACKING_ROLES:
            raise KioskError(
                _("{name} works in after-sales: packing is for packers and supervisors.").format(name=operator.name)
            )
        return operator

    def _require_open(self) -> PackSession:
        self._require_packer()
        if self._session is None:
            raise KioskError(_("No order is open at this station: scan a packing slip."))
        return self._session

    def _require_supervisor(self) -> Operator:
        operator = self._require_operator()
        if not operator.is_supervisor:
            raise KioskError(
                _("{name} is not a supervisor: a supervisor must approve this.").format(name=operator.name)
            )
        return operator
