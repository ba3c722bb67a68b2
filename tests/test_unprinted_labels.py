"""A label that did not print is not missed: the queue shows it until it prints or is dealt with,
the packer reprints the station's last label with a key, and a retry that fails says so."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from kiosk.desk import Desk
from kiosk.errors import KioskError
from kiosk.labels import render_problem
from kiosk.print_queue import finish_print_job, get_job, reprint_job, unprinted_jobs
from kiosk.print_requests import PrintOutcome
from kiosk.print_service import outcome_notice
from kiosk.voids import void_shipment
from printing.fonts import FontSpec, MissingGlyphs
from screens.prompt import PromptDialog
from tests.pilot import answer_prompt, banner, labels_reported, run_kiosk
from tests.test_print_jobs import ship


def fail(db, job_id: int, error: str = "printer zebra is offline") -> None:
    finish_print_job(db, job_id, error=error, retryable=True, station="DESK-1")


def unprinted_line(app) -> str:
    line = app.screen.query_one("#unprinted", Static)
    return str(line.render()) if line.display else ""


# -- the core ------------------------------------------------------------------------------------

def test_unprinted_jobs_are_this_stations_failed_ones_until_dealt_with(db):
    first, second, third = ship(db, "SO-1"), ship(db, "SO-2"), ship(db, "SO-6")
    finish_print_job(db, first.print_job_id, file="/spool/a.png", station="DESK-1")
    fail(db, second.print_job_id)
    fail(db, third.print_job_id)
    assert [job.order_id for job in unprinted_jobs(db, "DESK-1")] == ["SO-2", "SO-6"]
    assert unprinted_jobs(db, "DESK-2") == []
    # Dealt with: a reprint that printed, or the shipment voided.
    reprint = reprint_job(db, second.print_job_id, "label jammed", operator="P001", station="DESK-1")
    assert [job.order_id for job in unprinted_jobs(db, "DESK-1")] == ["SO-2", "SO-6"]  # not printed yet
    finish_print_job(db, reprint, file="/spool/b.png", station="DESK-1")
    void_shipment(db, third.shipment_id, "wrong box", supervisor="S001", station="DESK-1")
    assert unprinted_jobs(db, "DESK-1") == []


def test_the_packer_reprints_the_stations_last_label_with_a_reason(db, config):
    desk = Desk(db, config)
    desk.log_in("P001", "1234")
    with pytest.raises(KioskError, match="No shipping label was printed at station DESK-1 yet"):
        desk.reprint_last_label("torn")
    ship(db, "SO-1")
    last = ship(db, "SO-2")
    with pytest.raises(KioskError, match="Say why the label is printed again"):
        desk.reprint_last_label("  ")
    job = desk.reprint_last_label("torn in the printer")
    assert (job.order_id, job.reprint_of, job.reason, job.operator) == ("SO-2", last.print_job_id,
                                                                       "torn in the printer", "P001")


def test_a_retry_that_fails_again_says_so():
    outcome = PrintOutcome(3, "shipping_label", "SO-1", "zebra", "SO-1", error="printer zebra is offline",
                           retryable=True)
    notice = outcome_notice(outcome, retried=True)
    assert notice is not None and notice.severity == "error"
    assert notice.text == "Job 3 failed again: printer zebra is offline"


def test_the_desk_says_failed_again_for_a_job_that_failed_before(db, config):
    desk = Desk(db, config)
    job_id = ship(db, "SO-1").print_job_id
    fail(db, job_id)
    notice = desk.print_finished(PrintOutcome(job_id, "shipping_label", "SO-1", "zebra", "SO-1",
                                              error="printer zebra is offline", retryable=True))
    assert notice is not None and notice.text == f"Job {job_id} failed again: printer zebra is offline"
    assert get_job(db, job_id).attempts == 2


def test_a_caption_the_font_cannot_draw_is_named_by_its_words_not_its_key():
    error = MissingGlyphs(FontSpec("/fonts/latin.ttf"), {"caption ship_to": {"收"}})
    problem = render_problem(error)
    assert "ship_to" not in problem
    assert "the caption “SHIP TO”" in problem


# -- the queue screen ----------------------------------------------------------------------------

async def test_the_queue_shows_unprinted_labels_until_a_reprint_prints(db, config):
    fail(db, ship(db, "SO-1").print_job_id, "printer zebra is offline")
    async with run_kiosk(config) as (app, pilot):
        assert "Not printed: shipping label SO-1 (job 1): printer zebra is offline" in unprinted_line(app)
        await pilot.press("f8")
        assert isinstance(app.screen, PromptDialog)
        await answer_prompt(pilot, "jammed")
        await labels_reported(pilot)
        assert "Reprint of the label of SO-1 queued as job 2" in banner(app).message
        assert unprinted_line(app) == ""
        reprint = get_job(db, 2)
        assert (reprint.status, reprint.reason, reprint.reprint_of) == ("sent", "jammed", 1)


async def test_several_unprinted_labels_are_counted_on_the_queue(db, config):
    for order_id in ("SO-1", "SO-2"):
        fail(db, ship(db, order_id).print_job_id)
    async with run_kiosk(config) as (app, pilot):
        assert "2 labels not printed: SO-1, SO-2" in unprinted_line(app)
