"""printing/: Code 128 on whole dots, font coverage, label layout, spool files.

Barcodes are checked the way a printer would see them: decoded with zxing-cpp from the
rendered pixels, and measured in pixels (quiet zones, module widths), since a successful
decode alone does not prove the quiet zone is there.
"""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import printing
from printing.barcodes import (
    MIN_QUIET_MODULES,
    BarcodeTooLong,
    code128_modules,
    fit_code128,
    render_code128,
    symbol_modules,
)
from printing.canvas import TextField
from printing.fonts import (
    BUNDLED_CJK_FONT,
    LATIN_FONTS,
    FontSpec,
    available_fonts,
    find_font,
    load_font,
    missing_glyphs,
    pick_font,
)
from printing.labels import (
    LABEL_SIZES,
    MARGIN_MM,
    LabelCaptions,
    LabelRenderer,
    MissingGlyphs,
    ShippingLabel,
    layout_shipping_label,
    render_shipping_label,
    summarize_items,
)
from printing.outputs import LabelDocument, document_files, pdf_bytes
from printing.png import png_bytes, png_tail
from printing.spool import safe_name, spool_file
from printing.text import ink_extent, mask_phone, wrap
from printing.zpl import code128_field_data, label_zpl

# Shipped inside the package: Chinese labels print on a machine without any system CJK font.
CJK_FONT = BUNDLED_CJK_FONT
# python-barcode's bundled DejaVu Sans Mono is always there; DejaVu Sans usually is.
LATIN_FONT = next(spec for spec in LATIN_FONTS if spec.path and os.path.isfile(spec.path))
NO_FONT_HAS = "\U0010fffd"  # plane-16 private use: no font maps it

STOP = "1100011101011"  # Code 128 stop pattern including the final 2-module bar


def make_label(**changes: object) -> ShippingLabel:
    fields: dict[str, object] = dict(
        order_id="SO-10023",
        tracking_number="1Z999AA10123456784",
        carrier="UPS Ground",
        recipient_name="Jane Doe",
        phone="+1 415 555 0100",
        address_lines=("1200 Market Street", "Suite 400", "San Francisco CA"),
        postal_code="94103",
        country="US",
        sender_lines=("Acme Fulfilment Ltd", "12 Dock Road", "Leeds LS1 4AP", "GB"),
        items=(("Merino Sweater", "Red / M", 2), ("Canvas Tote", "Black", 1)),
        ship_date="2026-11-27",
        station="DESK-1",
        packer="Maria Lopez",
        flags=("NOTE",),
        package_no=1,
        package_count=2,
    )
    fields.update(changes)
    return ShippingLabel(**fields)  # type: ignore[arg-type]


def decode(image: Image.Image) -> list[str]:
    return sorted(r.text for r in zxingcpp.read_barcodes(image.convert("L")))


def runs(row: list[int]) -> list[tuple[int, int]]:
    """(value, length) runs of a pixel row."""
    out: list[tuple[int, int]] = []
    for value in row:
        if out and out[-1][0] == value:
            out[-1] = (value, out[-1][1] + 1)
        else:
            out.append((value, 1))
    return out


def bars_of_row(row: list[int], module: int) -> str:
    """The '1'/'0' module pattern from the first to the last black pixel of a row."""
    dark = [v < 128 for v in row]
    first = dark.index(True)
    last = len(dark) - 1 - dark[::-1].index(True)
    pattern = ""
    for value, length in runs(dark[first : last + 1]):
        assert length % module == 0, f"run of {length} dots is not a whole number of modules"
        pattern += ("1" if value else "0") * (length // module)
    return pattern


# --- barcodes ------------------------------------------------------------------------------


@pytest.mark.parametrize("data", ["1Z999AA10123456784", "SF1234567890123", "SO-10023", "#1042"])
def test_code128_pattern_has_start_stop_and_whole_symbols(data: str) -> None:
    pattern = code128_modules(data)
    assert pattern.endswith(STOP)
    assert pattern.startswith("11010")  # every start code (A/B/C) begins 11010
    assert (len(pattern) - len(STOP)) % 11 == 0


@pytest.mark.parametrize("module", [1, 2, 3, 4])
def test_render_code128_whole_modules_and_quiet_zones(module: int) -> None:
    data = "SF1234567890123"
    image = render_code128(data, module, 60)
    pattern = code128_modules(data)
    assert image.size == ((len(pattern) + 2 * MIN_QUIET_MODULES) * module, 60)
    row = list(image.crop((0, 30, image.width, 31)).get_flattened_data())
    dark = [v < 128 for v in row]
    assert dark.index(True) == MIN_QUIET_MODULES * module
    assert dark[::-1].index(True) == MIN_QUIET_MODULES * module
    assert bars_of_row(row, module) == pattern
    # Every row identical: bars run the full height.
    assert image.crop((0, 0, image.width, 1)).tobytes() * 60 == image.tobytes()
    if module >= 2:
        assert decode(image) == [data]


@pytest.mark.parametrize("data", ["99", "999", "9912345678", "99A", "SO-99", "9", "A"])
def test_leading_99_pair_is_kept(data: str) -> None:
    # python-barcode <= 0.16.1 drops a leading "99" pair (its issue #251); we patch that.
    assert decode(render_code128(data, 2, 40)) == [data]


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1,
            max_size=30)
    # Digit-heavy data exercises code set C and the switches in and out of it.
    | st.text(alphabet="0123456789AZ-#", min_size=1, max_size=30)
)
def test_any_printable_ascii_round_trips_through_a_decoder(data: str) -> None:
    # python-barcode switches between code sets A/B/C; a decoder is the judge of its output.
    assert decode(render_code128(data, 2, 40)) == [data]


