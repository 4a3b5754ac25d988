"""Organisations' writes: creating one, linking a partnership's agency to it
(proposed by the partnership, decided by the organisation), its members and
their sign-in links, and opening a linked agency's return.

Each is atomic and recorded: on the agency's partnership's audit log when it
concerns that partnership's agency, and on the organisation's own log."""

import logging
import secrets
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audits.access import submission_owned
from audits.models import ResumeLink, Submission
from audits.services.links import link_expiry, resume_link_create, token_hash
from core.audit import audit_event_record
from core.domain import Actor, DomainError
from core.outbox import outbound_email_queue
from core.ratelimit import ip_key, key_digest, within_limits
from partnerships.models import Agency

from ..models import (
    LIVE_LINK_STATUSES,
    AgencyLink,
    LinkStatus,
    Organisation,
    OrganisationEvent,
    OrganisationMembership,
    OrganisationReturnAccess,
    OrganisationRole,
    OrganisationSignInLink,
)

logger = logging.getLogger(__name__)

EMAIL_KIND = "organisation"
SIGN_IN_LINK_DAYS = 7
# An opened return's link lasts a working day; the member opens it again
# from the organisation's home after that.
RETURN_ACCESS_HOURS = 12
SIGN_IN_REQUESTS_PER_EMAIL = 5
SIGN_IN_REQUESTS_PER_IP = 30
SIGN_IN_REQUEST_WINDOW_SECONDS = 3600


