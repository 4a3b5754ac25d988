"""Writes of the practitioners' survey: a partnership admin makes a cycle's
survey from the library (with one open link per agency) and sets how far
practitioners and agency may disagree before it is flagged; a practitioner's
reply is stored with nothing that identifies them.

The public link is guarded by a fixed-window rate limit per link and per
client IP (counters in the cache, as the link-request limiter in
audits/services/links.py) and by the form's bot check (surveys/forms.py).
"""

import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audits.models import AuditCycle
from audits.selectors.scope import cycle_agencies_taking_part
from core.audit import audit_event_record
from core.dates import UK
from core.domain import Actor, DomainError
from core.models import OutboundEmail
from core.outbox import outbound_email_queue_many
from core.ratelimit import ip_key, within_limits
from partnerships.models import AgencyContact, Partnership

from .emails import KIND as SHARE_KIND
from .emails import TEMPLATE as SHARE_TEMPLATE
from .library import survey_template_read
from .models import Survey, SurveyAnswer, SurveyLink, SurveyQuestion, SurveyReply
from .selectors import MIN_GROUP, survey_progress

REPLIES_PER_LINK = 300  # an hour: a large agency's whole workforce after a team briefing
REPLIES_PER_IP = 60  # an hour: many staff share an office's one address
REPLY_WINDOW_SECONDS = 3600


class SurveyExistsError(DomainError):
    """The cycle has a survey already."""


class SurveyClosedError(DomainError):
    """The cycle, and so its survey, is not open."""


class SurveyReplyLimitedError(DomainError):
    """Too many replies through one link or from one address this hour."""


def _token() -> str:
    return secrets.token_urlsafe(24)  # 192 random bits


def _links_make(*, survey: Survey) -> int:
    """An open link for every agency taking part that has none yet."""
    have = set(SurveyLink.objects.filter(survey=survey).values_list("agency_id", flat=True))
    agencies = cycle_agencies_taking_part(partnership=survey.partnership, cycle=survey.cycle)
    new = [
        SurveyLink(partnership=survey.partnership, survey=survey, agency=agency, token=_token())
        for agency in agencies
        if agency.pk not in have
    ]
    SurveyLink.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def survey_create(
    *,
    partnership: Partnership,
    cycle: AuditCycle,
    library_key: str,
    disagreement_threshold: int,
    actor: Actor,
) -> Survey:
    if cycle.partnership_id != partnership.pk:
        raise DomainError("The cycle belongs to another partnership.")
    if Survey.objects.filter(cycle=cycle).exists():
        raise SurveyExistsError("This cycle already has a practitioners' survey.")
    template = survey_template_read(library_key)
    survey = Survey.objects.create(
        partnership=partnership,
        cycle=cycle,
        title=template["name"],
        library_key=library_key,
        disagreement_threshold=disagreement_threshold,
    )
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(
            survey=survey,
            order=order,
            key=q["key"],
            text=q["text"],
            kind=q["kind"],
            linked_keys=list(q.get("links", [])),
        )
        for order, q in enumerate(template["questions"], start=1)
    )
    links = _links_make(survey=survey)
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="survey_created",
        obj=survey,
        detail={"cycle": cycle.slug, "library_key": library_key, "links": links},
    )
    return survey


@transaction.atomic
def survey_update(
    *, partnership: Partnership, survey: Survey, disagreement_threshold: int, actor: Actor
) -> int:
    """Change the threshold and give agencies added to the cycle since a
    link of their own. Returns how many links were made."""
    if survey.partnership_id != partnership.pk:
        raise DomainError("The survey belongs to another partnership.")
    survey.disagreement_threshold = disagreement_threshold
    survey.save(update_fields=["disagreement_threshold"])
    links = _links_make(survey=survey)
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="survey_updated",
        obj=survey,
        detail={"disagreement_threshold": disagreement_threshold, "links": links},
    )
    return links