def test_fit_picks_the_largest_module_that_fits() -> None:
    data = "1Z999AA10123456784"
    total = len(code128_modules(data)) + 2 * MIN_QUIET_MODULES
    image = fit_code128(data, max_width_dots=total * 3 + total - 1, height_dots=50)
    assert image.width == total * 3
    assert fit_code128(data, total * 10, 50, max_module_dots=4).width == total * 4


def test_too_long_code_raises_with_dots_needed_and_available() -> None:
    data = "1Z" + "ABCDEFGHIJ" * 6
    with pytest.raises(BarcodeTooLong) as info:
        fit_code128(data, max_width_dots=764, height_dots=100, min_module_dots=2)
    needed = (len(code128_modules(data)) + 2 * MIN_QUIET_MODULES) * 2
    assert str(info.value).startswith(
        f"tracking number too long for the label: needs {needed} dots at the minimum module, "
        "label has 764"
    )
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("data", ["", "SF12345\u00f1", "张伟", "TAB\there"])
def test_unencodable_data_is_a_clear_value_error(data: str) -> None:
    with pytest.raises(ValueError, match="empty|cannot encode") as info:
        code128_modules(data)
    assert not isinstance(info.value, BarcodeTooLong)


def test_render_refuses_a_short_quiet_zone() -> None:
    with pytest.raises(ValueError, match="quiet zone"):
        render_code128("SO-10023", 2, 40, quiet_modules=5)


# --- fonts ---------------------------------------------------------------------------------


def test_missing_glyphs_finds_characters_without_a_glyph() -> None:
    assert missing_glyphs(LATIN_FONT, "Jane Doe, 1200 Market St.") == set()
    assert missing_glyphs(LATIN_FONT, f"Jane {NO_FONT_HAS}") == {NO_FONT_HAS}
    assert missing_glyphs(LATIN_FONT, "\u5f20\u4f1f Zhang") == {"\u5f20", "\u4f1f"}
    assert missing_glyphs(LATIN_FONT, " \t\u3000\u00a0") == set()  # whitespace never missing
    assert missing_glyphs(LATIN_FONT, "a\x07b") == {"\x07"}  # control characters print nothing


def test_missing_glyphs_accepts_path_and_loaded_font() -> None:
    assert missing_glyphs(LATIN_FONT.path, "\u5f20") == {"\u5f20"}  # type: ignore[arg-type]
    assert missing_glyphs(load_font(LATIN_FONT, 20), "\u5f20x") == {"\u5f20"}


def test_the_bundled_cjk_font_is_found_before_any_system_font() -> None:
    assert available_fonts()[0] == CJK_FONT
    assert CJK_FONT.path.startswith(str(Path(printing.__file__).parent))  # type: ignore[union-attr]
    assert Path(CJK_FONT.path).with_name("wqy-microhei-LICENSE.txt").is_file()  # type: ignore[arg-type]
    assert missing_glyphs(CJK_FONT, "\u5f20\u4f1f \u5317\u4eac\u5e02 Jane") == set()
    assert missing_glyphs(CJK_FONT, NO_FONT_HAS) == {NO_FONT_HAS}


def test_font_choice() -> None:
    assert available_fonts()[-1] == FontSpec(None)  # Pillow's default is the last resort
    assert pick_font("Jane Doe") == available_fonts()[0]
    assert pick_font("\u5f20", override=LATIN_FONT) == LATIN_FONT
    with pytest.raises(FileNotFoundError, match="label font not found"):
        find_font("/nonexistent/font.ttf")


# --- text fitting and item summary -----------------------------------------------------------


def test_wrap_keeps_lines_within_width_and_breaks_unspaced_text() -> None:
    font = load_font(LATIN_FONT, 30)
    address = "Flat 12, Harbour View Apartments, 1200 Market Street, Building C, Floor 14"
    lines = wrap(font, address, 300, 3)
    assert len(lines) == 3 and lines[-1].endswith(("\u2026", "..."))
    assert all(ink_extent(font, line)[1] <= 300 for line in lines)
    chinese = "\u5317\u4eac\u5e02\u671d\u9633\u533a\u5efa\u56fd\u8def88\u53f7" * 3
    lines = wrap(font, chinese, 200, 10)
    assert "".join(lines) == chinese and len(lines) > 1


