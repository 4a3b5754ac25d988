"""A meeting as an iCalendar file (RFC 5545), for the invitation email.

One VEVENT whose UID is the meeting's for its whole life, so a calendar
replaces the event it holds when a later invitation (a higher SEQUENCE)
arrives, and removes it on METHOD:CANCEL. Times are in UTC ("Z"), so no
VTIMEZONE is needed; people's calendars show them in their own time.
"""

from datetime import UTC, datetime

from core.emails import service_from_address

from ..models import ReviewMeeting


def _escape(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped."""
    value = (value or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_uid(meeting: ReviewMeeting) -> str:
    domain = service_from_address().rsplit("@", 1)[-1] or "s11portal.local"
    return f"meeting-{meeting.pk}@{domain}"


def meeting_ics(
    *,
    meeting: ReviewMeeting,
    partnership_name: str,
    summary: str,
    description: str,
    attendee_name: str,
    attendee_email: str,
    cancel: bool = False,
    now: datetime | None = None,
) -> bytes:
    """The invitation (METHOD:REQUEST) or its cancellation (METHOD:CANCEL)
    for one attendee, as the bytes of an .ics file."""
    if meeting.starts_at is None or meeting.ends_at is None:
        raise ValueError("A meeting with no times has no calendar event")
    now = now or datetime.now(UTC)
    organiser = service_from_address()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//s11portal//Section 11 audits//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancel else 'REQUEST'}",
        "BEGIN:VEVENT",
        f"UID:{meeting_uid(meeting)}",
        f"SEQUENCE:{meeting.sequence}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.ends_at)}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        f"STATUS:{'CANCELLED' if cancel else 'CONFIRMED'}",
        f"ORGANIZER;CN={_escape(partnership_name)}:mailto:{organiser}",
        f"ATTENDEE;CN={_escape(attendee_name)};ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:{attendee_email}",
    ]
    if meeting.location:
        lines.append(f"LOCATION:{_escape(meeting.location)}")
    elif meeting.online_url:
        lines.append(f"LOCATION:{_escape(meeting.online_url)}")
    if meeting.online_url:
        lines.append(f"URL:{meeting.online_url}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
