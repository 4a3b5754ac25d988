"""An email kind may send files with its message (a meeting's calendar
invitation): made when the row is rendered, attached to the message as
sent, never stored in the outbox."""

import pytest
from django.core import mail

from core import emails
from core.emails import Attachment, EmailKind, RenderedEmail
from core.models import OutboundEmail
from core.outbox import outbound_email_queue, outbound_emails_send


def _render(row, prepared):
    return RenderedEmail(
        subject="With a file",
        text="See the attached file.",
        html="",
        to=row.to_email,
        from_email="portal@example.org",
        attachments=(
            Attachment(
                "invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar; method=REQUEST"
            ),
            Attachment("notes.bin", b"\x00\x01", "application/octet-stream"),
        ),
    )


@pytest.mark.django_db
def test_a_kinds_attachments_are_sent_with_the_message_and_not_stored(monkeypatch):
    # Registered for this test only: other tests walk the registered kinds.
    monkeypatch.setitem(
        emails._kinds, "test_attachment", EmailKind(name="test_attachment", label="Test", render=_render)
    )
    row = outbound_email_queue(
        partnership=None, kind="test_attachment", to_email="a@example.org", template="x", context={}
    )
    mail.outbox.clear()
    assert outbound_emails_send(email_ids=[row.pk]) == 1
    (message,) = mail.outbox
    names = [a[0] for a in message.attachments]
    assert names == ["invite.ics", "notes.bin"]
    raw = message.message().as_string()
    assert "text/calendar; method=REQUEST" in raw.replace('"', "")
    assert message.attachments[1][1] == b"\x00\x01"
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert "VCALENDAR" not in str(row.context)
