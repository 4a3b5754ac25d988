"""Writes of the practitioners' survey: a partnership admin makes a cycle's
survey from the library (with one open link per agency) and sets how far
practitioners and agency may disagree before it is flagged; a practitioner's
reply is stored with nothing that identifies them.

The public link is guarded by a fixed-window rate limit per link and per
client IP (counters in the cache, as the link-request limiter in
audits/services/links.py) and by the form's bot check (surveys/forms.py).
"""

import secrets

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from audits.models import AuditCycle
from audits.selectors.scope import cycle_agencies_taking_part
from audits.services.links import _ip_bucket, token_hash
from core.audit import audit_event_record
from core.dates import UK
from core.domain import Actor, DomainError
from partnerships.models import Partnership

from .library import survey_template_read
from .models import Survey, SurveyAnswer, SurveyLink, SurveyQuestion, SurveyReply

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


def _count(key: str, limit: int) -> bool:
    cache.add(key, 0, REPLY_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, REPLY_WINDOW_SECONDS)
        count = 1
    return count <= limit


def survey_reply_rate_check(*, link: SurveyLink, ip: str | None) -> None:
    """Counts one attempt against the link's and the address's hourly
    limits. The address is only a cache key (hashed, for an hour), never
    stored with the reply."""
    window = int(timezone.now().timestamp() // REPLY_WINDOW_SECONDS)
    checks = [(f"s11:survey:link:{link.pk}:{window}", REPLIES_PER_LINK)]
    if ip:
        checks.append((f"s11:survey:ip:{token_hash(_ip_bucket(ip))}:{window}", REPLIES_PER_IP))
    for key, limit in checks:
        if not _count(key, limit):
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
