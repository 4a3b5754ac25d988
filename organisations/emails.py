"""How the outbox sends the emails this app owns (registered from
OrganisationsConfig.ready): a member's invitation, a sign-in link, and an
admin's notice that a partnership asks to link an agency. Each carries a
sign-in link whose token is made as the email is sent, never stored."""

from django.conf import settings
from django.urls import reverse

from core.emails import EmailKind, email_kind_register, rendered_for

from .models import OrganisationSignInLink
from .services import EMAIL_KIND, SIGN_IN_LINK_DAYS, sign_in_link_mint_url


def _render(row, prepared=None):
    context = {
        **row.context,
        "to_name": row.to_name,
        "service_name": settings.SERVICE_NAME,
        "sign_in_page_url": settings.BASE_URL + reverse("organisation_sign_in"),
        "link_valid_days": SIGN_IN_LINK_DAYS,
    }
    link = OrganisationSignInLink.objects.filter(pk=row.context.get("sign_in_link_pk")).first()
    if link is not None:
        context["sign_in_url"] = sign_in_link_mint_url(link=link)
    return rendered_for(row, template=row.template, context=context, from_name=settings.SERVICE_NAME)


def email_kinds_register() -> None:
    email_kind_register(EmailKind(name=EMAIL_KIND, label="Organisation email", render=_render))