class OrganisationRefusedError(DomainError):
    """A rule about organisations refused the change (`field`: the form
    field it is about, if any)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        if field:
            self.field = field


class SignInLimitedError(DomainError):
    """Too many sign-in link requests from one address or one IP."""


def _event(organisation: Organisation, actor: Actor, verb: str, **detail) -> None:
    OrganisationEvent.objects.create(
        organisation=organisation, actor_name=actor.name, actor_email=actor.email, verb=verb, detail=detail
    )


def member_actor(membership: OrganisationMembership) -> Actor:
    return Actor(name=membership.name, email=membership.email)


def _normalise_identifier(identifier_type: str, identifier: str) -> tuple[str, str]:
    identifier = "".join(identifier.split()).upper()
    return (identifier_type if identifier else ""), identifier


# --- Creating an organisation and linking agencies ---------------------------


def _organisation_create(
    *, name: str, kind: str, identifier_type: str, identifier: str, partnership=None
) -> Organisation:
    identifier_type, identifier = _normalise_identifier(identifier_type, identifier)
    if identifier and not identifier_type:
        raise OrganisationRefusedError("Choose the type of identifier")
    if (
        identifier
        and Organisation.objects.filter(
            identifier_type=identifier_type, identifier__iexact=identifier
        ).exists()
    ):
        raise OrganisationRefusedError(
            "An organisation with this identifier already exists. Search for it and link to it instead.",
            field="identifier",
        )
    try:
        with transaction.atomic():
            return Organisation.objects.create(
                name=name.strip(),
                kind=kind,
                identifier_type=identifier_type,
                identifier=identifier,
                proposed_by_partnership=partnership,
            )
    except IntegrityError:  # the same identifier, created a moment ago
        raise OrganisationRefusedError(
            "An organisation with this identifier already exists. Search for it and link to it instead.",
            field="identifier",
        ) from None


def _admins(organisation: Organisation) -> list[OrganisationMembership]:
    return list(organisation.memberships.filter(role=OrganisationRole.ADMIN))


def _link_proposed_emails(link: AgencyLink) -> None:
    for admin in _admins(link.organisation):
        signin = _sign_in_link_new(email=admin.email)
        outbound_email_queue(
            partnership=None,
            kind=EMAIL_KIND,
            to_email=admin.email,
            to_name=admin.name,
            template="organisation_link_proposed",
            context={
                "organisation_name": link.organisation.name,
                "partnership_name": link.partnership.name,
                "agency_name": link.agency.name,
                "sign_in_link_pk": signin.pk,
            },
            dedupe_key=f"organisation_link_proposed:{link.pk}:{admin.pk}",
        )


def _agency_link_check(agency: Agency) -> None:
    if AgencyLink.objects.filter(agency=agency, status__in=LIVE_LINK_STATUSES).exists():
        raise OrganisationRefusedError(
            "This agency is already linked to an organisation, or waiting for one to accept."
        )


def _agency_link_insert(*, agency: Agency, organisation: Organisation, actor: Actor) -> AgencyLink:
    try:
        with transaction.atomic():
            link = AgencyLink.objects.create(
                organisation=organisation,
                partnership_id=agency.partnership_id,
                agency=agency,
                proposed_by=actor.user,
                proposed_by_name=actor.name,
            )
    except IntegrityError:
        raise OrganisationRefusedError(
            "This agency is already linked to an organisation, or waiting for one to accept."
        ) from None
    audit_event_record(
        partnership=agency.partnership,
        actor=actor,
        verb="organisation.link_proposed",
        obj=link,
        detail={"agency": agency.name, "organisation": organisation.name},
    )
    _event(
        organisation,
        actor,
        "link.proposed",
        partnership=agency.partnership.name,
        agency=agency.name,
    )
    _link_proposed_emails(link)
    return link


@transaction.atomic
def agency_link_propose(*, agency: Agency, organisation: Organisation, actor: Actor) -> AgencyLink:
    """A partnership admin asks to link their agency to an existing
    organisation. Nothing is shared until the organisation accepts."""
    _agency_link_check(agency)
    return _agency_link_insert(agency=agency, organisation=organisation, actor=actor)


@transaction.atomic
def agency_link_propose_new(
    *,
    agency: Agency,
    name: str,
    kind: str,
    identifier_type: str,
    identifier: str,
    admin_name: str,
    admin_email: str,
    actor: Actor,
) -> AgencyLink:
    """A partnership admin proposes an organisation that is not on the
    service yet, naming the person there who will run it: they become its
    first admin and decide the link like any other."""
    _agency_link_check(agency)
    organisation = _organisation_create(
        name=name,
        kind=kind,
        identifier_type=identifier_type,
        identifier=identifier,
        partnership=agency.partnership,
    )
    OrganisationMembership.objects.create(
        organisation=organisation,
        name=admin_name.strip(),
        email=admin_email.strip().lower(),
        role=OrganisationRole.ADMIN,
        invited_by_name=f"{actor.name} ({agency.partnership.name})",
    )
    _event(organisation, actor, "organisation.proposed", partnership=agency.partnership.name)
    return _agency_link_insert(agency=agency, organisation=organisation, actor=actor)


def _live_link(link: AgencyLink, statuses) -> AgencyLink:
    fresh = AgencyLink.objects.select_for_update().get(pk=link.pk)
    if fresh.status not in statuses:
        raise OrganisationRefusedError("This link has already been decided. Refresh the page to see it.")
    return fresh


@transaction.atomic
def agency_link_decide(*, link: AgencyLink, by: OrganisationMembership, accept: bool) -> AgencyLink:
    """An organisation admin accepts or refuses a partnership's proposal."""
    if not by.is_admin or by.organisation_id != link.organisation_id:
        raise OrganisationRefusedError("Only an admin of this organisation can decide its links.")
    fresh = _live_link(link, [LinkStatus.PROPOSED])
    actor = member_actor(by)
    fresh.status = LinkStatus.ACCEPTED if accept else LinkStatus.REFUSED
    fresh.decided_by_name = actor.name
    fresh.decided_by_email = actor.email
    fresh.decided_at = timezone.now()
    fresh.save(update_fields=["status", "decided_by_name", "decided_by_email", "decided_at"])
    verb = "accepted" if accept else "refused"
    audit_event_record(
        partnership=fresh.partnership,
        actor=actor,
        verb=f"organisation.link_{verb}",
        obj=fresh,
        detail={"agency": fresh.agency.name, "organisation": fresh.organisation.name},
    )
    _event(
        fresh.organisation,
        actor,
        f"link.{verb}",
        partnership=fresh.partnership.name,
        agency=fresh.agency.name,
    )
    return fresh


def _accesses_revoke(accesses, *, actor: Actor) -> int:
    link_ids = list(accesses.values_list("resume_link_id", flat=True))
    return ResumeLink.objects.filter(pk__in=link_ids, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor.user
    )


