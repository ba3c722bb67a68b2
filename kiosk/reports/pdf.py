"""Printable pages drawn with fpdf2: the dispatch log (with its hourly chart) and shared page helpers.

Text is drawn with a font from printing.fonts that can draw it (a CJK-capable one when names are
Chinese). A character no installed font has is drawn as "?" and the page says which characters
those were: a printed report never drops a name silently.
"""

from __future__ import annotations

import math
from pathlib import Path

from fpdf import FPDF

from kiosk.i18n import _
from kiosk.reports.dispatch import DispatchLog
from kiosk.reports.tables import Table, report_tables, title_of
from printing.fonts import missing_glyphs, pick_font

FONT = "report"
ROWS_PER_PAGE = 30
# Bar colours of the hourly chart, one per carrier in the order the legend lists them.
PALETTE = ((31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75),
           (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207))


class Page(FPDF):
    """A landscape A4 document whose font covers `text` as far as any installed font can."""

    def __init__(self, text: str, orientation: str = "L") -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        spec = pick_font(text)
        if spec.path is None:  # Pillow's own bitmap font: fpdf2 cannot embed it
            raise RuntimeError("no TrueType font found")
        self.font_name = spec.name
        self.add_font(FONT, fname=spec.path, collection_font_number=spec.index)
        self.missing = missing_glyphs(spec, text)
        self.set_auto_page_break(True, margin=12)
        self.set_margins(10, 10, 10)

    def clean(self, text: str) -> str:
        return "".join("?" if ch in self.missing else ch for ch in text)

    def write_line(self, text: str, size: float = 9, height: float = 5) -> None:
        self.set_font(FONT, size=size)
        self.multi_cell(0, height, self.clean(text), new_x="LMARGIN", new_y="NEXT")

    def warn_missing(self) -> None:
        if self.missing:
            self.set_text_color(200, 0, 0)
            codes = ", ".join(f"U+{ord(ch):04X}" for ch in sorted(self.missing))
            self.write_line(_("The font {font} cannot draw {chars}: they are printed as ?. Install a CJK font"
                              " (fonts-wqy-microhei).").format(font=self.font_name, chars=codes))
            self.set_text_color(0, 0, 0)

    def table(self, table: Table, *, rows_per_page: int | None = None) -> None:
        self.set_font(FONT, size=11)
        self.cell(0, 7, self.clean(table.title), new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, size=7.5)
        if not table.rows:
            self.cell(0, 5, _("none"), new_x="LMARGIN", new_y="NEXT")
            self.ln(2)
            return
        widths = self._widths(table)
        chunks = [table.rows] if rows_per_page is None else [
            table.rows[i:i + rows_per_page] for i in range(0, len(table.rows), rows_per_page)]
        for number, chunk in enumerate(chunks):
            if number:
                self.add_page()
            self._row(table.headers, widths, table, header=True)
            for cells in chunk:
                self._row(cells, widths, table)
        self.ln(3)

    def _widths(self, table: Table) -> list[float]:
        natural = [max(self.get_string_width(self.clean(text)) for text in column) + 2.5
                   for column in zip(table.headers, *table.rows, strict=True)]
        room = self.w - self.l_margin - self.r_margin
        if sum(natural) <= room:
            return natural
        # Too wide: the widest columns give way first.
        while sum(natural) > room:
            widest = max(range(len(natural)), key=natural.__getitem__)
            natural[widest] -= sum(natural) - room if natural[widest] - (sum(natural) - room) > 15 else 5
        return natural

    def _row(self, cells: tuple[str, ...], widths: list[float], table: Table, header: bool = False) -> None:
        if header:
            self.set_fill_color(230, 230, 230)
        for index, (text, width) in enumerate(zip(cells, widths, strict=True)):
            text = self.clean(" ".join(text.split()))
            while text and self.get_string_width(text) > width - 1.5:
                text = text[:-1]
            self.cell(width, 4.6, text, border="B" if header else 0, fill=header,
                      align="R" if index in table.numeric and not header else "L")
        self.ln(4.6)


def hourly_chart(page: Page, log: DispatchLog, height: float = 45) -> None:
    """Orders per hour by carrier, as stacked bars, with the hours below and a legend."""
    carriers = sorted({name for hour in log.hourly for name in hour.orders})
    page.set_font(FONT, size=11)
    page.cell(0, 7, _("Orders per hour by carrier"), new_x="LMARGIN", new_y="NEXT")
    top = page.get_y() + 2
    if top + height + 8 > page.h - page.b_margin:
        page.add_page()
        top = page.get_y() + 2
    left, width = page.l_margin + 8, page.w - page.l_margin - page.r_margin - 60
    peak = max([sum(hour.orders.values()) for hour in log.hourly] + [1])
    step = max(1, math.ceil(peak / 5))
    scale = height / (math.ceil(peak / step) * step)
    page.set_font(FONT, size=6.5)
    page.set_draw_color(180, 180, 180)
    for tick in range(0, math.ceil(peak / step) * step + 1, step):
        y = top + height - tick * scale
        page.line(left, y, left + width, y)
        page.text(page.l_margin, y + 1, str(tick))
    bar = width / max(len(log.hourly), 1)
    for index, hour in enumerate(log.hourly):
        y = top + height
        for number, carrier in enumerate(carriers):
            count = hour.orders.get(carrier, 0)
            if count:
                page.set_fill_color(*PALETTE[number % len(PALETTE)])
                page.rect(left + index * bar + bar * 0.15, y - count * scale, bar * 0.7, count * scale, style="F")
                y -= count * scale
        if index % 2 == 0:
            page.text(left + index * bar, top + height + 4, hour.hour)
    for number, carrier in enumerate(carriers):
        page.set_fill_color(*PALETTE[number % len(PALETTE)])
        y = top + number * 6
        page.rect(left + width + 6, y, 4, 4, style="F")
        page.set_font(FONT, size=8)
        page.text(left + width + 12, y + 3.5, page.clean(carrier))
    page.set_y(top + height + 8)


def log_text(log: DispatchLog, tables: list[Table]) -> str:
    return title_of(log) + "".join(
        table.title + "".join(table.headers) + "".join("".join(row) for row in table.rows) for table in tables)


def write_pdf(log: DispatchLog, path: Path) -> int:
    """The printable log: figures and chart on the first page, then the parcels, then the day's lists.

    Returns the number of pages: 1 + ceil(parcels / ROWS_PER_PAGE) (at least 1) + the lists' pages.
    """
    tables = report_tables(log)
    summary, shipments, lists = tables[:4], tables[5], [tables[4], *tables[6:]]
    page = Page(log_text(log, tables))
    page.set_title(title_of(log))
    page.add_page()
    page.write_line(title_of(log), size=14, height=8)
    page.warn_missing()
    for table in summary:
        page.table(table)
    hourly_chart(page, log)
    page.add_page()
    page.table(shipments, rows_per_page=ROWS_PER_PAGE)
    page.add_page()
    for table in lists:
        page.table(table)
    page.output(str(path))
    return page.pages_count