def test_summarize_items_ends_in_more_items_when_cut() -> None:
    items = tuple((f"Item {n}", "Blue" if n % 2 else "", n) for n in range(1, 8))
    assert summarize_items(items, 7) == [
        f"{n} x Item {n}" + (" (Blue)" if n % 2 else "") for n in range(1, 8)
    ]
    lines = summarize_items(items, 4)
    assert lines == ["1 x Item 1 (Blue)", "2 x Item 2", "3 x Item 3 (Blue)", "+4 more items"]
    assert summarize_items(items, 1) == ["+7 more items"]
    assert summarize_items((), 3) == []
    german = LabelCaptions(more_items="weitere Artikel")
    assert summarize_items(items, 2, german)[-1] == "+6 weitere Artikel"
    with pytest.raises(ValueError, match="max_lines must be at least 1"):
        summarize_items(items, 0)


# --- labels --------------------------------------------------------------------------------


def white_run(white: list[bool], start: int, step: int, stop: int) -> int:
    n, x = 0, start
    while x != stop and white[x]:
        n, x = n + 1, x + step
    return n


def check_barcodes_in_label(image: Image.Image, placements: tuple, dpi: int, margin_mm: float = MARGIN_MM) -> None:
    """Measure every barcode in the label's own pixels: whole modules, decoded pattern and
    white quiet zones of at least 10 modules that stay inside the label margins."""
    grey = image.convert("L")
    margin = round(margin_mm * dpi / 25.4)
    for placement in placements:
        x0, y0, x1, y1 = placement.box
        module = placement.module_dots
        middle = (y0 + y1) // 2
        row = list(grey.crop((0, middle, grey.width, middle + 1)).get_flattened_data())
        assert bars_of_row(row, module) == symbol_modules(placement.data, placement.symbology)
        band = grey.crop((0, y0, grey.width, y1))
        white = [band.crop((x, 0, x + 1, band.height)).getextrema()[0] >= 128
                 for x in range(grey.width)]
        first = row.index(0)
        last = len(row) - 1 - row[::-1].index(0)
        # Quiet zone: white columns over the barcode's full height, not counting the margins.
        left_quiet = white_run(white, first - 1, -1, margin - 1)
        right_quiet = white_run(white, last + 1, 1, grey.width - margin)
        assert placement.quiet_modules >= MIN_QUIET_MODULES
        assert left_quiet >= MIN_QUIET_MODULES * module, placement
        assert right_quiet >= MIN_QUIET_MODULES * module, placement
        # 0.25 mm minimum module: 2 dots at 203 dpi, 3 at 300 dpi.
        assert module * 25.4 / dpi >= 0.25 - 0.01


@pytest.mark.parametrize("size", sorted(LABEL_SIZES))
@pytest.mark.parametrize("dpi", [203, 300])
def test_label_decodes_to_tracking_and_order_id(size: str, dpi: int) -> None:
    label = make_label()
    rendered = layout_shipping_label(label, size, dpi)
    image = rendered.image
    width_mm, height_mm = LABEL_SIZES[size]
    assert image.size == (round(width_mm * dpi / 25.4), round(height_mm * dpi / 25.4))
    assert image.mode == "1" and image.info["dpi"] == (dpi, dpi)
    assert decode(image) == sorted([label.tracking_number, label.order_id])
    assert [p.data for p in rendered.barcodes] == [label.tracking_number, label.order_id]
    check_barcodes_in_label(image, rendered.barcodes, dpi)


PREVIEW_TRACKING = "1Z0000000000000000"  # kiosk.labels draws a label ahead with this one


