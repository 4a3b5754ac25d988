"""How the outbox sends the email this app owns (registered from
GuidanceConfig.ready): a message from the public contact form to the
partnership's own address, whose Reply-To is whoever wrote it."""

from core.emails import EmailKind, email_kind_register, rendered_for
from core.models import OutboundEmail


def _render(email: OutboundEmail, prepared=None):
    partnership = email.partnership
    context = {**email.context, "partnership": partnership, "to_name": email.to_name}
    reply_to = email.context.get("sender_email") or partnership.reply_to
    return rendered_for(
        email, template=email.template, context=context, from_name=partnership.name, reply_to=[reply_to]
    )


def email_kinds_register() -> None:
    kind = OutboundEmail.Kind.CONTACT
    email_kind_register(
        EmailKind(name=kind, label=OutboundEmail.Kind(kind).label, render=_render, related=("partnership",))
    )
