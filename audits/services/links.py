"""Resume links: the way agency contributors, who have no account, reach
their organisation's return.

A token is 192 random bits, shown once (in the email) and stored only as a
SHA-256 hash. A link expires when the cycle's grace period after closing
ends (or an agency's extension's), and the partnership can revoke it.
"""

import hashlib
import logging
import secrets

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_event_record
from core.domain import Actor, DomainError
from core.models import OutboundEmail
from core.outbox import outbound_email_queue
from core.ratelimit import ip_key, key_digest, within_limits
from partnerships.models import Agency, AgencyContact, Partnership

from ..models import AuditCycle, ResumeLink, Submission
from ..selectors.scope import cycle_agencies_taking_part
from .core import submission_get_or_create
from .emails import submission_email_context

logger = logging.getLogger(__name__)

LINK_REQUESTS_PER_EMAIL = 5
LINK_REQUESTS_PER_IP = 30
LINK_REQUEST_WINDOW_SECONDS = 3600


class LinkRequestLimitedError(DomainError):
    """Too many requests for links from one address or one IP."""


class AgencyNotTakingPartError(DomainError):
    """The agency is not one the cycle asks for a return."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_expiry(submission: Submission):
    cycle = submission.cycle
    return max(submission.deadline, cycle.closes_at) + (cycle.links_expire_at - cycle.closes_at)


def _rate_limit(*, email: str, ip: str | None) -> None:
    limits = [(f"email:{key_digest(email.lower())}", LINK_REQUESTS_PER_EMAIL)]
    if ip:
        limits.append((f"ip:{ip_key(ip)}", LINK_REQUESTS_PER_IP))
    if not within_limits(scope="linkreq", window_seconds=LINK_REQUEST_WINDOW_SECONDS, limits=limits):
        raise LinkRequestLimitedError("You have asked for too many links. Wait an hour and try again.")


def resume_link_create(
    *, submission: Submission, name: str, email: str, mint: bool = False
) -> tuple[ResumeLink, str | None]:
    """A link for one contributor. With `mint`, a token is made now and its
    URL returned (for the demo's printed links); otherwise the token is made
    when the email carrying it is sent."""
    link = ResumeLink.objects.create(
        partnership_id=submission.partnership_id,
        submission=submission,
        name=name.strip(),
        email=email.strip().lower(),
        expires_at=link_expiry(submission),
    )
    url = resume_link_mint_url(link=link) if mint else None
    return link, url


@transaction.atomic
def progression_link_send(
    *, submission: Submission, name: str, email: str, saved_by: str, actor: Actor
) -> ResumeLink:
    """ "Save and come back later": a new link for whoever carries on (the
    person saving, or a colleague they name), emailed through the outbox and
    written on the audit log."""
    link, _ = resume_link_create(submission=submission, name=name, email=email)
    _link_email(
        link=link,
        kind=OutboundEmail.Kind.PROGRESSION,
        template="progression",
        context={"saved_by": saved_by},
    )
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="link.progression_sent",
        submission=submission,
        obj=link,
        detail={"to": link.email},
    )
    return link


def resume_link_mint_url(*, link: ResumeLink) -> str:
    """Give the link a fresh token and return its absolute URL. Any earlier
    token of this link stops working."""
    token = secrets.token_urlsafe(24)
    ResumeLink.objects.filter(pk=link.pk).update(token_hash=token_hash(token))
    link.token_hash = token_hash(token)
    path = reverse("resume", kwargs={"partnership_slug": link.submission.partnership.slug, "token": token})
    return f"{settings.BASE_URL}{path}"


def resume_links_mint_urls(*, links: list[ResumeLink]) -> dict[int, str]:
    """`resume_link_mint_url` for many links in one UPDATE (the outbox
    sending a batch): {link pk: absolute URL}. Each link needs its
    partnership loaded."""
    if not links:
        return {}
    tokens = {link.pk: secrets.token_urlsafe(24) for link in links}
    for link in links:
        link.token_hash = token_hash(tokens[link.pk])
    ResumeLink.objects.bulk_update(links, ["token_hash"])
    return {
        link.pk: settings.BASE_URL
        + reverse("resume", kwargs={"partnership_slug": link.partnership.slug, "token": tokens[link.pk]})
        for link in links
    }


def resume_link_resolve(*, partnership: Partnership, token: str, now=None) -> ResumeLink | None:
    """The usable link for this token in this partnership, or None."""
    now = now or timezone.now()
    link = (
        ResumeLink.objects.select_related("submission__cycle", "submission__agency")
        .filter(partnership=partnership, token_hash=token_hash(token))
        .first()
    )
    if link is None or not link.is_usable(now):
        return None
    ResumeLink.objects.filter(pk=link.pk).update(last_used_at=now)
    return link


@transaction.atomic
def resume_link_revoke(*, link: ResumeLink, actor: Actor) -> None:
    if link.revoked_at:
        return
    link.revoked_at = timezone.now()
    link.revoked_by = actor.user
    link.save(update_fields=["revoked_at", "revoked_by"])
    audit_event_record(
        partnership=link.submission.partnership,
        actor=actor,
        verb="link.revoked",
        submission=link.submission,
        obj=link,
        detail={"email": link.email},
    )


def _link_email(*, link: ResumeLink, kind: str, template: str, context: dict | None = None):
    submission = link.submission
    return outbound_email_queue(
        partnership=submission.partnership,
        kind=kind,
        to_email=link.email,
        to_name=link.name,
        template=template,
        context=submission_email_context(submission, **(context or {})),
        submission=submission,
        resume_link=link,
    )


# Free mail providers: sharing one with an agency's contact (a small club's
# welfare officer on gmail) says nothing about working for that agency.
PUBLIC_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "live.com",
        "live.co.uk",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "aol.co.uk",
        "btinternet.com",
        "btopenworld.com",
        "sky.com",
        "virginmedia.com",
        "blueyonder.co.uk",
        "talktalk.net",
        "ntlworld.com",
        "protonmail.com",
        "proton.me",
        "gmx.com",
        "gmx.co.uk",
        "mail.com",
        "zoho.com",
    ]
)


def _email_allowed_for_agency(agency: Agency, email: str) -> bool:
    """A known contact of the agency, or someone at the same organisational
    email domain as one, may have a link sent straight to them."""
    email = email.lower()
    contact_emails = [c.lower() for c in agency.contacts.values_list("email", flat=True)]
    if email in contact_emails:
        return True
    domain = email.rsplit("@", 1)[-1]
    if domain in PUBLIC_MAIL_DOMAINS:
        return False
    return any(c.rsplit("@", 1)[-1] == domain for c in contact_emails)


@transaction.atomic
def start_request(*, cycle: AuditCycle, agency: Agency, name: str, email: str, ip: str | None = None) -> None:
    """Someone asks, from the start page, to work on their agency's return.

    The link goes to them if their address is one the agency uses; otherwise
    the agency's own contacts are asked to share access. The person sees the
    same page either way.
    """
    if agency.partnership_id != cycle.partnership_id:
        raise DomainError("Choose your organisation from the list.")
    taking_part = cycle_agencies_taking_part(partnership=cycle.partnership, cycle=cycle)
    if not taking_part.filter(pk=agency.pk).exists():
        raise AgencyNotTakingPartError(
            "That organisation is not asked to complete this audit. Select your organisation from the list"
        )
    _rate_limit(email=email, ip=ip)
    actor = Actor(name=name, email=email)
    submission = submission_get_or_create(cycle=cycle, agency=agency, actor=actor)
    if _email_allowed_for_agency(agency, email):
        link, _ = resume_link_create(submission=submission, name=name, email=email)
        _link_email(link=link, kind=OutboundEmail.Kind.LINK, template="link")
        audit_event_record(
            partnership=cycle.partnership,
            actor=actor,
            verb="link.requested",
            submission=submission,
            obj=link,
        )
        return
    contacts = list(agency.contacts.all()) or [
        AgencyContact(name=cycle.partnership.name, email=cycle.partnership.contact_email)
    ]
    for contact in contacts:
        link, _ = resume_link_create(submission=submission, name=contact.name, email=contact.email)
        _link_email(
            link=link,
            kind=OutboundEmail.Kind.LINK,
            template="access_request",
            context={"requester_name": name, "requester_email": email},
        )
    audit_event_record(
        partnership=cycle.partnership,
        actor=actor,
        verb="link.access_requested",
        submission=submission,
        detail={"sent_to": [c.email for c in contacts]},
    )


def resume_link_request(*, partnership: Partnership, email: str, ip: str | None = None) -> None:
    """ "Email me a fresh link", as the page sees it: count the request
    against the per-address and per-IP limits (LinkRequestLimitedError), then
    queue one task, on commit, that looks the address up and sends the links
    (`resume_link_send`). Known and unknown addresses do exactly this same
    work here, so neither the reply nor its timing says whether an address is
    known, even when the broker is slow or down."""
    email = email.strip().lower()
    _rate_limit(email=email, ip=ip)
    partnership_id = partnership.pk
    transaction.on_commit(lambda: _queue_link_send(partnership_id=partnership_id, email=email))


def _queue_link_send(*, partnership_id: int, email: str) -> None:
    try:
        resume_link_send_task.delay(partnership_id, email)
    except Exception:
        # The broker is down. Doing the lookup here instead would take longer
        # for a known address than an unknown one (the very difference this
        # avoids), so the request is dropped: the page asks people to try
        # again if no email arrives.
        logger.warning("Could not queue a link request; the broker is unavailable", exc_info=True)


@transaction.atomic
def resume_link_send(*, partnership: Partnership, email: str) -> int:
    """Send a fresh link for every return still open in this partnership that
    this address has worked on or is a contact of (run by the task that
    `resume_link_request` queues). Returns how many were sent."""
    email = email.strip().lower()
    now = timezone.now()
    submissions = (
        Submission.objects.filter(partnership=partnership, cycle__opens_at__lte=now)
        .filter(Q(resume_links__email=email) | Q(agency__contacts__email__iexact=email))
        .select_related("cycle", "agency", "partnership")
        .distinct()
    )
    sent = 0
    for submission in submissions:
        if link_expiry(submission) <= now:
            continue
        previous = submission.resume_links.filter(email=email).order_by("-created_at").first()
        name = (
            previous.name
            if previous
            else (
                submission.agency.contacts.filter(email__iexact=email).values_list("name", flat=True).first()
                or ""
            )
        )
        link, _ = resume_link_create(submission=submission, name=name, email=email)
        _link_email(link=link, kind=OutboundEmail.Kind.LINK, template="link")
        audit_event_record(
            partnership=partnership,
            actor=Actor(name=name, email=email),
            verb="link.requested",
            submission=submission,
            obj=link,
        )
        sent += 1
    return sent


# Celery task: a thin wrapper beside the service it calls, which queues it
# (so neither module imports the other); audits/tasks.py imports it for
# Celery's autodiscovery.


@shared_task(name="audits.resume_link_send", ignore_result=True)
def resume_link_send_task(partnership_id: int, email: str) -> None:
    """Queued by every "email me a fresh link" request, known address or not."""
    partnership = Partnership.objects.filter(pk=partnership_id).first()
    if partnership is not None:
        resume_link_send(partnership=partnership, email=email)
