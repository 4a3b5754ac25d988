"""How the outbox sends the email this app owns (registered from
JoiningConfig.ready): "confirm your email address" to an organisation asking
to take part. Its link is signed when the email is sent, never stored in the
outbox row (it proves only the address, but a stored link would let anyone
who can read the outbox confirm it); its three days run from the sending."""

from core.emails import EmailKind, RenderedEmail, email_kind_register, rendered_for
from core.models import OutboundEmail

from .models import AgencyRegistration
from .services import registration_verify_url


def _registration(row: OutboundEmail) -> AgencyRegistration | None:
    return (
        AgencyRegistration.objects.select_related("partnership")
        .filter(partnership=row.partnership_id, pk=row.context.get("registration_id"))
        .first()
    )


def _obsolete(row: OutboundEmail) -> str:
    registration = _registration(row)
    if registration is None:
        return "The registration was removed before this email was sent."
    if registration.status != AgencyRegistration.Status.UNVERIFIED:
        return "The address was confirmed before this email was sent."
    return ""


def _render(row: OutboundEmail, prepared=None) -> RenderedEmail:
    partnership = row.partnership
    context = {
        **row.context,
        "partnership": partnership,
        "to_name": row.to_name,
        "verify_url": registration_verify_url(_registration(row)),
    }
    return rendered_for(
        row,
        template=row.template,
        context=context,
        from_name=partnership.name,
        reply_to=[partnership.reply_to],
    )


def email_kinds_register() -> None:
    kind = OutboundEmail.Kind.REGISTRATION
    email_kind_register(
        EmailKind(
            name=kind,
            label=OutboundEmail.Kind(kind).label,
            render=_render,
            obsolete=_obsolete,
            related=("partnership",),
        )
    )
