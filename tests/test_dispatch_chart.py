"""The hourly chart's lines: every order of the day is on a carrier line, the busiest first."""

from __future__ import annotations

from kiosk.i18n import set_language
from kiosk.reports.dispatch import HourCount, chart_lines


def hours(*counts: dict[str, int]) -> list[HourCount]:
    return [HourCount(f"{index:02d}:00", "", dict(count)) for index, count in enumerate(counts)]


def test_a_day_with_few_carriers_shows_each_busiest_first():
    day = hours({"UPS": 1, "SF Express": 2}, {"SF Express": 1})
    assert chart_lines(day, 3) == [("All", [3, 1]), ("SF Express", [2, 1]), ("UPS", [1, 0])]


def test_more_carriers_than_lines_sum_the_quietest_on_the_last_line():
    day = hours({"DHL": 1, "SF Express": 2, "UPS": 1}, {"United States Postal Service": 1, "SF Express": 1})
    lines = chart_lines(day, 3)
    assert lines == [("All", [4, 2]), ("SF Express", [2, 1]), ("DHL", [1, 0]),
                     ("2 others", [1, 1])]
    # Nothing of the day is left off the carrier lines.
    assert [sum(hour) for hour in zip(*(counts for _name, counts in lines[1:]), strict=True)] == lines[0][1]


def test_the_others_line_reads_in_the_reader_s_language():
    set_language("zh_CN")
    try:
        assert chart_lines(hours({"A": 1, "B": 1, "C": 1}), 2)[-1][0] == "其他 2 家"
    finally:
        set_language("en")
