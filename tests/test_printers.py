"""Printers: the [printers] config table, and the spool, CUPS (lp) and raw ZPL (port 9100) backends.

The CUPS backend is driven against a stand-in ``lp`` first on PATH that records its arguments;
the raw backend against a socket server on 127.0.0.1 in a thread.
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from kiosk.config import Config, load_config
from kiosk.errors import KioskError
from kiosk.printers import PrinterOffline, configured_printers, get_printer, send
from printing.labels import layout_shipping_label
from printing.outputs import LabelDocument, default_media
from tests.loopback_printer import LoopbackPrinter
from tests.test_printing import make_label, render_zpl

LABEL = make_label()


@pytest.fixture(scope="module")
def document() -> LabelDocument:
    return LabelDocument((layout_shipping_label(LABEL, "4x6", 203),))


def decoded(path: Path) -> list[str]:
    with Image.open(path) as image:
        return sorted(r.text for r in zxingcpp.read_barcodes(image.convert("L")))


# --- configuration ----------------------------------------------------------------------------


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_printer_table_with_every_backend(tmp_path):
    config = load_config(write_config(tmp_path, f"""
printer = "zebra"
item_printer = "office"
label_privacy = true
item_label_size = "a4-30"
spool_dir = "{tmp_path / 'spool'}"
[printers.zebra]
backend = "raw"
host = "10.0.0.9"
[printers.office]
backend = "cups"
name = "HP_LaserJet"
media = "A4"
[printers.folder]
backend = "spool"
folder = "{tmp_path / 'hot'}"
format = "pdf"
"""))
    printers = configured_printers(config)
    assert sorted(printers) == ["folder", "office", "spool", "zebra"]
    zebra, office, folder = printers["zebra"], printers["office"], printers["folder"]
    assert (zebra.backend, zebra.format, zebra.host, zebra.port, zebra.where) == ("raw", "zpl", "10.0.0.9", 9100,
                                                                                   "10.0.0.9:9100")
    assert (office.queue, office.media, office.format) == ("HP_LaserJet", "A4", "pdf")
    assert (folder.folder, folder.format) == (tmp_path / "hot", "pdf")
    assert printers["spool"].folder == tmp_path / "spool"  # the built-in one is always there
    assert config.label_privacy is True and config.item_label_size == "a4-30"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('printer = "zebra"', "printer names printer zebra, which is not configured"),
        ('[printers.x]\nbackend = "fax"', "printers.x.backend must be one of spool, cups, raw"),
        ('[printers.x]\nbackend = "raw"', "printers.x needs host"),
        ('[printers.x]\nbackend = "raw"\nhost = "p"\nport = 70000', "printers.x.port must be 1 to 65535"),
        ('[printers.x]\nbackend = "raw"\nhost = "p"\nformat = "pdf"', "printers.x.format must be one of zpl"),
        ('[printers.x]\nbackend = "cups"', "printers.x needs name, the CUPS printer name"),
        ('[printers.x]\nbackend = "cups"\nname = "P"\nhost = "h"', "unknown setting host for a cups printer"),
        ('[printers.x]\nbackend = "spool"\nfolder = 3', "printers.x.folder must be a path in quotes"),
        ('printers = "zebra"', "printers must be a table"),
        ('label_privacy = "yes"', "label_privacy must be bool"),
        ("print_retry_seconds = true", "print_retry_seconds must be int"),
        ("print_retry_seconds = 1", "print_retry_seconds must be 5 to 86400"),
        ('item_label_size = "A7"', "item_label_size must be one of"),
    ],
)
def test_bad_printer_settings_are_refused_by_name(tmp_path, text, reason):
    with pytest.raises(KioskError, match=reason):
        load_config(write_config(tmp_path, text))


def test_an_unknown_printer_name_is_refused_at_use(tmp_path):
    with pytest.raises(KioskError, match="Printer nowhere is not configured"):
        get_printer(Config(spool_dir=tmp_path), "nowhere")


# --- spool ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["png", "pdf", "zpl"])
def test_spool_backend_writes_the_label_in_its_format(tmp_path, document, fmt):
    config = Config(spool_dir=tmp_path, printers={"hot": {"backend": "spool", "folder": str(tmp_path / "hot"),
                                                          "format": fmt}})
    path = send(get_printer(config, "hot"), document, "#1042-1Z999AA10123456784")
    assert path == tmp_path / "hot" / f"1042-1Z999AA10123456784.{fmt}"
    if fmt == "png":
        assert decoded(path) == sorted([LABEL.tracking_number, LABEL.order_id])
    elif fmt == "zpl":
        assert path.read_text().startswith("^XA")
    else:
        assert path.read_bytes().startswith(b"%PDF-")


def test_a_spool_folder_that_cannot_be_written_is_a_printer_offline(tmp_path, document):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    config = Config(spool_dir=blocker)
    with pytest.raises(PrinterOffline, match="printer spool offline: cannot write to"):
        send(get_printer(config, "spool"), document, "SO-1")


# --- cups -----------------------------------------------------------------------------------


@pytest.fixture
def fake_lp(tmp_path, monkeypatch):
    """A stand-in `lp` first on PATH: records its argv (one per line) and exits with $LP_EXIT."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "lp-args"
    script = bin_dir / "lp"
    script.write_text(
        "#!/bin/sh\n"
        f'for arg in "$@"; do printf "%s\\n" "$arg"; done > "{record}"\n'
        'if [ "${LP_EXIT:-0}" != 0 ]; then echo "lp: The printer or class does not exist." >&2; fi\n'
        'exit "${LP_EXIT:-0}"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return record


def cups_config(tmp_path: Path, **entry: str) -> Config:
    return Config(spool_dir=tmp_path / "spool", printers={"desk": {"backend": "cups", "name": "Zebra_ZD421", **entry}})


def test_cups_backend_calls_lp_with_printer_media_and_the_pdf(tmp_path, document, fake_lp):
    printer = get_printer(cups_config(tmp_path), "desk")
    path = send(printer, document, "SO-10023-1Z999AA10123456784", title="SO-10023",
                media=default_media(document))
    args = fake_lp.read_text().splitlines()
    assert args == ["-d", "Zebra_ZD421", "-t", "SO-10023", "-o", "media=w288h432", str(path)]
    assert path.parent == tmp_path / "spool" / "sent" and path.suffix == ".pdf"
    assert path.read_bytes().startswith(b"%PDF-")


def test_cups_media_from_the_printer_wins(tmp_path, document, fake_lp):
    send(get_printer(cups_config(tmp_path, media="Custom.4x6in"), "desk"), document, "SO-1", media="w288h432")
    assert "media=Custom.4x6in" in fake_lp.read_text().splitlines()


def test_lp_failing_is_a_printer_offline_with_its_message(tmp_path, document, fake_lp, monkeypatch):
    monkeypatch.setenv("LP_EXIT", "1")
    with pytest.raises(PrinterOffline, match=r"printer desk offline: lp exit 1 \(lp: The printer or class does not"):
        send(get_printer(cups_config(tmp_path), "desk"), document, "SO-1")


def test_no_lp_command_is_a_printer_offline(tmp_path, document, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(PrinterOffline, match="the lp command is missing"):
        send(get_printer(cups_config(tmp_path), "desk"), document, "SO-1")


# --- raw ZPL over TCP ----------------------------------------------------------------------


@pytest.fixture
def zebra():
    printer = LoopbackPrinter()
    yield printer
    printer.close()


def raw_config(tmp_path: Path, port: int) -> Config:
    return Config(spool_dir=tmp_path / "spool",
                  printers={"zebra": {"backend": "raw", "host": "127.0.0.1", "port": port, "timeout": 2}})


def test_raw_backend_sends_the_zpl_to_port_9100(tmp_path, document, zebra):
    path = send(get_printer(raw_config(tmp_path, zebra.port), "zebra"), document, "SO-10023")
    zebra.close()
    (job,) = zebra.jobs
    assert job == path.read_bytes() and job.startswith(b"^XA") and job.rstrip().endswith(b"^XZ")
    printed = render_zpl(job.decode())
    assert sorted(r.text for r in zxingcpp.read_barcodes(printed)) == sorted([LABEL.tracking_number, LABEL.order_id])


def test_a_raw_printer_that_is_off_is_a_printer_offline(tmp_path, document):
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now: connection refused
    with pytest.raises(PrinterOffline, match=rf"printer zebra at 127.0.0.1:{port} offline"):
        send(get_printer(raw_config(tmp_path, port), "zebra"), document, "SO-1")


def test_a_sheet_cannot_go_to_a_zpl_printer(tmp_path, document):
    sheet = LabelDocument(document.pages, is_sheet=True)
    with pytest.raises(KioskError, match="Printer zebra takes zpl: a sheet of labels is for an office printer"):
        send(get_printer(raw_config(tmp_path, 9), "zebra"), sheet, "items")
