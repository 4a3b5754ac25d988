"""A meeting's pre-read pack as HTML for the PDF renderer (tagged PDF/UA-1
by core.pdf.pdf_render, like every PDF here)."""

from django.template.loader import render_to_string
from django.utils import timezone

from core.dates import uk_datetime

from ..models import ReviewMeeting
from ..selectors.meetings import ReturnBrief


def meeting_pack_html(
    *, meeting: ReviewMeeting, returns: list[ReturnBrief], version: int, printed_at=None
) -> str:
    printed_at = printed_at or timezone.now()
    title = f"Pre-read pack: {meeting.get_kind_display()}, {meeting.held_on:%-d %B %Y}"
    return render_to_string(
        "pdf/meeting_pack.html",
        {
            "doc_title": title,
            "header_left": meeting.partnership.name,
            "header_right": f"{meeting.cycle.title}: pre-read pack v{version}",
            "footer_left": f"Printed {uk_datetime(printed_at)} (UK time). Confidential to the panel.",
            "partnership": meeting.partnership,
            "meeting": meeting,
            "briefs": returns,
            "version": version,
            "printed_at": printed_at,
        },
    )


def meeting_pack_filename(*, meeting: ReviewMeeting, version: int) -> str:
    return f"pre-read-pack-{meeting.cycle.slug}-{meeting.held_on:%Y-%m-%d}-v{version}.pdf"
