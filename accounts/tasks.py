"""Celery tasks: thin wrappers that take ids."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template import Context, engines
from django.urls import reverse

from .models import CredentialReset


@shared_task(name="accounts.credential_reset_notify", ignore_result=True)
def credential_reset_notify(reset_id: int) -> None:
    """Tell the person their authenticator app was reset, by whom and what to
    do. An account's email, like allauth's password reset: it is about the
    account, not about one partnership's work, so it does not go through a
    partnership's outbox."""
    reset = CredentialReset.objects.select_related("user").filter(pk=reset_id).first()
    if reset is None:
        return
    context = {
        "reset": reset,
        "to_name": reset.user.full_name,
        "service_name": settings.SERVICE_NAME,
        "sign_in_url": settings.BASE_URL + reverse("account_login"),
    }
    subject = _render_plain("emails/account_second_factor_reset_subject.txt", context).strip()
    EmailMessage(
        subject=" ".join(subject.split()),
        body=_render_plain("emails/account_second_factor_reset.txt", context),
        to=[reset.user.email],
        headers={"Auto-Submitted": "auto-generated"},
    ).send(fail_silently=False)


def _render_plain(template_name: str, context: dict) -> str:
    """Plain text, not HTML: what people typed (a partnership called
    "Children's Services & Carers") stays as typed, as the outbox renders."""
    template = engines["django"].get_template(template_name).template
    return template.render(Context(context, autoescape=False))
