"""``kiosk label``: a shipped order's label and item stickers to files, in every format and size."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from kiosk.cli import cli, main
from kiosk.db import open_database
from kiosk.label_cli import label
from tests.test_cli import assert_one_line_refusal, assert_usage_error, isolated  # noqa: F401 - fixture
from tests.test_print_jobs import ship
from tests.test_printing import LABEL_SIZES, pdf_images, render_zpl

# kiosk/cli.py registers the command; until then (and harmlessly after) the tests do it.
if "label" not in cli.commands:
    cli.add_command(label)


@pytest.fixture
def shipped(db_path: Path) -> Path:
    db = open_database(db_path)
    ship(db, "SO-1")
    db.conn.close()
    return db_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def decode(image: Image.Image) -> list[str]:
    return sorted(r.text for r in zxingcpp.read_barcodes(image.convert("L")))


@pytest.mark.parametrize("size", sorted(LABEL_SIZES))
@pytest.mark.parametrize("dpi", ["203", "300"])
@pytest.mark.parametrize("fmt", ["png", "pdf", "zpl"])
def test_label_of_a_shipped_order_in_every_format_size_and_resolution(shipped, tmp_path, capsys, size, dpi, fmt):
    out = tmp_path / f"label.{fmt}"
    code, stdout, _ = run(capsys, "--db", str(shipped), "label", "SO-1", "-o", str(out), "--format", fmt,
                          "--dpi", dpi, "--size", size)
    assert code == 0 and stdout == f"Label written to {out}\n"
    if fmt == "png":
        with Image.open(out) as image:
            assert round(image.info["dpi"][0]) == int(dpi)
            found = decode(image)
    elif fmt == "pdf":
        ((image, media),) = pdf_images(out.read_bytes())
        assert media == pytest.approx(tuple(mm / 25.4 * 72 for mm in LABEL_SIZES[size]), abs=0.5)
        found = decode(image)
    else:
        found = decode(render_zpl(out.read_text()))
    assert found == ["1Z999AA10123456784", "SO-1"]


def test_default_name_and_format_from_the_output_name(shipped, tmp_path, capsys):
    code, stdout, _ = run(capsys, "--db", str(shipped), "label", "SO-1")
    assert code == 0 and stdout == "Label written to SO-1-1Z999AA10123456784.png\n"
    assert Path("SO-1-1Z999AA10123456784.png").exists()  # the working folder is tmp_path
    code, _, _ = run(capsys, "--db", str(shipped), "label", "SO-1", "-o", "x.zpl")
    assert code == 0 and Path("x.zpl").read_text().startswith("^XA")


def test_zpl_to_standard_output(shipped, capsysbinary):
    assert main(["--db", str(shipped), "label", "SO-1", "--format", "zpl", "-o", "-"]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"^XA") and out.rstrip().endswith(b"^XZ")


def test_an_export_is_on_record(shipped, capsys):
    run(capsys, "--db", str(shipped), "label", "SO-1")
    db = open_database(shipped)
    kind, order_id = db.execute("SELECT kind, order_id FROM events ORDER BY id DESC LIMIT 1").fetchone()
    assert (kind, order_id) == ("label_exported", "SO-1")


@pytest.mark.parametrize(
    ("args", "message"),
    [(["label", "NOPE"], "kiosk: No order NOPE."),
     (["label", "SO-2"], "kiosk: Order SO-2 is paid and has no shipment: only a shipped order has a label."),
     (["label", "--sku", "NOPE"], "kiosk: Unknown SKU or item code NOPE."),
     (["label", "--sku", "MUG-01", "--kind", "fnsku"], "kiosk: SKU MUG-01 has no Amazon FNSKU on record.")],
)
def test_unknown_order_or_sku_is_one_line_and_exit_1(shipped, capsys, args, message):
    code, stdout, stderr = run(capsys, "--db", str(shipped), *args)
    assert code == 1 and stdout == ""
    assert assert_one_line_refusal(stderr) == message


@pytest.mark.parametrize(
    "args",
    [["label"], ["label", "SO-1", "--sku", "MUG-01"], ["label", "SO-1", "--copies", "2"],
     ["label", "SO-1", "--size", "A6"], ["label", "SO-1", "--dpi", "600"], ["label", "SO-1", "--format", "svg"]],
)
def test_usage_errors_exit_2(shipped, capsys, args):
    code, _, stderr = run(capsys, "--db", str(shipped), *args)
    assert code == 2
    assert_usage_error(stderr)


def test_item_labels_n_copies(shipped, capsys, tmp_path):
    code, stdout, _ = run(capsys, "--db", str(shipped), "label", "--sku", "TOTE-BLK", "--copies", "3",
                          "--size", "2x1", "-o", str(tmp_path / "tote.pdf"))
    assert code == 0 and stdout == f"Label written to {tmp_path / 'tote.pdf'}\n"
    pages = pdf_images((tmp_path / "tote.pdf").read_bytes())
    assert len(pages) == 3
    assert all(decode(image) == ["6901234500042"] for image, _ in pages)
    code, stdout, _ = run(capsys, "--db", str(shipped), "label", "--sku", "INT-00017", "--copies", "2")
    assert code == 0 and stdout.splitlines() == ["Label written to item-INT-00017-1.png",
                                                 "Label written to item-INT-00017-2.png"]
    with Image.open("item-INT-00017-2.png") as image:
        assert decode(image) == ["INT-00017"]


def test_item_labels_on_a_sheet(shipped, capsys, tmp_path):
    out = tmp_path / "sheet.pdf"
    code, _, _ = run(capsys, "--db", str(shipped), "label", "--sku", "SCARF-RED", "--copies", "45",
                     "--size", "letter-30", "-o", str(out))
    assert code == 0
    pages = pdf_images(out.read_bytes())
    assert [media for _, media in pages] == [pytest.approx((612, 792), abs=0.5)] * 2  # US Letter
    code, _, stderr = run(capsys, "--db", str(shipped), "label", "--sku", "SCARF-RED", "--size", "a4-30",
                          "--format", "zpl")
    assert code == 1 and "use pdf or png" in assert_one_line_refusal(stderr)


@pytest.fixture
def two_parcels(db_path: Path) -> Path:
    from kiosk.shipping import record_waybill
    from tests.test_shipping import packed_session

    db = open_database(db_path)
    session = packed_session(db, "SO-1")
    session.set_parcel_count(2)
    for tracking in ("1Z999AA10123456784", "1Z12345E6605272234"):
        record_waybill(session, tracking, "spool")
    db.conn.close()
    return db_path


@pytest.mark.parametrize("fmt", ["png", "pdf", "zpl"])
def test_each_parcels_file_is_named_after_its_own_tracking_number(two_parcels, capsys, fmt, tmp_path,
                                                                  monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, stdout, _ = run(capsys, "--db", str(two_parcels), "label", "SO-1", "--format", fmt)
    names = ["SO-1-1Z999AA10123456784", "SO-1-1Z12345E6605272234"]
    assert code == 0 and stdout.splitlines() == [f"Label written to {name}.{fmt}" for name in names]
    for name in names:
        data = (tmp_path / f"{name}.{fmt}").read_bytes()
        if fmt == "png":
            found = decode(Image.open(tmp_path / f"{name}.png"))
        elif fmt == "pdf":
            ((image, _media),) = pdf_images(data)
            found = decode(image)
        else:
            found = decode(render_zpl(data.decode()))
        assert found == sorted([name.removeprefix("SO-1-"), "SO-1"])


def test_several_parcels_to_one_named_file(two_parcels, capsys, tmp_path):
    code, stdout, _ = run(capsys, "--db", str(two_parcels), "label", "SO-1", "-o", str(tmp_path / "both.pdf"))
    assert code == 0 and stdout == f"Label written to {tmp_path / 'both.pdf'}\n"
    assert [decode(image) for image, _media in pdf_images((tmp_path / "both.pdf").read_bytes())] == [
        ["1Z999AA10123456784", "SO-1"], ["1Z12345E6605272234", "SO-1"]]
    code, stdout, _ = run(capsys, "--db", str(two_parcels), "label", "SO-1", "-o", str(tmp_path / "p.png"))
    assert code == 0 and stdout.splitlines() == [f"Label written to {tmp_path / name}" for name in
                                                 ("p-1Z999AA10123456784.png", "p-1Z12345E6605272234.png")]
