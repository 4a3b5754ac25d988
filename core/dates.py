"""UK civil time: cycles open and close, and reports count days, in it; and
dates and times as people read them (GOV.UK style), for pages, PDFs and the
audit log alike (the `uk_*` template filters are these)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

UK = ZoneInfo("Europe/London")


def as_datetime(value):
    """A datetime from an ISO string (as the audit log's detail keeps them)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return value


def uk_time(value) -> str:
    """'5pm', '8:30am', 'midday', 'midnight' (GOV.UK style), UK time."""
    value = as_datetime(value)
    if not isinstance(value, datetime):
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if local.hour == 12 and local.minute == 0:
        return "midday"
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def uk_date(value) -> str:
    """'Friday 13 May 2022', in UK time."""
    value = as_datetime(value)
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    if not isinstance(value, date):
        return ""
    return f"{value:%A} {value.day} {value:%B %Y}"


def uk_datetime(value) -> str:
    """'5pm on Friday 13 May 2022', in UK time."""
    if not as_datetime(value):
        return ""
    return f"{uk_time(value)} on {uk_date(value)}"