def draw_over_preview(real: ShippingLabel, size: str, dpi: int, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """`real` drawn whole, and drawn over its preview; and whether the second was a redraw."""
    import printing.labels

    whole = layout_shipping_label(real, size, dpi)
    renderer = LabelRenderer()
    renderer.layout(replace(real, tracking_number=PREVIEW_TRACKING, carrier="Courier"), size, dpi)
    redraws = []
    redraw = printing.labels._redraw_waybill
    monkeypatch.setattr(printing.labels, "_redraw_waybill", lambda *args: redraws.append(redraw(*args)) or redraws[-1])
    over = renderer.layout(real, size, dpi)
    monkeypatch.setattr(printing.labels, "_redraw_waybill", redraw)
    return whole, over, bool(redraws and redraws[-1] is not None)


def test_a_waybill_redraws_only_its_part_of_the_label_drawn_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    whole, over, redrawn = draw_over_preview(make_label(), "4x6", 203, monkeypatch)
    assert redrawn
    assert over.image.tobytes() == whole.image.tobytes()
    assert over.elements == whole.elements and over.barcodes == whole.barcodes
    assert decode(over.image) == sorted(["1Z999AA10123456784", "SO-10023"])


@settings(max_examples=40, deadline=None)
@given(
    tracking=st.text(alphabet="0123456789ABCDEFGHJKLMNPRSTUVWXYZ", min_size=6, max_size=24),
    carrier=st.sampled_from(["UPS", "SF Express", "Courier", "DHL Express Worldwide Economy Select International"]),
    size=st.sampled_from(sorted(LABEL_SIZES)),
    dpi=st.sampled_from([203, 300]),
)
def test_any_waybill_drawn_over_a_preview_is_the_label_drawn_whole(
    tracking: str, carrier: str, size: str, dpi: int
) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        whole, over, _redrawn = draw_over_preview(make_label(tracking_number=tracking, carrier=carrier), size, dpi,
                                                  monkeypatch)
    assert over.image.tobytes() == whole.image.tobytes()
    assert over.elements == whole.elements and over.barcodes == whole.barcodes


def test_a_chinese_carrier_over_a_latin_preview_is_drawn_whole_in_the_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    real = make_label(tracking_number="SF1234567890123", carrier="顺丰速运", recipient_name="张伟")
    whole, over, _redrawn = draw_over_preview(real, "4x6", 203, monkeypatch)
    assert over.font == whole.font
    assert over.image.tobytes() == whole.image.tobytes()


def test_a_label_drawn_ahead_is_encoded_once_below_its_waybill_part() -> None:
    real = make_label(tracking_number="1Z999AA10123456784", carrier="UPS")
    renderer = LabelRenderer()
    renderer.draw_ahead(replace(real, tracking_number=PREVIEW_TRACKING, carrier="Courier"))
    rendered = renderer.layout(real)
    assert rendered.png_tail is not None and 0 < rendered.png_tail.start < rendered.image.height
    (file,) = document_files(LabelDocument((rendered,)), "png")
    shown = Image.open(io.BytesIO(file))
    assert shown.mode == "1" and shown.size == rendered.image.size
    assert round(shown.info["dpi"][0]) == 203
    assert shown.tobytes() == rendered.image.tobytes()
    assert decode(shown) == sorted(["1Z999AA10123456784", "SO-10023"])


@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(1, 70), height=st.integers(1, 40), data=st.data(),
)
def test_any_1_bit_image_over_an_encoded_tail_decodes_to_itself(width: int, height: int, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, height))
    dots = st.lists(st.sampled_from([0, 255]), min_size=width * height, max_size=width * height)
    earlier = Image.new("1", (width, height))
    earlier.putdata(data.draw(dots))
    image = earlier.copy()
    top = Image.new("1", (width, start))
    top.putdata(data.draw(st.lists(st.sampled_from([0, 255]), min_size=width * start, max_size=width * start)))
    image.paste(top, (0, 0))
    image.info["dpi"] = (300, 300)
    shown = Image.open(io.BytesIO(png_bytes(image, png_tail(earlier, start))))
    assert shown.mode == "1" and shown.tobytes() == image.tobytes()
    assert round(shown.info["dpi"][0]) == 300


def test_a_tail_of_another_size_is_not_used() -> None:
    image = Image.new("1", (16, 8), 1)
    other = png_tail(Image.new("1", (16, 9), 0), 4)
    assert Image.open(io.BytesIO(png_bytes(image, other))).tobytes() == image.tobytes()
    with pytest.raises(ValueError, match="1-bit"):
        png_tail(Image.new("L", (16, 8)), 4)


def test_4x6_at_203_dpi_is_812_by_1218_dots() -> None:
    assert render_shipping_label(make_label()).size == (812, 1218)


@pytest.mark.parametrize(
    ("tracking", "order_id"),
    [("SF1234567890123", "#1042"), ("9400111899223100012345", "SO-7"), ("LX123456785CN", "1")],
)
def test_other_carriers_and_order_ids_decode(tracking: str, order_id: str) -> None:
    rendered = layout_shipping_label(make_label(tracking_number=tracking, order_id=order_id))
    assert decode(rendered.image) == sorted([tracking, order_id])
    check_barcodes_in_label(rendered.image, rendered.barcodes, 203)


def test_overlong_text_stays_inside_the_margins() -> None:
    long = "Very long street name that keeps going " * 6
    label = make_label(
        carrier="Deutsche Post DHL Paket International Premium Express Economy Plus",
        recipient_name="Maximilian Alexander Friedrich von Hohenzollern-Sigmaringen " * 2,
        phone="+49 30 1234567890 ext. 1234567890 " * 3,
        address_lines=(long,) * 8,
        sender_lines=(long,) * 5,
        items=tuple((f"Product with a very long name number {n} " * 3, "Variant " * 10, n)
                    for n in range(40)),
        flags=("NOTE", "REMOTE", "FRAGILE", "GIFT WRAP", "CHECK ADDRESS", "SIGNATURE") * 3,
        packer="Somebody With A Very Long Name " * 4,
    )
    for size, font in [(size, font) for size in LABEL_SIZES for font in (None, LATIN_FONT)]:
        rendered = layout_shipping_label(label, size, 203, font)
        grey = rendered.image.convert("L")
        margin = round(MARGIN_MM * 203 / 25.4)
        w, h = grey.size
        for strip in [(0, 0, margin, h), (w - margin, 0, w, h), (0, 0, w, margin),
                      (0, h - margin, w, h)]:
            assert grey.crop(strip).getextrema() == (255, 255), (size, font, strip)
        assert decode(rendered.image) == sorted([label.tracking_number, label.order_id])
        check_barcodes_in_label(rendered.image, rendered.barcodes, 203)


