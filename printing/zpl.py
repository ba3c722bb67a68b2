"""ZPL II for Zebra printers, rebuilt from the elements of a rendered label.

The printer draws the barcodes itself (^BC Code 128, ^BE EAN-13, ^BU UPC-A) at the same place
and module width as the PNG: Code 128 is sent with explicit subset invocations taken from our
own encoding (">:" start B, ">;" start C, ">5" switch to C, ...), so the printer's symbol has
exactly the modules we measured and fitted to the label, quiet zones included.

Text in printable ASCII goes as a text field in the printer's scalable font 0 (^A0). Anything
else (Chinese names and addresses, accented letters, the "·" separator, the "…" ellipsis) is
sent as a graphic field (^GFA): the pixels of that line cut from our own rendering, drawn with
the CJK font we checked for missing glyphs. A Zebra needs no downloaded font or ^CI setting for
this, so a Chinese recipient prints on any ZPL printer; the cost is a few kilobytes per line.
"""

from __future__ import annotations

from PIL import Image

from printing.barcodes import code128_codes
from printing.canvas import BarcodePlacement, Box, RenderedLabel, TextField

# Code 128 code values that ZPL writes as invocation codes (ZPL II manual, ^BC, "Code 128 subsets").
_START = {103: ">9", 104: ">:", 105: ">;"}
_SWITCH = {("A", 99): (">5", "C"), ("B", 99): (">5", "C"), ("A", 100): (">6", "B"),
           ("C", 100): (">6", "B"), ("B", 101): (">7", "A"), ("C", 101): (">7", "A")}
_SUBSET = {103: "A", 104: "B", 105: "C"}
# "^" and "~" start commands and "_" is our ^FH escape character: send them as hex.
_ESCAPES = {"^": "_5E", "~": "_7E", "_": "_5F"}


def _is_plain(text: str) -> bool:
    """Printable ASCII, which every Zebra font 0 prints without a code page setting."""
    return all(0x20 <= ord(ch) < 0x7F for ch in text)


def _field_data(text: str) -> str:
    """^FD for `text`, with ^FH hex escapes when it holds ZPL's own command characters."""
    if not any(ch in _ESCAPES for ch in text):
        return f"^FD{text}^FS"
    return "^FH_^FD" + "".join(_ESCAPES.get(ch, ch) for ch in text) + "^FS"


def code128_field_data(data: str) -> str:
    """The ^FD text of a mode-N ^BC field that encodes `data` with our code-set choices."""
    codes = code128_codes(data)
    subset = _SUBSET[codes[0]]
    out = [_START[codes[0]]]
    pending = iter(data)
    for value in codes[1:]:
        if (subset, value) in _SWITCH:
            invocation, subset = _SWITCH[subset, value]
            out.append(invocation)
        elif subset == "C":
            out.append(next(pending) + next(pending))
        else:
            ch = next(pending)
            out.append(">0" if ch == ">" else ch)  # ">" alone would start an invocation
    return "".join(out)


def graphic_field(image: Image.Image, reverse: bool = False) -> str:
    """^GFA (uncompressed ASCII hex) of `image`: dark pixels print; `reverse` swaps that."""
    grey = image.convert("L")
    bits = grey.point(lambda v: 0 if (v < 128) == reverse else 255).convert("1")
    row_bytes = (bits.width + 7) // 8
    data = bits.tobytes()  # Pillow packs rows MSB first, padded to whole bytes: ZPL's layout
    return f"^GFA,{len(data)},{len(data)},{row_bytes},{data.hex().upper()}"


def _barcode(placement: BarcodePlacement) -> str:
    x, y = placement.bars_left, placement.box[1]
    height = placement.box[3] - placement.box[1]
    head = f"^FO{x},{y}^BY{placement.module_dots}"
    if placement.symbology == "ean13":
        # The printer computes the check digit from the first 12 (ours is the same: checked).
        return f"{head}^BEN,{height},N,N^FD{placement.data[:12]}^FS"
    if placement.symbology == "upca":
        return f"{head}^BUN,{height},N,N,Y^FD{placement.data[:11]}^FS"
    return f"{head}^BCN,{height},N,N,N,N{_field_data(code128_field_data(placement.data))}"


def _text(field: TextField, image: Image.Image) -> str:
    x, y, right, bottom = field.box
    reverse = "^FR" if field.reverse else ""
    if _is_plain(field.text):
        return f"^FO{x},{y}{reverse}^A0N,{field.size},{field.size}{_field_data(field.text)}"
    # The glyphs as we drew them; on the black flags bar they print reversed (white).
    return f"^FO{x},{y}{reverse}{graphic_field(image.crop((x, y, right, bottom)), field.reverse)}^FS"


def _box(box: Box) -> str:
    x, y, right, bottom = box.box
    width, height = right - x, bottom - y
    # A border as thick as the smaller side fills the box.
    return f"^FO{x},{y}^GB{width},{height},{min(width, height)},B,0^FS"


def label_zpl(rendered: RenderedLabel, copies: int = 1) -> str:
    """The whole label as one ZPL II format (^XA ... ^XZ), `copies` printed by the printer."""
    if not rendered.elements:
        raise ValueError("this label has no layout elements to build ZPL from (a sheet is for laser printers)")
    if copies < 1:
        raise ValueError("copies must be at least 1")
    image = rendered.image
    lines = ["^XA", "^CI0", f"^PW{image.width}", f"^LL{image.height}", "^LH0,0"]
    # Boxes first: reversed text is drawn on top of the black bar it belongs to.
    lines += [_box(e) for e in rendered.elements if isinstance(e, Box)]
    for element in rendered.elements:
        if isinstance(element, TextField):
            lines.append(_text(element, image))
        elif isinstance(element, BarcodePlacement):
            lines.append(_barcode(element))
    if copies > 1:
        lines.append(f"^PQ{copies}")
    lines.append("^XZ")
    return "\n".join(lines) + "\n"