def survey_reply_rate_check(*, link: SurveyLink, ip: str | None) -> None:
    """Counts one attempt against the link's and the address's hourly
    limits. The address is only a cache key (hashed, for an hour), never
    stored with the reply."""
    limits = [(f"link:{link.pk}", REPLIES_PER_LINK)]
    if ip:
        limits.append((f"ip:{ip_key(ip)}", REPLIES_PER_IP))
    if not within_limits(scope="survey", window_seconds=REPLY_WINDOW_SECONDS, limits=limits):
        raise SurveyReplyLimitedError(
            "Too many replies have been sent from here in the last hour. Try again in an hour."
        )


@transaction.atomic
def survey_reply_record(*, link: SurveyLink, answers: dict[int, str], ip: str | None) -> SurveyReply:
    """Store one practitioner's answers ({survey question id: choice}).
    `ip` is used for the rate limit only."""
    survey = link.survey
    if not survey.is_open():
        raise SurveyClosedError("This survey has closed.")
    survey_reply_rate_check(link=link, ip=ip)
    questions = {q.pk: q for q in survey.questions.all()}
    if set(answers) != set(questions):
        raise DomainError("Answer every question.")
    for pk, value in answers.items():
        if value not in questions[pk].choices:
            raise DomainError("Choose one of the answers given.")
    reply = SurveyReply.objects.create(
        partnership=link.partnership,
        survey=survey,
        agency=link.agency,
        # The day only, in UK time: a time of day could match a reply to
        # whoever was seen filling it in.
        received_on=timezone.localtime(timezone.now(), UK).date(),
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(reply=reply, question_id=pk, value=value) for pk, value in answers.items()
    )
    return reply


def survey_share_reminders_queue(
    *, partnership: Partnership, survey: Survey, agency_ids: list[int] | None, base_url: str, actor: Actor
) -> int:
    """Email each contact of the chosen agencies (None: every agency with
    fewer than MIN_GROUP replies) its agency's open link, through the outbox.
    At most one a contact a day: asking again the same UK day queues nothing
    new. None once the survey (with its cycle) has closed. Returns how many
    emails were queued."""
    if survey.partnership_id != partnership.pk:
        raise DomainError("The survey belongs to another partnership.")
    if not survey.is_open():
        raise SurveyClosedError("The survey has closed: no more reminders can be sent.")
    progress = survey_progress(partnership=partnership, survey=survey)
    if agency_ids is None:
        rows = [row for row in progress if row.replies < MIN_GROUP]
    else:
        wanted = set(agency_ids)
        rows = [row for row in progress if row.agency.pk in wanted]
    by_agency = {row.agency.pk: row for row in rows}
    contacts = AgencyContact.objects.filter(agency_id__in=list(by_agency), agency__partnership=partnership)
    today = timezone.localtime(timezone.now(), UK).date().isoformat()
    emails = []
    for contact in contacts.order_by("agency_id", "pk"):
        row = by_agency[contact.agency_id]
        path = reverse("survey_answer", kwargs={"partnership_slug": partnership.slug, "token": row.token})
        emails.append(
            OutboundEmail(
                partnership=partnership,
                kind=SHARE_KIND,
                template=SHARE_TEMPLATE,
                to_email=contact.email,
                to_name=contact.name,
                dedupe_key=f"{SHARE_KIND}:{survey.pk}:{contact.pk}:{today}",
                context={
                    "agency_name": row.agency.name,
                    "cycle_title": survey.cycle.title,
                    "survey_title": survey.title,
                    "survey_url": base_url.rstrip("/") + path,
                    "replies": row.replies,
                    "closes_at": survey.cycle.closes_at.isoformat(),
                    "min_group": MIN_GROUP,
                },
            )
        )
    with transaction.atomic():
        queued = len(outbound_email_queue_many(emails=emails))
        if queued:
            audit_event_record(
                partnership=partnership,
                actor=actor,
                verb="survey_share_reminders_queued",
                obj=survey,
                detail={"agencies": sorted(by_agency), "emails": queued},
            )
    return queued