def _longest_black_row_run(image: Image.Image) -> int:
    grey = image.convert("L")
    margin = round(MARGIN_MM * 203 / 25.4)
    inner = grey.crop((margin, 0, grey.width - margin, grey.height))
    longest = current = 0
    for y in range(inner.height):
        black = inner.crop((0, y, inner.width, y + 1)).getextrema()[1] == 0
        current = current + 1 if black else 0
        longest = max(longest, current)
    return longest


def test_flags_and_package_count_get_a_black_bar() -> None:
    flagged = _longest_black_row_run(render_shipping_label(make_label()))
    plain = _longest_black_row_run(
        render_shipping_label(make_label(flags=(), package_count=1))
    )
    assert plain <= 3  # only the thin rules
    assert flagged >= 5  # solid bar above and below the white flag text


def test_recipient_without_any_font_glyph_raises_missing_glyphs() -> None:
    label = make_label(recipient_name=f"Jane {NO_FONT_HAS}Doe")
    with pytest.raises(MissingGlyphs) as info:
        render_shipping_label(label)
    message = str(info.value)
    assert "recipient name" in message and "U+10FFFD" in message
    assert info.value.chars == {NO_FONT_HAS}


def test_chinese_name_with_latin_only_font_names_char_field_and_fix() -> None:
    label = make_label(recipient_name="\u5f20\u4f1f", address_lines=("1 Main St", "Apt \u5f20"))
    with pytest.raises(MissingGlyphs) as info:
        render_shipping_label(label, font_path=LATIN_FONT)
    message = str(info.value)
    assert "\u5f20" in message and "recipient name" in message and "address line 2" in message
    assert "install fonts-noto-cjk or set label font in config" in message
    assert info.value.where["recipient name"] == {"\u5f20", "\u4f1f"}


def test_translated_captions_are_checked_too() -> None:
    captions = LabelCaptions(ship_to="\u6536\u4ef6\u4eba")
    with pytest.raises(MissingGlyphs, match="caption ship_to"):
        render_shipping_label(make_label(captions=captions), font_path=LATIN_FONT)


def test_chinese_recipient_renders_with_a_cjk_font() -> None:
    label = make_label(
        tracking_number="SF1234567890123",
        order_id="4123456789012345",
        carrier="\u987a\u4e30\u901f\u8fd0",
        recipient_name="\u5f20\u4f1f",
        phone="138 0013 8000",
        address_lines=("\u5317\u4eac\u5e02\u671d\u9633\u533a\u5efa\u56fd\u8def88\u53f7"
                       "SOHO\u73b0\u4ee3\u57ceA\u5ea71201\u5ba4",),
        postal_code="100022",
        country="CN",
        items=(("\u771f\u4e1d\u56f4\u5dfe", "\u7ea2\u8272", 1),),
    )
    rendered = layout_shipping_label(label, "100x150", 300)
    assert rendered.font == CJK_FONT
    assert decode(rendered.image) == sorted([label.tracking_number, label.order_id])


def test_label_field_errors_name_the_field() -> None:
    with pytest.raises(ValueError, match="order id: cannot make a Code 128 barcode of an empty"):
        render_shipping_label(make_label(order_id=""))
    with pytest.raises(BarcodeTooLong, match="tracking number too long for the label"):
        render_shipping_label(make_label(tracking_number="1Z" + "ABCDEFGHIJ" * 5))
    with pytest.raises(ValueError, match="unknown label size"):
        render_shipping_label(make_label(), size="A6")
    with pytest.raises(ValueError, match="dpi"):
        render_shipping_label(make_label(), dpi=72)


# --- files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dpi", [203, 300])
def test_png_records_dpi(dpi: int) -> None:
    with Image.open(io.BytesIO(png_bytes(render_shipping_label(make_label(), dpi=dpi)))) as saved:
        assert [round(v) for v in saved.info["dpi"]] == [dpi, dpi]


def test_spool_label_writes_atomically_with_a_safe_name(tmp_path: Path) -> None:
    spool = tmp_path / "spool" / "desk-1"  # created on demand
    image = render_shipping_label(make_label())
    path = spool_file(png_bytes(image), spool, "#1042-1Z999AA10123456784", "png")
    assert path == spool / "1042-1Z999AA10123456784.png"
    assert sorted(p.name for p in spool.iterdir()) == [path.name]  # no temp file left behind
    assert stat.S_IMODE(path.stat().st_mode) & 0o044  # the print service can read it
    with Image.open(path) as saved:
        assert saved.size == image.size and round(saved.info["dpi"][0]) == 203
    flipped = image.transpose(Image.Transpose.ROTATE_180)
    again = spool_file(png_bytes(flipped), spool, "#1042-1Z999AA10123456784", "png")
    assert again == path and sorted(p.name for p in spool.iterdir()) == [path.name]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("SO-10023", "SO-10023"), ("../../etc/passwd", "etc_passwd"), ("#1042/2", "1042_2"),
     ("\u5f20\u4f1f SO 7", "SO_7"), ("label.PNG", "label")],
)
def test_safe_name(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_safe_name_refuses_nothing_left() -> None:
    with pytest.raises(ValueError, match="cannot make a spool file name"):
        safe_name("\u5f20\u4f1f")


# --- layering ------------------------------------------------------------------------------


def test_printing_imports_no_ui_or_core() -> None:
    code = (
        "import sys, printing, printing.labels, printing.spool, printing.fonts\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'textual','kiosk','screens'})\n"
        "assert not bad, bad\n"
    )
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)


