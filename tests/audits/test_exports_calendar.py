"""A meeting's calendar file (RFC 5545): one VEVENT with a UID for the
meeting's life, its SEQUENCE, UTC times, TEXT values escaped and long lines
folded at 75 octets, REQUEST or CANCEL."""

from datetime import UTC, datetime

from audits.exports.calendar import meeting_ics
from audits.models import ReviewMeeting


def _meeting(**fields):
    return ReviewMeeting(
        pk=42,
        kind="scrutiny",
        starts_at=datetime(2027, 1, 12, 14, 0, tzinfo=UTC),
        ends_at=datetime(2027, 1, 12, 16, 30, tzinfo=UTC),
        sequence=3,
        **fields,
    )


def _ics(meeting, **kwargs) -> str:
    fields = {
        "meeting": meeting,
        "partnership_name": "Sheffield Children's Safeguarding Partnership",
        "summary": "Scrutiny panel; returns, and more",
        "description": "Line one\nLine two with a very long sentence that goes on " + "and on " * 20,
        "attendee_name": "O'Brien, Pat",
        "attendee_email": "pat@x.example",
        "now": datetime(2027, 1, 1, tzinfo=UTC),
    }
    return meeting_ics(**{**fields, **kwargs}).decode()


def test_a_request_is_one_event_in_utc_with_its_sequence_and_escaped_folded_text():
    text = _ics(_meeting(location="Town Hall, Room 2", online_url="https://meet.example/x"))
    lines = text.split("\r\n")
    assert text.endswith("\r\n") and lines[0] == "BEGIN:VCALENDAR"
    assert "METHOD:REQUEST" in lines and "STATUS:CONFIRMED" in lines
    assert "SEQUENCE:3" in lines and any(line.startswith("UID:meeting-42@") for line in lines)
    assert "DTSTART:20270112T140000Z" in lines and "DTEND:20270112T163000Z" in lines
    assert "LOCATION:Town Hall\\, Room 2" in lines and "URL:https://meet.example/x" in lines
    assert "SUMMARY:Scrutiny panel\\; returns\\, and more" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "DESCRIPTION:Line one\\nLine two" in unfolded and unfolded.count("and on") == 20
    assert "ATTENDEE;CN=O'Brien\\, Pat;" in unfolded
    assert text.count("BEGIN:VEVENT") == 1


def test_an_online_meeting_puts_its_link_as_the_location_and_a_cancel_says_so():
    text = _ics(_meeting(location="", online_url="https://meet.example/x"), cancel=True)
    assert "LOCATION:https://meet.example/x" in text
    assert "METHOD:CANCEL" in text and "STATUS:CANCELLED" in text
