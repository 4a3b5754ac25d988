"""How the outbox sends the emails this app owns (registered from
PartnershipsConfig.ready): staff invitations, whose set-password key and
acceptance token are made as they are sent, never stored."""

from core.emails import EmailKind, email_kind_register, rendered_for
from core.models import OutboundEmail

from .services.members import staff_invitation_email_links


def _render(email: OutboundEmail, prepared=None):
    partnership = email.partnership
    context = {**email.context, "partnership": partnership, "to_name": email.to_name}
    context.update(staff_invitation_email_links(context))
    return rendered_for(
        email,
        template=email.template,
        context=context,
        from_name=partnership.name,
        reply_to=[partnership.reply_to],
    )


def email_kinds_register() -> None:
    kind = OutboundEmail.Kind.STAFF_INVITATION
    email_kind_register(
        EmailKind(name=kind, label=OutboundEmail.Kind(kind).label, render=_render, related=("partnership",))
    )
