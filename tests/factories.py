"""Factories for the whole suite.

Every factory keeps related rows in ONE partnership: a SubFactory takes the
partnership of its parent (`SelfAttribute("..partnership")`), a row given
without a partnership takes it from the related rows it was given
(`AgencyFactory(localities=[…])`, `AuditCycleFactory(question_set=…)`,
`SubmissionFactory(cycle=…)`), and `_create` refuses a mixture outright, so a
test can never pass because its rows quietly straddle two tenants.

`two_partnerships()` builds the same small world twice, so that a test can
check that partnership A's staff and agencies never reach B's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from audits.models import (
    AuditCycle,
    IncompletePolicy,
    Rag,
    Submission,
    SubmissionStatus,
    ThemeResponse,
)
from audits.services import submission_get_or_create, theme_response_save
from core.domain import Actor
from partnerships.models import (
    Agency,
    AgencyContact,
    Locality,
    Partnership,
    Sector,
    StaffMembership,
    StaffRole,
)
from themes.models import Question, QuestionSet, Theme

DEFAULT_PASSWORD = "correct horse battery staple"


class MixedPartnershipsError(AssertionError):
    """A factory was asked to join rows of two partnerships."""


def _same_partnership(partnership, *others) -> None:
    for other in others:
        if other is not None and other.partnership_id != partnership.pk:
            raise MixedPartnershipsError(
                f"{other!r} belongs to partnership {other.partnership_id}, not {partnership.pk}"
            )


class _OnePartnershipFactory(DjangoModelFactory):
    """Takes `partnership` from the related rows passed in, when it is not given."""

    class Meta:
        abstract = True

    # Names of parameters whose value, when passed, carries the partnership.
    _partnership_from: tuple[str, ...] = ()

    @classmethod
    def _generate(cls, strategy, params):
        if params.get("partnership") is None:
            for name in cls._partnership_from:
                value = params.get(name)
                if isinstance(value, list | tuple):
                    value = value[0] if value else None
                if value is not None and hasattr(value, "partnership"):
                    params["partnership"] = value.partnership
                    break
        return super()._generate(strategy, params)


# ---------------------------------------------------------------------------
# Partnerships
# ---------------------------------------------------------------------------


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test Safeguarding Partnership {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")
    contact_email = factory.LazyAttribute(lambda o: f"business.unit@{o.slug}.example")


class LocalityFactory(DjangoModelFactory):
    class Meta:
        model = Locality

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Locality {n}")


class AgencyFactory(_OnePartnershipFactory):
    """An agency with one primary contact (`contacts=0` for none, or
    `contacts=[("Name", "email"), …]`) and, optionally, localities of its
    own partnership."""

    class Meta:
        model = Agency
        skip_postgeneration_save = True

    _partnership_from = ("localities",)

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Test Agency {n}")
    sector = Sector.LOCAL_AUTHORITY
    is_statutory = True

    @factory.post_generation
    def localities(obj, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for locality in extracted:
            _same_partnership(obj.partnership, locality)
        obj.localities.set(extracted)

    @factory.post_generation
    def contacts(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = 1
        if isinstance(extracted, int):
            domain = f"agency{obj.pk}.example"
            extracted = [
                (f"Contact {i + 1} of {obj.name}", f"contact{i + 1}@{domain}") for i in range(extracted)
            ]
        for index, (name, email) in enumerate(extracted):
            AgencyContact.objects.create(agency=obj, name=name, email=email.lower(), is_primary=index == 0)


class AgencyContactFactory(DjangoModelFactory):
    class Meta:
        model = AgencyContact

    agency = factory.SubFactory(AgencyFactory, contacts=0)
    name = factory.Sequence(lambda n: f"Extra Contact {n}")
    email = factory.Sequence(lambda n: f"extra{n}@agency.example")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@s11portal.example")
    full_name = factory.Sequence(lambda n: f"Staff Member {n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class StaffMembershipFactory(DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    role = StaffRole.REVIEWER
    # The partnership's own copy of the name, as an accepted invitation leaves it.
    display_name = factory.LazyAttribute(lambda o: o.user.full_name)


# ---------------------------------------------------------------------------
# Question sets
# ---------------------------------------------------------------------------


def add_themes(question_set: QuestionSet, *, themes: int = 3, questions: int = 4, allows_na: bool = True):
    """Give a question set `themes` themes of `questions` questions each."""
    created = Theme.objects.bulk_create(
        Theme(
            question_set=question_set,
            key=f"theme-{t}",
            order=t,
            title=f"Theme {t}",
            description=f"What theme {t} is about.",
            red_descriptor=f"Not compliant with theme {t}.",
            amber_descriptor=f"Partially compliant with theme {t}.",
            green_descriptor=f"Fully compliant with theme {t}.",
        )
        for t in range(1, themes + 1)
    )
    Question.objects.bulk_create(
        Question(
            theme=theme,
            key=f"q-{q}",
            order=q,
            text=f"{theme.title}, question {q}?",
            allows_na=allows_na,
        )
        for theme in created
        for q in range(1, questions + 1)
    )
    return created


class QuestionSetFactory(DjangoModelFactory):
    """A published question set. `themes=N, themes__questions=M,
    themes__allows_na=False` shape it; `themes=0` leaves it empty."""

    class Meta:
        model = QuestionSet
        skip_postgeneration_save = True

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Section 11 question set {n}")
    version = 1
    status = QuestionSet.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):
        if not create:
            return
        count = 3 if extracted is None else extracted
        if count:
            add_themes(
                obj,
                themes=count,
                questions=kwargs.get("questions", 4),
                allows_na=kwargs.get("allows_na", True),
            )


def question_set_with_questions(
    partnership: Partnership, themes: int = 3, questions: int = 4, allows_na: bool = True, **kwargs
) -> QuestionSet:
    return QuestionSetFactory(
        partnership=partnership,
        themes=themes,
        themes__questions=questions,
        themes__allows_na=allows_na,
        **kwargs,
    )


# ---------------------------------------------------------------------------
# Cycles and submissions
# ---------------------------------------------------------------------------


class AuditCycleFactory(_OnePartnershipFactory):
    """A cycle open now: opened a week ago, closes in 30 days."""

    class Meta:
        model = AuditCycle

    _partnership_from = ("question_set",)

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Section 11 audit {n}")
    slug = factory.Sequence(lambda n: f"cycle-{n}")
    question_set = factory.SubFactory(QuestionSetFactory, partnership=factory.SelfAttribute("..partnership"))
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    incomplete_policy = IncompletePolicy.DEFAULT_RED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        _same_partnership(kwargs["partnership"], kwargs["question_set"])
        return super()._create(model_class, *args, **kwargs)


class SubmissionFactory(_OnePartnershipFactory):
    """An agency's return, made the way the app makes it
    (`audits.services.submission_get_or_create`). Give `cycle`, `agency` or
    `partnership`; the rest follows. Other fields (e.g. `status`,
    `extended_until`) are written after creation."""

    class Meta:
        model = Submission

    _partnership_from = ("cycle", "agency")

    partnership = factory.SubFactory(PartnershipFactory)
    cycle = factory.SubFactory(AuditCycleFactory, partnership=factory.SelfAttribute("..partnership"))
    agency = factory.SubFactory(AgencyFactory, partnership=factory.SelfAttribute("..partnership"))

    @classmethod
    def _create(cls, model_class, *args, partnership, cycle, agency, **fields):
        _same_partnership(partnership, cycle, agency)
        submission = submission_get_or_create(cycle=cycle, agency=agency)
        if fields.get("status") == SubmissionStatus.SUBMITTED:
            fields.setdefault("submitted_at", timezone.now())
        if fields:
            model_class.objects.filter(pk=submission.pk).update(**fields)
            submission.refresh_from_db()
        return submission


CONTRIBUTOR = Actor(name="Jo Contributor", email="jo.contributor@agency.example")


def theme_save(
    submission: Submission,
    theme: Theme,
    *,
    value: str = "yes",
    answers: dict | None = None,
    rag: str = Rag.GREEN,
    comments: str = "",
    actor: Actor = CONTRIBUTOR,
    **kwargs,
) -> ThemeResponse:
    """Save a theme through the service, every question answered `value`
    unless `answers` is given, at the theme's current version."""
    if answers is None:
        answers = {q.pk: value for q in theme.questions.all()}
    current = ThemeResponse.objects.filter(submission=submission, theme=theme).first()
    return theme_response_save(
        submission=submission,
        theme=theme,
        answers=answers,
        rag=rag,
        comments=comments,
        expected_version=current.version if current else 0,
        actor=actor,
        **kwargs,
    )


