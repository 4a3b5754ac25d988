"""Registering an organisation that is not on the partnership's list:
`registration_start` (rate-limited; emails the person a link to confirm
their address, nothing to the partnership's agencies), `registration_verify`,
then a partnership admin's `registration_approve` (the agency is created
then, not before) or `registration_decline`. `registrations_sweep` (daily,
Celery beat) removes what has no further use: registrations never confirmed,
and the contact details of declined ones."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_event_record
from core.domain import SYSTEM, Actor, DomainError
from core.models import OutboundEmail
from core.outbox import outbound_email_queue
from core.ratelimit import ip_key, key_digest, within_limits
from partnerships.models import Agency, Partnership
from partnerships.services import agency_create

from .models import AgencyRegistration

VERIFY_SALT = "joining.registration.verify"
VERIFY_MAX_AGE = 3 * 24 * 3600
# A registration never confirmed is deleted this long after it was made (its
# link expired after three days); a declined one keeps its contact details
# this long after the decision, for questions about it, then loses them.
UNCONFIRMED_KEPT_DAYS = 30
DECLINED_CONTACT_KEPT_DAYS = 90
WINDOW_SECONDS = 3600
PER_IP = 3
PER_EMAIL = 3
PER_PARTNERSHIP = 30


class RegistrationLimitedError(DomainError):
    def __init__(self):
        super().__init__("Too many organisations have been registered from here. Wait an hour and try again.")


class RegistrationLinkError(DomainError):
    def __init__(self):
        super().__init__("This link has expired or is not right. Register your organisation again.")


def registration_rate_check(*, partnership: Partnership, email: str, ip: str | None) -> None:
    limits = [(f"p:{partnership.pk}", PER_PARTNERSHIP), (f"e:{key_digest(email.lower())}", PER_EMAIL)]
    if ip:
        limits.append((f"ip:{ip_key(ip)}", PER_IP))
    if not within_limits(scope="register", window_seconds=WINDOW_SECONDS, limits=limits):
        raise RegistrationLimitedError()


def registration_verify_url(registration: AgencyRegistration) -> str:
    token = signing.dumps({"r": registration.pk, "e": registration.contact_email}, salt=VERIFY_SALT)
    path = reverse(
        "registration_verify", kwargs={"partnership_slug": registration.partnership.slug, "token": token}
    )
    return f"{settings.BASE_URL}{path}"


@transaction.atomic
def registration_start(
    *,
    partnership: Partnership,
    organisation_name: str,
    sector: str,
    contact_name: str,
    contact_email: str,
    job_title: str = "",
    ip: str | None,
) -> AgencyRegistration:
    registration_rate_check(partnership=partnership, email=contact_email, ip=ip)
    registration = AgencyRegistration.objects.create(
        partnership=partnership,
        organisation_name=organisation_name.strip(),
        sector=sector,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip().lower(),
        job_title=job_title.strip(),
    )
    # The link is signed when the email is sent (joining/emails.py), never
    # stored: it proves the address, nothing more.
    outbound_email_queue(
        partnership=partnership,
        kind=OutboundEmail.Kind.REGISTRATION,
        to_email=registration.contact_email,
        to_name=registration.contact_name,
        template="registration_verify",
        context={"registration_id": registration.pk, "organisation_name": registration.organisation_name},
        dedupe_key=f"registration:{registration.pk}:{uuid.uuid4().hex}",
    )
    return registration


def registration_from_token(*, partnership: Partnership, token: str) -> AgencyRegistration:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature as exc:
        raise RegistrationLinkError() from exc
    registration = AgencyRegistration.objects.filter(
        partnership=partnership, pk=data.get("r"), contact_email=data.get("e")
    ).first()
    if registration is None:
        raise RegistrationLinkError()
    return registration


@transaction.atomic
def registration_verify(*, partnership: Partnership, token: str) -> AgencyRegistration:
    registration = registration_from_token(partnership=partnership, token=token)
    registration = AgencyRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != AgencyRegistration.Status.UNVERIFIED:
        return registration  # a second click: nothing more to do
    registration.status = AgencyRegistration.Status.WAITING
    registration.verified_at = timezone.now()
    registration.save(update_fields=["status", "verified_at"])
    audit_event_record(
        partnership=partnership,
        actor=Actor(name=registration.contact_name, email=registration.contact_email),
        verb="registration.verified",
        obj=registration,
        detail={"organisation": registration.organisation_name},
    )
    return registration


def _decide(partnership, registration) -> AgencyRegistration:
    if registration.partnership_id != partnership.pk:
        raise DomainError("That registration belongs to another partnership.")
    registration = AgencyRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != AgencyRegistration.Status.WAITING:
        raise DomainError(
            "This organisation has been dealt with already, or has not confirmed its email address."
        )
    return registration


@transaction.atomic
def registration_approve(
    *, partnership: Partnership, registration: AgencyRegistration, actor: Actor
) -> Agency:
    """The organisation becomes an agency (not statutory), with the person as
    its primary contact: from now it takes part like any other agency."""
    registration = _decide(partnership, registration)
    agency = agency_create(
        partnership=partnership,
        name=registration.organisation_name,
        sector=registration.sector,
        is_statutory=False,
        contacts=[(registration.contact_name, registration.contact_email)],
        actor=actor,
    )
    registration.status = AgencyRegistration.Status.APPROVED
    registration.decided_at = timezone.now()
    registration.decided_by = actor.user
    registration.agency = agency
    registration.save(update_fields=["status", "decided_at", "decided_by", "agency"])
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="registration.approved",
        obj=registration,
        detail={"organisation": registration.organisation_name, "agency_id": agency.pk},
    )
    return agency


@transaction.atomic
def registration_decline(
    *, partnership: Partnership, registration: AgencyRegistration, actor: Actor = SYSTEM
) -> AgencyRegistration:
    registration = _decide(partnership, registration)
    registration.status = AgencyRegistration.Status.DECLINED
    registration.decided_at = timezone.now()
    registration.decided_by = actor.user
    registration.save(update_fields=["status", "decided_at", "decided_by"])
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="registration.declined",
        obj=registration,
        detail={"organisation": registration.organisation_name},
    )
    return registration


def registrations_sweep(*, now=None) -> dict[str, int]:
    """Delete registrations never confirmed after UNCONFIRMED_KEPT_DAYS and
    blank the contact details of those declined DECLINED_CONTACT_KEPT_DAYS
    ago, with the emails sent about them; one transaction and one audit
    entry per partnership. Idempotent. Returns the counts by partnership
    slug."""
    now = now or timezone.now()
    done = {}
    unconfirmed = AgencyRegistration.objects.filter(
        status=AgencyRegistration.Status.UNVERIFIED,
        created_at__lte=now - timedelta(days=UNCONFIRMED_KEPT_DAYS),
    )
    declined = AgencyRegistration.objects.filter(
        status=AgencyRegistration.Status.DECLINED,
        decided_at__lte=now - timedelta(days=DECLINED_CONTACT_KEPT_DAYS),
    ).exclude(contact_name="", contact_email="", job_title="")
    partnership_ids = set(unconfirmed.values_list("partnership", flat=True)) | set(
        declined.values_list("partnership", flat=True)
    )
    for partnership in Partnership.objects.filter(pk__in=partnership_ids).order_by("pk"):
        with transaction.atomic():
            gone = list(
                unconfirmed.filter(partnership=partnership).select_for_update().values_list("pk", flat=True)
            )
            blanked = list(
                declined.filter(partnership=partnership).select_for_update().values_list("pk", flat=True)
            )
            emails = OutboundEmail.objects.filter(
                partnership=partnership,
                kind=OutboundEmail.Kind.REGISTRATION,
                context__registration_id__in=gone + blanked,
            )
            emails.filter(status=OutboundEmail.Status.PENDING).update(status=OutboundEmail.Status.CANCELLED)
            emails.update(to_name="", to_email="", context={}, last_error="")
            AgencyRegistration.objects.filter(pk__in=gone).delete()
            AgencyRegistration.objects.filter(pk__in=blanked).update(
                contact_name="", contact_email="", job_title=""
            )
            counts = {"unconfirmed_deleted": len(gone), "declined_contacts_removed": len(blanked)}
            audit_event_record(
                partnership=partnership, actor=SYSTEM, verb="registration.swept", detail=counts
            )
            done[partnership.slug] = counts
    return done
