"""Writes to staff accounts that someone other than the person makes.

The rules about who may do it live with the caller (partnership admins:
partnerships.services.members; platform admins: partnerships/views/platform.py);
here is what a reset is: the authenticators go, a record is kept, and the
person is emailed through the outbox (sent once the change has committed,
or by the outbox's sweep if the broker was down)."""

from allauth.mfa.models import Authenticator
from django.db import transaction

from .emails import second_factor_reset_email_queue
from .models import CredentialReset, User


class CredentialResetRefusedError(Exception):
    """The reset cannot be done; the message is for people."""


@transaction.atomic
def account_second_factor_reset(
    *, user: User, reason: str, by: str, by_name: str, reset_by: User | None
) -> CredentialReset:
    """Delete every authenticator of the account (app, recovery codes, security
    keys), so that they set up a new one at their next sign-in."""
    reason = reason.strip()
    if not reason:
        raise CredentialResetRefusedError("Enter why you are resetting their authenticator app")
    authenticators = Authenticator.objects.select_for_update().filter(user=user)
    removed = sorted({a.type for a in authenticators})
    if not removed:
        raise CredentialResetRefusedError("They have not set up an authenticator app.")
    authenticators.delete()
    reset = CredentialReset.objects.create(
        user=user, by=by, by_name=by_name, reset_by=reset_by, reason=reason, removed=removed
    )
    second_factor_reset_email_queue(reset=reset)
    return reset
