"""How the outbox sends the email this app owns (registered from
JoiningConfig.ready): "confirm your email address" to an organisation asking
to take part; its link is signed when the row is written and proves only the
address."""

from core.emails import email_kind_register, partnership_email_kind
from core.models import OutboundEmail


def email_kinds_register() -> None:
    kind = OutboundEmail.Kind.REGISTRATION
    email_kind_register(partnership_email_kind(kind, OutboundEmail.Kind(kind).label))