def submission_in_window(
    partnership: Partnership, *, opens_in: timedelta, closes_in: timedelta, extended_for=None
) -> Submission:
    """A submission in a cycle that opens and closes these offsets from now
    (negative: in the past), optionally with an extension ending `extended_for`
    from now."""
    now = timezone.now()
    cycle = AuditCycleFactory(partnership=partnership, opens_at=now + opens_in, closes_at=now + closes_in)
    extra = {"extended_until": now + extended_for} if extended_for is not None else {}
    return SubmissionFactory(cycle=cycle, **extra)


def submission_complete(submission: Submission, **kwargs) -> None:
    """Answer every question of every theme (Green, all Yes)."""
    for theme in submission.question_set.themes.order_by("order"):
        theme_save(submission, theme, **kwargs)


# ---------------------------------------------------------------------------
# Two tenants
# ---------------------------------------------------------------------------


@dataclass
class World:
    """One partnership's small world."""

    partnership: Partnership
    locality: Locality
    agency: Agency
    question_set: QuestionSet
    cycle: AuditCycle
    submission: Submission

    @property
    def contact(self) -> AgencyContact:
        return self.agency.contacts.order_by("-is_primary", "pk").first()


@dataclass
class TwoPartnerships:
    a: World
    b: World

    def __iter__(self):
        return iter((self.a, self.b))


def partnership_world(*, slug: str, cycle_slug: str = "s11-2026", **cycle_fields) -> World:
    partnership = PartnershipFactory(name=f"Partnership {slug.upper()}", slug=slug)
    locality = LocalityFactory(partnership=partnership, name=f"{slug.upper()} North")
    agency = AgencyFactory(
        partnership=partnership,
        name=f"{slug.upper()} Borough Council",
        localities=[locality],
        contacts=[(f"Sam {slug.upper()}", f"sam@{slug}-council.example")],
    )
    question_set = question_set_with_questions(partnership)
    cycle = AuditCycleFactory(
        partnership=partnership, question_set=question_set, slug=cycle_slug, **cycle_fields
    )
    submission = SubmissionFactory(cycle=cycle, agency=agency)
    return World(partnership, locality, agency, question_set, cycle, submission)


def two_partnerships(**cycle_fields) -> TwoPartnerships:
    """Partnership A and partnership B, each with a locality, an agency (with
    a contact), a published question set, an open cycle and a submission.
    Both cycles have the same slug, as real partnerships' cycles often do."""
    return TwoPartnerships(
        a=partnership_world(slug="alpha", **cycle_fields),
        b=partnership_world(slug="bravo", **cycle_fields),
    )
