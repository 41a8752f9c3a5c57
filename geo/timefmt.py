"""Times at the precision the source gives, shown in Pakistan time.

Every time in the data is timezone-aware (the validator refuses naive ones).
A time's precision becomes an interval: "evening" is 17:00-21:00, "about
13:00" is the hour 13:00-14:00.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

PKT = ZoneInfo("Asia/Karachi")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# (first hour, name); each part runs to the next part's first hour.
APPROXIMATE = timedelta(minutes=15)  # how far "about 08:15" may be from 08:15
PARTS_OF_DAY = ((0, "night"), (5, "morning"), (12, "afternoon"), (17, "evening"), (21, "night"), (24, ""))


@lru_cache(maxsize=1 << 18)
def parse(value: str) -> datetime:
    """An ISO 8601 time with offset, as a timezone-aware datetime in PKT."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"time without UTC offset: {value!r}")
    return parsed.astimezone(PKT)


def part_of_day(moment: datetime) -> tuple[int, int, str]:
    """(first hour, end hour, name) of the part of the day `moment` falls in."""
    for (start, name), (end, _) in zip(PARTS_OF_DAY, PARTS_OF_DAY[1:]):
        if start <= moment.hour < end:
            return start, end, name
    raise AssertionError("unreachable")


def interval(value: str, precision: str) -> tuple[datetime, datetime]:
    """[start, end) of the time a source means, at its precision."""
    moment = parse(value)
    if precision == "minute":
        start = moment.replace(second=0, microsecond=0)
        return start, start + timedelta(minutes=1)
    if precision == "approximate":  # "about 08:15": a quarter of an hour either side
        start = moment.replace(second=0, microsecond=0) - APPROXIMATE
        return start, start + 2 * APPROXIMATE
    if precision == "hour":
        start = moment.replace(minute=0, second=0, microsecond=0)
        return start, start + timedelta(hours=1)
    if precision == "part_of_day":
        first, end, _ = part_of_day(moment)
        start = moment.replace(hour=first, minute=0, second=0, microsecond=0)
        return start, start + timedelta(hours=end - first)
    if precision == "day":
        start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        return start, start + timedelta(days=1)
    raise ValueError(f"unknown time precision {precision!r}")


def day_label(moment: datetime) -> str:
    """'Tue 11 Mar 2025': the year is shown, as a reader may meet the map years later."""
    return f"{WEEKDAYS[moment.weekday()]} {moment.day} {MONTHS[moment.month - 1]} {moment.year}"


@lru_cache(maxsize=1 << 18)
def display(value: str, precision: str) -> str:
    """'Tue 11 Mar 2025, 12:55 PKT', 'Tue 7 Oct 2025, about 08:15 PKT', 'Tue 11 Mar 2025, about 13:00 PKT',
    'Wed 12 Mar 2025, evening',
    'Thu 13 Mar 2025 (time not reported)': a day-precision time never reads as a time of day."""
    moment = parse(value)
    if precision == "minute":
        return f"{day_label(moment)}, {moment.hour:02}:{moment.minute:02} PKT"
    if precision == "approximate":
        return f"{day_label(moment)}, about {moment.hour:02}:{moment.minute:02} PKT"
    if precision == "hour":
        return f"{day_label(moment)}, about {moment.hour:02}:00 PKT"
    if precision == "part_of_day":
        return f"{day_label(moment)}, {part_of_day(moment)[2]}"
    if precision == "day":
        return f"{day_label(moment)} (time not reported)"
    raise ValueError(f"unknown time precision {precision!r}")


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
