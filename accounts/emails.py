"""allauth's emails (password reset, "no account for this address") go
through the outbox like every other email, so a reset asked for while the
mail server is down is sent when it is back, and the reset page answers
normally meanwhile.

The reset key is never stored: the row keeps the user's id, and the key is
made when the email is sent (like a resume link's token or a staff
invitation's set-password key), so it is valid from then for
PASSWORD_RESET_TIMEOUT. Other allauth emails keep their context's plain
values in the row, without anything that could be a secret (keys, codes,
links carrying them): an allauth email that needs one must be given a
mint-at-send entry here, as the password reset is.

The notice that someone reset a person's authenticator app is an email about
the account too (a platform reset has no partnership), so it is a kind of its
own here, rendered from the CredentialReset row when it is sent."""

from allauth.account import app_settings as allauth_settings
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template import TemplateDoesNotExist
from django.urls import reverse

from core.emails import (
    EmailKind,
    RenderedEmail,
    email_address,
    email_kind_register,
    one_line,
    render_html,
    render_plain,
    service_from_address,
)
from core.models import OutboundEmail
from core.outbox import outbound_email_queue

from .models import CredentialReset

ACCOUNT_KIND = "account"
SECOND_FACTOR_RESET_KIND = "second_factor_reset"
PASSWORD_RESET = "account/email/password_reset_key"  # noqa: S105 (a template name)
# Context values never written to the outbox.
SECRET_KEYS = frozenset({"key", "code", "token", "password_reset_url", "activate_url", "request", "user"})


def account_email_queue(*, template_prefix: str, email: str, context: dict) -> OutboundEmail:
    """Write one of allauth's emails to the outbox (sent once the request's
    transaction commits)."""
    stored = {
        name: value
        for name, value in context.items()
        if name not in SECRET_KEYS and isinstance(value, str | int | float | bool)
    }
    return outbound_email_queue(
        partnership=None,
        kind=ACCOUNT_KIND,
        to_email=email,
        template=template_prefix,
        context=stored,
    )


def password_reset_email_queue(*, user, email: str) -> OutboundEmail:
    return account_email_queue(template_prefix=PASSWORD_RESET, email=email, context={"user_pk": user.pk})


def _password_reset_url(user) -> str:
    """A key made exactly as allauth's reset makes it."""
    key = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    return f"{settings.BASE_URL}{path}"


def _user(row: OutboundEmail):
    pk = row.context.get("user_pk")
    return get_user_model().objects.filter(pk=pk, is_active=True).first() if pk else None


def _obsolete(row: OutboundEmail) -> str:
    if row.template == PASSWORD_RESET and _user(row) is None:
        return "The account was removed or switched off before this email was sent."
    return ""


def _render(row: OutboundEmail, prepared=None) -> RenderedEmail:
    context = {**row.context, "email": row.to_email, "service_name": settings.SERVICE_NAME}
    if row.template == PASSWORD_RESET:
        context["password_reset_url"] = _password_reset_url(_user(row))
    try:
        html = render_html(f"{row.template}_message.html", context)
    except TemplateDoesNotExist:
        html = ""
    return RenderedEmail(
        subject=one_line(render_plain(f"{row.template}_subject.txt", context)),
        text=render_plain(f"{row.template}_message.txt", context).strip() + "\n",
        html=html,
        to=email_address(row.to_name, row.to_email),
        from_email=email_address(settings.SERVICE_NAME, service_from_address()),
    )


def second_factor_reset_email_queue(*, reset: CredentialReset) -> OutboundEmail:
    """Tell the person their authenticator app was reset, by whom and what to
    do; one email per reset, whatever retries."""
    return outbound_email_queue(
        partnership=None,
        kind=SECOND_FACTOR_RESET_KIND,
        to_email=reset.user.email,
        to_name=reset.user.full_name,
        template="account_second_factor_reset",
        context={"reset_id": reset.pk},
        dedupe_key=f"second-factor-reset:{reset.pk}",
    )


def _reset(row: OutboundEmail) -> CredentialReset | None:
    return CredentialReset.objects.filter(pk=row.context.get("reset_id")).first()


def _second_factor_reset_obsolete(row: OutboundEmail) -> str:
    return "" if _reset(row) is not None else "The reset record was removed before this email was sent."


def _second_factor_reset_render(row: OutboundEmail, prepared=None) -> RenderedEmail:
    context = {
        "reset": _reset(row),
        "to_name": row.to_name,
        "service_name": settings.SERVICE_NAME,
        "sign_in_url": settings.BASE_URL + reverse("account_login"),
    }
    return RenderedEmail(
        subject=one_line(render_plain(f"emails/{row.template}_subject.txt", context)),
        text=render_plain(f"emails/{row.template}.txt", context),
        html="",
        to=email_address(row.to_name, row.to_email),
        from_email=email_address(settings.SERVICE_NAME, service_from_address()),
    )


def email_kinds_register() -> None:
    email_kind_register(
        EmailKind(name=ACCOUNT_KIND, label="Staff account email", render=_render, obsolete=_obsolete)
    )
    email_kind_register(
        EmailKind(
            name=SECOND_FACTOR_RESET_KIND,
            label="Authenticator app reset",
            render=_second_factor_reset_render,
            obsolete=_second_factor_reset_obsolete,
        )
    )