def test_module_width_at_203_dpi_is_whole_dots() -> None:
    # The reason for all this: 0.2 mm would be 1.6 dots; we never go below 2 whole dots.
    rendered = layout_shipping_label(make_label(), "4x6", 203)
    assert all(isinstance(p.module_dots, int) and p.module_dots >= 2 for p in rendered.barcodes)


def test_concurrent_renders_share_cached_fonts_safely() -> None:
    # The kiosk renders in worker threads; cached FreeType fonts must not be used concurrently.
    from concurrent.futures import ThreadPoolExecutor

    labels = [make_label(order_id=f"SO-{n}", tracking_number=f"SF{n:013d}") for n in range(8)]
    with ThreadPoolExecutor(4) as pool:
        images = list(pool.map(render_shipping_label, labels))
    for label, image in zip(labels, images, strict=True):
        assert decode(image) == sorted([label.tracking_number, label.order_id])


# --- outputs: ZPL, PDF, privacy mask (issue 5) ----------------------------------------------

def zpl_code128(field_data: str) -> tuple[str, str]:
    """What a Zebra makes of a mode-N ^BC field: (the data a scanner reads, the module pattern)."""
    from barcode.charsets import code128 as cs

    starts, switches = {">9": 103, ">:": 104, ">;": 105}, {">5": ("C", 99), ">6": ("B", 100), ">7": ("A", 101)}
    subset = {103: "A", 104: "B", 105: "C"}[starts[field_data[:2]]]
    codes, text, i = [starts[field_data[:2]]], "", 2
    while i < len(field_data):
        pair = field_data[i : i + 2]
        if pair in switches:
            subset, code = switches[pair]
            codes.append(code)
            i += 2
        elif subset == "C":
            codes.append(int(pair))
            text += pair
            i += 2
        else:
            ch = ">" if pair == ">0" else field_data[i]
            i += 2 if pair == ">0" else 1
            codes.append(ord(ch) - 32)
            text += ch
    check = (codes[0] + sum(n * code for n, code in enumerate(codes[1:], 1))) % 103
    return text, "".join(cs.CODES[code] for code in [*codes, check]) + cs.STOP + "11"


def _fields(zpl: str) -> list[str]:
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ"), zpl[:40]
    return [part for part in zpl.replace("\n", "").split("^") if part]


def render_zpl(zpl: str) -> Image.Image:
    """A tiny ZPL interpreter for what label_zpl writes: boxes, graphic fields and barcodes (not the
    printer's own text font). Reversed fields (^FR) invert what is under them, as on a Zebra."""
    from barcode.ean import EuropeanArticleNumber13
    from barcode.upc import UniversalProductCodeA

    width = height = 0
    image: Image.Image | None = None
    x = y = module = 0
    reverse, pending, escape = False, None, None
    for part in _fields(zpl):
        code, args = part[:2], part[2:]
        if code == "PW":
            width = int(args)
        elif code == "LL":
            height = int(args)
            image = Image.new("L", (width, height), 255)
        elif code == "FO":
            x, y = map(int, args.split(","))
        elif code == "BY":
            module = int(args.split(",")[0])
        elif code in ("BC", "BE", "BU"):
            pending = (code, int(args.split(",")[1]))
        elif code == "FR":
            reverse = True
        elif code == "FH":
            escape = args or "_"
        elif code == "GB":
            w, h, thickness = map(int, args.split(",")[:3])
            assert thickness >= min(w, h), "only filled boxes are used"
            _paint(image, x, y, Image.new("1", (w, h), 0), reverse)
        elif code == "GF":
            kind, total, _, row_bytes, data = args.split(",", 4)
            assert kind == "A" and len(data) == 2 * int(total) and int(total) % int(row_bytes) == 0
            rows = int(total) // int(row_bytes)
            bits = Image.frombytes("1", (int(row_bytes) * 8, rows), bytes.fromhex(data))
            _paint(image, x, y, bits.point(lambda v: 255 - v).convert("1"), reverse)
        elif code == "FD" and pending:
            data = args if escape is None else re.sub(f"{re.escape(escape)}([0-9A-F]{{2}})",
                                                     lambda m: chr(int(m.group(1), 16)), args)
            kind, bar_height = pending
            if kind == "BC":
                pattern = zpl_code128(data)[1]
            elif kind == "BE":
                pattern = EuropeanArticleNumber13(data).build()[0]
            else:
                pattern = UniversalProductCodeA(data).build()[0]
            row = bytes(0 if m == "1" else 255 for m in pattern for _ in range(module))
            bars = Image.frombytes("L", (len(row), 1), row).resize((len(row), bar_height))
            _paint(image, x, y, bars.convert("1"), reverse)
        elif code == "FS":
            reverse, pending, escape = False, None, None
    assert image is not None
    return image


