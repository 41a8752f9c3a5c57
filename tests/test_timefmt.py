"""Times in Pakistan time at the precision the source gives."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


@given(st.lists(st.tuples(st.integers(0, 5), st.integers())))
def test_the_earliest_and_latest_are_the_first_and_last_of_a_stable_sort(items):
    """A map's first and last claim: the first of equal earliest times and the last of equal latest, as a
    stable sort by time gives them."""
    from datetime import datetime, timedelta

    from geo.describe import earliest_and_latest

    def when(item):
        return datetime(2025, 3, 11) + timedelta(hours=item[0])

    ordered = sorted(items, key=when)
    expected = (ordered[0], ordered[-1]) if items else (None, None)
    found = earliest_and_latest(items, when)
    assert found == expected and all(a is b for a, b in zip(found, expected) if a is not None)
