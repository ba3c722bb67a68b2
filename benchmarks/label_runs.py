"""The label figure: the kiosk's whole shipping label, drawn and encoded, against the label floor."""

from __future__ import annotations

import time
from collections.abc import Callable

from benchmarks.floor_label import label_png
from printing.labels import ShippingLabel, render_shipping_label
from printing.outputs import png_bytes


def sample_label(order_id: str, tracking: str) -> ShippingLabel:
    """A label as full as a typical one: recipient, sender, three item lines, flags.

    The recipient and address differ on every label, as they do at a desk, so text measured
    once (captions, sender, items) is reused but theirs is not.
    """
    return ShippingLabel(
        order_id=order_id, tracking_number=tracking, carrier="UPS", recipient_name=f"Emily Johnson {order_id}",
        phone="+1 212 555 0147", address_lines=(f"{len(order_id) * 7} 5th Ave Apt {order_id[-3:]}", "New York NY"),
        postal_code="10118",
        country="US", sender_lines=("Packing Desk", "1 Warehouse Road"),
        items=(("Merino Crew Sweater", "Red / M", 2), ("Canvas Tote", "Black", 1), ("Enamel Mug", "", 1)),
        ship_date="2026-11-27", station="DESK-1", packer="Li Wei", flags=("NOTE",),
    )


def kiosk_label(order_id: str, tracking: str) -> None:
    """What the kiosk does for a label drawn whole: layout, fonts, both barcodes, the PNG file's bytes."""
    png_bytes(render_shipping_label(sample_label(order_id, tracking)))


def floor_label(order_id: str, tracking: str) -> None:
    label_png(sample_label(order_id, tracking))


def _seconds(render: Callable[[str, str], None], order_id: str, tracking: str) -> float:
    started = time.perf_counter()
    render(order_id, tracking)
    return time.perf_counter() - started


def measure_labels(parcels: list[tuple[str, str]]) -> tuple[list[float], list[float]]:
    """(kiosk, floor) seconds per label for the same parcels, alternating so both see the same machine.

    One untimed label each first: fonts load once per process, in the kiosk and in the floor.
    Every label has its own recipient, so the kiosk never redraws a label it drew before.
    """
    for render in (kiosk_label, floor_label):
        render("WARM-UP", "1Z0000000000000000")
    kiosk, floor = [], []
    for order_id, tracking in parcels:
        kiosk.append(_seconds(kiosk_label, order_id, tracking))
        floor.append(_seconds(floor_label, order_id, tracking))
    return kiosk, floor