@transaction.atomic
def agency_link_end(*, link: AgencyLink, actor: Actor) -> AgencyLink:
    """The partnership unlinks its agency (or withdraws its proposal). The
    organisation's members lose the agency's returns at once: the links they
    opened them with are revoked."""
    fresh = _live_link(link, LIVE_LINK_STATUSES)
    fresh.status = LinkStatus.ENDED
    fresh.decided_by_name = actor.name
    fresh.decided_by_email = actor.email
    fresh.decided_at = timezone.now()
    fresh.save(update_fields=["status", "decided_by_name", "decided_by_email", "decided_at"])
    revoked = _accesses_revoke(fresh.return_accesses.all(), actor=actor)
    audit_event_record(
        partnership=fresh.partnership,
        actor=actor,
        verb="organisation.link_ended",
        obj=fresh,
        detail={
            "agency": fresh.agency.name,
            "organisation": fresh.organisation.name,
            "links_revoked": revoked,
        },
    )
    _event(
        fresh.organisation, actor, "link.ended", partnership=fresh.partnership.name, agency=fresh.agency.name
    )
    return fresh


# --- Members -------------------------------------------------------------------


@transaction.atomic
def organisation_member_invite(
    *, organisation: Organisation, name: str, email: str, role: str, by: OrganisationMembership
) -> OrganisationMembership:
    if not by.is_admin or by.organisation_id != organisation.pk:
        raise OrganisationRefusedError("Only an admin of this organisation can invite members.")
    email = email.strip().lower()
    if organisation.memberships.filter(email=email).exists():
        raise OrganisationRefusedError("This person is already a member", field="email")
    membership = OrganisationMembership.objects.create(
        organisation=organisation, name=name.strip(), email=email, role=role, invited_by_name=by.name
    )
    signin = _sign_in_link_new(email=email)
    outbound_email_queue(
        partnership=None,
        kind=EMAIL_KIND,
        to_email=email,
        to_name=membership.name,
        template="organisation_invitation",
        context={
            "organisation_name": organisation.name,
            "invited_by": by.name,
            "role": OrganisationRole(role).label,
            "sign_in_link_pk": signin.pk,
        },
        dedupe_key=f"organisation_invitation:{membership.pk}",
    )
    _event(organisation, member_actor(by), "member.invited", email=email, role=role)
    return membership


