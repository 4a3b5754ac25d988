"""The demo's practitioners' surveys: one per demo partnership's current
cycle, with replies from several agencies (some over the threshold of five,
some under), so triangulation shows on review pages straight away.

Called from the demo seed with one line. Idempotent: a survey with replies
is left as it is. Replies go through the same service as a practitioner's
(no address: the demo has none), and are seeded per agency, so a fresh
database gets the same figures every time."""

import random

from audits.models import AuditCycle, Submission, SubmissionStatus
from core.domain import Actor
from partnerships.models import Partnership
from surveys.models import Choice, QuestionKind, SurveyReply
from surveys.selectors import survey_for_cycle, survey_questions
from surveys.services import survey_create, survey_reply_record

# Replies per agency, in order: returns already submitted first. Several at
# or over five (results shown), a few under (only the count shown), the
# rest none yet.
DEMO_REPLIES = (37, 24, 12, 8, 6, 4, 3, 2)
DISAGREEING = {
    QuestionKind.LIKERT: (Choice.NEITHER, Choice.DISAGREE, Choice.STRONGLY_DISAGREE),
    QuestionKind.YES_NO: (Choice.NO,),
}
AGREEING = {
    QuestionKind.LIKERT: (Choice.STRONGLY_AGREE, Choice.AGREE),
    QuestionKind.YES_NO: (Choice.YES,),
}


def survey_demo_seed(*, partnership: Partnership, cycle: AuditCycle, actor: Actor) -> None:
    survey = survey_for_cycle(partnership=partnership, cycle=cycle)
    if survey is None:
        survey = survey_create(
            partnership=partnership,
            cycle=cycle,
            library_key="practitioners",
            disagreement_threshold=25,
            actor=actor,
        )
    if SurveyReply.objects.filter(survey=survey).exists() or not survey.is_open():
        return
    questions = list(survey_questions(partnership=partnership, survey=survey))
    links = {link.agency_id: link for link in survey.links.all()}
    submissions = sorted(
        Submission.objects.filter(partnership=partnership, cycle=cycle, agency_id__in=links).select_related(
            "agency"
        ),
        key=lambda s: (s.status != SubmissionStatus.SUBMITTED, s.agency.name),
    )
    for submission, replies in zip(submissions, DEMO_REPLIES, strict=False):
        rng = random.Random(f"{partnership.slug}/{submission.agency.name}/survey")  # noqa: S311 - demo data
        # Each question's share of practitioners who agree; the first
        # agency's staff mostly do not know the escalation policy (15 of 37:
        # "rated Green; 41% of 37 practitioners…").
        shares = {q.pk: rng.uniform(0.5, 0.97) for q in questions}
        if replies == DEMO_REPLIES[0]:
            shares |= {q.pk: 15 / 37 for q in questions if q.key == "know-escalation"}
        agree_sets = {}
        for q in questions:
            agreeing = round(shares[q.pk] * replies)
            agree_sets[q.pk] = set(rng.sample(range(replies), agreeing))
        for i in range(replies):
            answers = {
                q.pk: rng.choice(AGREEING[q.kind] if i in agree_sets[q.pk] else DISAGREEING[q.kind])
                for q in questions
            }
            survey_reply_record(link=links[submission.agency_id], answers=answers, ip=None)