def _paint(image: Image.Image, x: int, y: int, shape: Image.Image, reverse: bool) -> None:
    """Black where `shape` is black (0); with ^FR, invert the label there instead."""
    region = image.crop((x, y, x + shape.width, y + shape.height))
    ink = shape.convert("L").point(lambda v: 255 if v < 128 else 0)
    fill = region.point(lambda v: 255 - v) if reverse else Image.new("L", region.size, 0)
    image.paste(fill, (x, y), ink.convert("L"))


@pytest.mark.parametrize("size", sorted(LABEL_SIZES))
@pytest.mark.parametrize("dpi", [203, 300])
def test_zpl_is_well_formed_and_the_printer_draws_the_same_barcodes(size: str, dpi: int) -> None:
    label = make_label()
    rendered = layout_shipping_label(label, size, dpi)
    zpl = label_zpl(rendered)
    parts = _fields(zpl)
    assert f"PW{rendered.image.width}" in parts and f"LL{rendered.image.height}" in parts
    assert zpl.count("^FO") == zpl.count("^FS")  # every field is closed
    barcodes = [p for p in parts if p.startswith("BC")]
    assert len(barcodes) == 2 and all(p.startswith("BCN,") for p in barcodes)
    data = [zpl_code128(p[2:]) for p in parts if p.startswith("FD>")]
    assert [text for text, _ in data] == [label.tracking_number, label.order_id]
    for (text, pattern), placement in zip(data, rendered.barcodes, strict=True):
        assert pattern == code128_modules(text)  # the printer's symbol is the one we measured
        assert f"BY{placement.module_dots}" in parts
    printed = render_zpl(zpl)
    assert decode(printed) == sorted([label.tracking_number, label.order_id])
    for placement in rendered.barcodes:  # bars and quiet zones land on the very same dots
        assert printed.crop(placement.box).tobytes() == rendered.image.convert("L").crop(placement.box).tobytes()
    check_barcodes_in_label(printed.convert("1"), rendered.barcodes, dpi)


def test_zpl_sends_chinese_as_graphic_fields_with_the_labels_own_pixels() -> None:
    label = make_label(recipient_name="\u5f20\u4f1f", address_lines=("\u5317\u4eac\u5e02\u671d\u9633\u533a",),
                       flags=("\u5907\u6ce8", "REMOTE"), carrier="^Ground~_Express")
    rendered = layout_shipping_label(label, "4x6", 203)
    zpl = label_zpl(rendered)
    zpl.encode("ascii")  # nothing but ASCII goes to the printer
    printed = render_zpl(zpl)
    reference = rendered.image.convert("L")
    texts = [e for e in rendered.elements if isinstance(e, TextField)]
    graphic = [t for t in texts if not t.text.isascii()]
    assert {"\u5f20\u4f1f", "\u5317\u4eac\u5e02\u671d\u9633\u533a"} <= {t.text for t in graphic}
    for field in graphic:  # the glyphs we checked for, pixel for pixel (white on the flags bar)
        assert printed.crop(field.box).tobytes() == reference.crop(field.box).tobytes(), field.text
    assert "^A0N,48,48^FH_^FD_5EGround_7E_5FExpress^FS" in zpl  # ZPL's own characters escaped


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=30)
       | st.text(alphabet="0123456789AZ->", min_size=1, max_size=30))
def test_zpl_code128_subsets_reproduce_our_symbol(data: str) -> None:
    text, pattern = zpl_code128(code128_field_data(data))
    assert text == data and pattern == code128_modules(data)


@pytest.mark.parametrize("size", sorted(LABEL_SIZES))
@pytest.mark.parametrize("dpi", [203, 300])
def test_pdf_page_is_the_label_size_and_carries_the_label_pixels(size: str, dpi: int) -> None:
    rendered = layout_shipping_label(make_label(), size, dpi)
    (pdf,) = document_files(LabelDocument((rendered,)), "pdf")
    pages = pdf_images(pdf)
    width_mm, height_mm = LABEL_SIZES[size]
    (image, media), = pages
    assert media == pytest.approx((width_mm / 25.4 * 72, height_mm / 25.4 * 72), abs=0.5)
    assert image.tobytes() == rendered.image.tobytes()