@transaction.atomic
def organisation_member_remove(*, membership: OrganisationMembership, by: OrganisationMembership) -> None:
    """Remove a member: their sign-in gives nothing for this organisation
    from the next request, and the returns they opened are closed to them."""
    organisation = membership.organisation
    if not by.is_admin or by.organisation_id != organisation.pk:
        raise OrganisationRefusedError("Only an admin of this organisation can remove members.")
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if (
        membership.is_admin
        and not organisation.memberships.filter(role=OrganisationRole.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise OrganisationRefusedError(
            "An organisation must always have an admin. Invite another admin first."
        )
    _accesses_revoke(membership.return_accesses.all(), actor=member_actor(by))
    _event(organisation, member_actor(by), "member.removed", email=membership.email)
    membership.delete()


# --- Signing in by emailed link ----------------------------------------------


def _sign_in_link_new(*, email: str) -> OrganisationSignInLink:
    """A link row without a token: the token is made when the email is sent
    (`sign_in_link_mint_url`), so it exists only in the email."""
    return OrganisationSignInLink.objects.create(
        email=email.strip().lower(), expires_at=timezone.now() + timedelta(days=SIGN_IN_LINK_DAYS)
    )


def sign_in_link_mint_url(*, link: OrganisationSignInLink) -> str:
    """Give the link a fresh token and return its absolute URL; an earlier
    token of this link stops working."""
    token = secrets.token_urlsafe(24)
    OrganisationSignInLink.objects.filter(pk=link.pk).update(token_hash=token_hash(token))
    link.token_hash = token_hash(token)
    return settings.BASE_URL + reverse("organisation_sign_in_link", kwargs={"token": token})


def sign_in_link_create(*, email: str) -> tuple[OrganisationSignInLink, str]:
    """A link with its URL now (the demo prints them)."""
    link = _sign_in_link_new(email=email)
    return link, sign_in_link_mint_url(link=link)


def sign_in_link_request(*, email: str, ip: str | None = None) -> None:
    """ "Email me a sign-in link": counted against the per-address and per-IP
    limits, then one task queued on commit that looks the address up and
    sends a link if it is a member's (`sign_in_link_send`). Known and unknown
    addresses do exactly this same work in the request, so neither the reply
    nor its timing says whether an address is a member's (as resume links,
    docs/security.md 12)."""
    email = email.strip().lower()
    limits = [(f"email:{key_digest(email)}", SIGN_IN_REQUESTS_PER_EMAIL)]
    if ip:
        limits.append((f"ip:{ip_key(ip)}", SIGN_IN_REQUESTS_PER_IP))
    if not within_limits(scope="orgsignin", window_seconds=SIGN_IN_REQUEST_WINDOW_SECONDS, limits=limits):
        raise SignInLimitedError("You have asked for too many links. Wait an hour and try again.")
    transaction.on_commit(lambda: _queue_sign_in_link_send(email=email))


def _queue_sign_in_link_send(*, email: str) -> None:
    try:
        sign_in_link_send_task.delay(email)
    except Exception:
        # The broker is down: dropped rather than done here (which would take
        # longer for a member's address); the page asks to try again.
        logger.warning("Could not queue a sign-in link request; the broker is unavailable", exc_info=True)


@transaction.atomic
def sign_in_link_send(*, email: str) -> bool:
    """Send a sign-in link if this address is some organisation's member
    (run by the task `sign_in_link_request` queues)."""
    membership = OrganisationMembership.objects.filter(email=email).order_by("pk").first()
    if membership is None:
        return False
    signin = _sign_in_link_new(email=email)
    outbound_email_queue(
        partnership=None,
        kind=EMAIL_KIND,
        to_email=email,
        to_name=membership.name,
        template="organisation_sign_in",
        context={"sign_in_link_pk": signin.pk},
    )
    return True


@shared_task(name="organisations.sign_in_link_send", ignore_result=True)
def sign_in_link_send_task(email: str) -> None:
    sign_in_link_send(email=email)


def sign_in_link_resolve(*, token: str, now=None) -> OrganisationSignInLink | None:
    """The usable link for this token, or None."""
    now = now or timezone.now()
    link = OrganisationSignInLink.objects.filter(token_hash=token_hash(token)).first()
    if link is None or not link.is_usable(now):
        return None
    OrganisationSignInLink.objects.filter(pk=link.pk).update(last_used_at=now)
    return link


# --- Opening a linked agency's return ----------------------------------------


@transaction.atomic
def organisation_return_open(
    *, membership: OrganisationMembership, agency_link: AgencyLink, submission: Submission
) -> ResumeLink:
    """A member opens a return of an agency their organisation has an
    accepted link with: a resume link in their name, recorded so that it is
    revoked with their membership or the agency's link. The return's own
    rules (open cycle, lock, policy) apply as for any contributor."""
    if agency_link.organisation_id != membership.organisation_id or not agency_link.is_accepted:
        raise OrganisationRefusedError("Your organisation is not linked to this agency.")
    submission_owned(partnership=agency_link.partnership, submission=submission)
    if submission.agency_id != agency_link.agency_id:
        raise OrganisationRefusedError("Your organisation is not linked to this agency.")
    now = timezone.now()
    if link_expiry(submission) <= now:
        raise OrganisationRefusedError("This audit has closed: its return can no longer be changed.")
    link, _ = resume_link_create(submission=submission, name=membership.name, email=membership.email)
    link.expires_at = min(link.expires_at, now + timedelta(hours=RETURN_ACCESS_HOURS))
    link.save(update_fields=["expires_at"])
    OrganisationReturnAccess.objects.create(
        membership=membership,
        organisation_id=membership.organisation_id,
        agency_link=agency_link,
        resume_link=link,
    )
    audit_event_record(
        partnership=agency_link.partnership,
        actor=member_actor(membership),
        verb="organisation.return_opened",
        submission=submission,
        obj=link,
        detail={"organisation": membership.organisation.name},
    )
    return link
