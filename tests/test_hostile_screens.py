"""Text from data reaches no screen as terminal control: names, notes, scans and stations
carrying escape sequences are shown with visible stand-ins on every screen a person meets."""

from __future__ import annotations

from kiosk.db import transaction
from kiosk.labels import label_for_shipment, shipping_document
from kiosk.print_queue import finish_print_job
from kiosk.problems import report_problem
from kiosk.shipping import record_waybill
from screens.login import LoginScreen
from screens.pack import PackScreen
from screens.print_jobs import PrintJobsScreen
from screens.queue import QueueScreen
from tests.pilot import RecordingApp, open_exceptions, run_kiosk, scan
from tests.test_shipping import packed_session

# The clipboard write (OSC 52), a new terminal title, a screen clear, NUL, BEL and a right-to-left override.
HOSTILE = "X\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\x1b[2J\x00\x07\u202eY"
SHOWN = "␛]0;pwned␇"  # what a person sees instead of a retitled terminal
CONTROLS = {*map(chr, range(0x20)), *map(chr, range(0x7F, 0xA0)), "\u202e", "\u202d", "\u2066", "\u2067"}


def rendered(app: RecordingApp) -> str:
    """Every character the screen in front (with its notifications) would send to the terminal."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def assert_inert(app: RecordingApp, *, expect_shown: bool = True) -> None:
    text = rendered(app)
    found = sorted({repr(char) for line in text.split("\n") for char in line if char in CONTROLS})
    assert not found, f"{type(app.screen).__name__} sent control characters {found} to the terminal"
    if expect_shown:
        assert SHOWN in text, f"{type(app.screen).__name__} did not show the hostile text at all"


def make_hostile(db) -> None:
    with transaction(db):
        db.execute("UPDATE operators SET name = ? WHERE badge IN ('P001', 'S001')", ["Li " + HOSTILE])
        db.execute("UPDATE orders SET recipient_name = ?, buyer_note = ?, platform = ? WHERE order_id = 'SO-1'",
                   ["Ann " + HOSTILE, "Note " + HOSTILE, "shop" + HOSTILE])
        db.execute("UPDATE order_lines SET name = ?, colour = ? WHERE order_id = 'SO-1'",
                   ["Sweater " + HOSTILE, "Red " + HOSTILE])


async def test_login_queue_and_pack_screens_show_hostile_data_inert(config, db):
    make_hostile(db)
    config.station = "DESK" + HOSTILE
    async with run_kiosk(config, badge=None) as (app, pilot):
        assert isinstance(app.screen, LoginScreen)
        assert_inert(app)  # the station's name
        app.deliver_scan("B" + HOSTILE)  # an unknown badge: banner and notification
        await pilot.pause()
        assert_inert(app, expect_shown=False)
        await scan(pilot, "P001")
        assert_inert(app)  # "<name>: type your PIN"
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert_inert(app)  # header and recipient column
        app.deliver_scan("SO" + HOSTILE)  # no such order: the refusal quotes the scan
        await pilot.pause()
        assert_inert(app)
        await scan(pilot, "SO-1")
        assert isinstance(app.screen, PackScreen)
        assert_inert(app)  # header, recipient, notes, lines
        await pilot.press("f4")
        app.deliver_scan("C" + HOSTILE)  # an unknown code
        await pilot.pause()
        assert_inert(app)


async def test_exceptions_and_print_jobs_screens_show_hostile_data_inert(config, db):
    make_hostile(db)
    with transaction(db):
        db.execute("UPDATE orders SET recipient_name = ? WHERE order_id = 'SO-2'", ["Bo " + HOSTILE])
    session = packed_session(db, "SO-1")
    shipment = record_waybill(session, "1Z999AA10123456784", "spool")
    finish_print_job(db, shipment.print_job_id, error="printer said " + HOSTILE, retryable=False,
                     station="DESK-1")
    packed_session(db, "SO-2", station="DESK-2")
    report_problem(db, "SO-2", kind="other", description="torn " + HOSTILE, operator="P001", station="DESK-2")
    async with run_kiosk(config, "S001", "9999") as (app, pilot):
        await open_exceptions(pilot)
        await pilot.pause()
        assert_inert(app)  # header, detail, who, the order's history
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PrintJobsScreen)
        assert_inert(app)  # the error column and the job's detail


def test_a_label_draws_hostile_names_and_emoji(db, config):
    """Control characters and emoji are left off the label, not a reason to refuse it."""
    make_hostile(db)
    with transaction(db):
        db.execute("UPDATE orders SET recipient_name = ?, address = ? WHERE order_id = 'SO-1'",
                   ["Ann 📦🎁👍🏽 " + HOSTILE, "1 Road \u202e\x00 ❤️ " + HOSTILE])
    shipment = record_waybill(packed_session(db, "SO-1"), "1Z999AA10123456784", "spool")
    label = label_for_shipment(db, shipment.shipment_id, config)
    document = shipping_document(label, "4x6", 203)
    assert len(document.pages) == 1
    fields = dict(label.text_fields())
    assert fields["recipient name"] == "Ann X]52;c;cm0gLXJmIH4=]0;pwned[2JY"
    assert fields["address line 1"] == "1 Road ❤ X]52;c;cm0gLXJmIH4=]0;pwned[2JY"  # the heart is in the font
    assert all(char.isprintable() for text in fields.values() for char in text)
