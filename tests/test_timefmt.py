"""Times in Pakistan time at the precision the source gives."""

import pytest

from geo.timefmt import display, interval


@pytest.mark.parametrize(
    "value, precision, text",
    [
        ("2025-03-11T12:55:00+05:00", "minute", "Tue 11 Mar 2025, 12:55 PKT"),
        ("2025-03-11T13:00:00+05:00", "hour", "Tue 11 Mar 2025, about 13:00 PKT"),
        ("2025-03-11T08:00:00Z", "hour", "Tue 11 Mar 2025, about 13:00 PKT"),  # UTC input, shown in PKT
        ("2025-03-12T18:00:00+05:00", "part_of_day", "Wed 12 Mar 2025, evening"),
        ("2025-03-12T00:30:00+05:00", "part_of_day", "Wed 12 Mar 2025, night"),
        ("2025-03-13T12:00:00+05:00", "day", "Thu 13 Mar 2025 (time not reported)"),
        ("2025-03-11T00:00:00+05:00", "day", "Tue 11 Mar 2025 (time not reported)"),
    ],
)
def test_display(value, precision, text):
    assert display(value, precision) == text


def test_interval_of_each_precision():
    start, end = interval("2025-03-12T18:00:00+05:00", "part_of_day")
    assert (start.hour, end.hour) == (17, 21)
    start, end = interval("2025-03-13T12:00:00+05:00", "day")
    assert (end - start).days == 1 and start.hour == 0
    start, end = interval("2025-03-11T12:55:30+05:00", "minute")
    assert (start.minute, start.second, (end - start).seconds) == (55, 0, 60)


def test_naive_time_refused():
    with pytest.raises(ValueError, match="offset"):
        display("2025-03-11T13:00:00", "hour")
