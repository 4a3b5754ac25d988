"""How the outbox sends the email this app owns (registered from
SurveysConfig.ready): a reminder to an agency's contacts to pass the
agency's open survey link on to its frontline staff. The link names the
agency, never a person, and is the one staff see on the survey page; the
email is dropped if the survey (with its cycle) has closed by the time it
would be sent."""

from datetime import datetime

from django.utils import timezone

from core.emails import EmailKind, email_kind_register, rendered_for
from core.models import OutboundEmail

KIND = "survey_share"
TEMPLATE = "survey_share"


def _render(row: OutboundEmail, prepared=None):
    partnership = row.partnership
    context = {**row.context, "partnership": partnership, "to_name": row.to_name}
    return rendered_for(
        row,
        template=row.template,
        context=context,
        from_name=partnership.name,
        reply_to=[partnership.reply_to],
    )


def _obsolete(row: OutboundEmail) -> str:
    closes_at = row.context.get("closes_at")
    if closes_at and datetime.fromisoformat(closes_at) <= timezone.now():
        return "The survey closed before this email was sent."
    return ""


def email_kinds_register() -> None:
    email_kind_register(
        EmailKind(
            name=KIND,
            label="Practitioners' survey: share the link",
            render=_render,
            obsolete=_obsolete,
            related=("partnership",),
        )
    )


__all__ = ["KIND", "TEMPLATE", "email_kinds_register"]