def pdf_images(pdf: bytes) -> list[tuple[Image.Image, tuple[float, float]]]:
    """Each page's image (Pillow writes 1-bit images as CCITT G4) and MediaBox size in points."""
    import io
    import struct

    assert pdf.startswith(b"%PDF-")
    media = [tuple(float(v) for v in box.split()[2:]) for box in re.findall(rb"/MediaBox \[([^\]]*)\]", pdf)]
    out = []
    for match in re.finditer(rb"/Width (\d+)\s*/Height (\d+).*?/BlackIs1 true.*?/Length (\d+)\s*>>\s*stream\n",
                             pdf, re.S):
        width, height, length = map(int, match.groups())
        data = pdf[match.end() : match.end() + length]
        pad = b"\0" * (length % 2)
        tags = [(256, 3, width), (257, 3, height), (258, 3, 1), (259, 3, 4), (262, 3, 1), (273, 4, 8),
                (278, 3, height), (279, 4, length)]
        tiff = b"II*\0" + struct.pack("<I", 8 + length + len(pad)) + data + pad + struct.pack("<H", len(tags))
        for tag, kind, value in tags:
            tiff += struct.pack("<HHI", tag, kind, 1) + struct.pack("<HH" if kind == 3 else "<I",
                                                                   *((value, 0) if kind == 3 else (value,)))
        image = Image.open(io.BytesIO(tiff + b"\0\0\0\0"))
        image.load()
        out.append(image)
    assert len(out) == len(media)
    return list(zip(out, media, strict=True))


@pytest.mark.parametrize("dpi", [203, 300])
def test_a_chinese_recipient_is_drawn_with_real_glyphs_not_missing_boxes(dpi: int) -> None:
    from PIL import ImageDraw

    from printing.fonts import _notdef_mask

    name = "\u5f20\u4f1f\u827e\u529b"
    rendered = layout_shipping_label(make_label(recipient_name=name), "4x6", dpi)
    (field,) = [e for e in rendered.elements if isinstance(e, TextField) and e.text == name]
    font = load_font(rendered.font, field.size)
    notdef = _notdef_mask(font)
    assert all((font.getmask(ch).size, bytes(font.getmask(ch))) != notdef for ch in name)

    def drawn(text: str) -> bytes:
        stroke = max(1, round(0.12 * dpi / 25.4))  # the name is bold
        image = Image.new("L", (field.box[2] - field.box[0], field.box[3] - field.box[1]), 255)
        draw = ImageDraw.Draw(image)
        draw.fontmode = "1"
        draw.text((ink_extent(font, text, stroke)[0], 0), text, font=font, fill=0, anchor="la", stroke_width=stroke)
        return image.convert("1", dither=Image.Dither.NONE).tobytes()

    on_label = rendered.image.crop(field.box).tobytes()
    assert on_label == drawn(name)
    assert on_label != drawn(NO_FONT_HAS * len(name))  # what missing glyphs would have looked like


def test_a_character_no_installed_font_has_is_refused_whatever_the_font() -> None:
    for font in available_fonts():
        with pytest.raises(MissingGlyphs) as info:
            render_shipping_label(make_label(address_lines=(f"1 Main St {NO_FONT_HAS}",)), font_path=font)
        assert "address line 1" in str(info.value)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812345678", "138****5678"), ("+86 138 1234 5678", "+86 138 **** 5678"), ("138 0013 8000", "138 **** 8000"),
     ("+1 415 555 0100", "+1 *** *** 0100"), ("1234", "****"), ("", "")],
)
def test_privacy_mask_keeps_only_the_last_four_and_a_mobile_prefix(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_png_copies_are_separate_files_and_a_sheet_is_never_zpl() -> None:
    rendered = layout_shipping_label(make_label())
    assert len(document_files(LabelDocument((rendered,), copies=3), "png")) == 3
    assert len(document_files(LabelDocument((rendered,), copies=3), "pdf")) == 1
    assert document_files(LabelDocument((rendered,), copies=3), "zpl")[0].count(b"^PQ3") == 1
    with pytest.raises(ValueError, match="use pdf or png"):
        document_files(LabelDocument((rendered,), is_sheet=True), "zpl")
    with pytest.raises(ValueError, match="unknown label format"):
        document_files(LabelDocument((rendered,)), "svg")


def test_spool_file_writes_any_format_atomically(tmp_path: Path) -> None:
    pdf = pdf_bytes([render_shipping_label(make_label())], 203)
    path = spool_file(pdf, tmp_path / "out", "#1042-SF1", "pdf")
    assert path.name == "1042-SF1.pdf" and path.read_bytes() == pdf
    assert sorted(p.name for p in path.parent.iterdir()) == ["1042-SF1.pdf"]


def test_stale_temporary_labels_are_removed_and_nothing_else(tmp_path):
    from printing.spool import remove_stale_temporaries, stage_file

    old_staged = stage_file(b"killed mid-label", tmp_path, "1042", "png").temporary
    fresh_staged = stage_file(b"another station, just now", tmp_path, "1043", "png").temporary
    published = spool_file(b"label", tmp_path, "1044", "png")
    unrelated = tmp_path / "notes.tmp"
    unrelated.write_bytes(b"not ours")
    long_ago = old_staged.stat().st_mtime - 3600
    for path in (old_staged, published, unrelated):
        os.utime(path, (long_ago, long_ago))
    assert remove_stale_temporaries(tmp_path) == [old_staged]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [fresh_staged.name, published.name, unrelated.name])
    assert remove_stale_temporaries(tmp_path / "missing") == []
