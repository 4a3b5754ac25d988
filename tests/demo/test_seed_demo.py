"""`manage.py seed_demo`: the demo world, built through the services, and
one printed way in for every agency and every member of staff."""

import hashlib
import logging
import re
from collections import Counter
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audits.models import (
    AuditCycle,
    IncompletePolicy,
    ResumeLink,
    Submission,
    SubmissionStatus,
    ThemeResponse,
)
from audits.models.review import SubmissionReview, ThemeModeration
from audits.selectors.reports import Movement, cycle_compare_choices, cycle_comparison
from core.models import AuditEvent, OutboundEmail
from demo import data as demo
from organisations.models import StandingDraftTheme
from partnerships.models import Agency, AgencyContact, Locality, Partnership, StaffMembership
from themes.models import QuestionSet

pytestmark = pytest.mark.django_db

# agency <partnership> <link> <the agency's name, which has spaces>
AGENCY_LINE = re.compile(r"^agency \S+ http\S+ \S.*$")
# organisation <email> <the URL that signs them in>
ORGANISATION_LINE = re.compile(r"^organisation \S+@\S+ http\S+/organisations/sign-in/[\w-]+/$")
# panel <partnership> <the URL that signs the outsider in> <their name>
PANEL_LINE = re.compile(r"^panel \S+ http\S+/panel/[\w-]+/ \S.*$")
STAFF_LINE = re.compile(r"^staff \S+ (admin|reviewer|read_only|platform_admin) \S+@\S+ \S+ [A-Z2-7]+=*$")


def seed() -> list[str]:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue().splitlines()


def parse(lines):
    agencies, staff = [], []
    for line in lines:
        if line.startswith("#") or ORGANISATION_LINE.match(line) or PANEL_LINE.match(line):
            continue
        assert AGENCY_LINE.match(line) or STAFF_LINE.match(line), f"unexpected output line: {line!r}"
        kind, *fields = line.split(" ")
        if kind == "agency":
            agencies.append(tuple(fields[:2]))
        else:
            partnership, role, email, password, secret = fields
            staff.append(
                {
                    "partnership": partnership,
                    "role": role,
                    "email": email,
                    "password": password,
                    "secret": secret,
                }
            )
    return agencies, staff


def agency_names(lines) -> dict[str, str]:
    """The agency name printed after each link, by link."""
    return {
        url: name
        for kind, _, url, name in (line.split(" ", 3) for line in lines if line.startswith("agency "))
    }


def snapshot():
    User = get_user_model()
    return {
        model.__name__: model.objects.count()
        for model in (
            Partnership,
            Locality,
            Agency,
            AgencyContact,
            QuestionSet,
            AuditCycle,
            Submission,
            ThemeResponse,
            StaffMembership,
            Authenticator,
            User,
        )
    } | {"events": AuditEvent.objects.exclude(verb__startswith="link.").count()}


def test_running_twice_creates_nothing_new_and_prints_the_same_logins():
    first_lines = seed()
    counts = snapshot()
    statuses = dict(Submission.objects.values_list("pk", "status"))
    links_before = ResumeLink.objects.count()

    second_lines = seed()

    assert snapshot() == counts
    assert dict(Submission.objects.values_list("pk", "status")) == statuses
    first_agencies, first_staff = parse(first_lines)
    second_agencies, second_staff = parse(second_lines)
    assert [slug for slug, _ in first_agencies] == [slug for slug, _ in second_agencies]
    # Fresh links each run; the earlier ones still work.
    assert not {url for _, url in first_agencies} & {url for _, url in second_agencies}
    # (The first run also emailed links: invitations, reminders, the returned
    # return's contacts; emails are written once.)
    assert ResumeLink.objects.count() == links_before + len(first_agencies)

    # Same people and authenticator secrets; passwords reset so the printed ones are true.
    def who(entries):
        return [(s["partnership"], s["role"], s["email"], s["secret"]) for s in entries]

    assert who(first_staff) == who(second_staff)
    User = get_user_model()
    for before, after in zip(first_staff, second_staff, strict=True):
        user = User.objects.get(email=after["email"])
        assert user.check_password(after["password"])
        assert not user.check_password(before["password"])


def test_output_is_one_line_per_login():
    lines = seed()

    agencies, staff = parse(lines)
    assert all(line.startswith(("agency ", "staff ", "organisation ", "panel ", "#")) for line in lines)
    assert len(agencies) == Agency.objects.count()
    assert {slug for slug, _ in agencies} == {"csap", "sheffield"}
    roles = {(s["partnership"], s["role"]) for s in staff}
    for slug in ("csap", "sheffield"):
        assert {(slug, role) for role in ("admin", "reviewer", "read_only")} <= roles
    assert ("-", "platform_admin") in roles
    assert len(staff) == len(roles) == 7
    for url in (url for _, url in agencies):
        assert url.startswith(settings.BASE_URL + "/")


def test_the_demo_world():
    seed()

    csap = Partnership.objects.get(slug="csap")
    sheffield = Partnership.objects.get(slug="sheffield")
    assert csap.name == "Children's Safeguarding Assurance Partnership"
    assert sheffield.name == "Sheffield Children's Safeguarding Partnership"
    assert set(csap.localities.values_list("name", flat=True)) == {
        "Lancashire",
        "Blackburn with Darwen",
        "Blackpool",
    }
    assert list(sheffield.localities.values_list("name", flat=True)) == ["Sheffield"]
    assert 35 <= csap.agencies.count() <= 45
    assert 10 <= sheffield.agencies.count() <= 14

    for partnership in (csap, sheffield):
        agencies = Agency.objects.filter(partnership=partnership)
        assert len({a.sector for a in agencies}) >= 6
        spec = next(p for p in demo.PARTNERSHIPS if p.slug == partnership.slug)
        for agency in agencies.prefetch_related("contacts", "localities"):
            assert agency.is_statutory == (agency.sector in spec.statutory_sectors), agency.name
            assert 1 <= len(agency.contacts.all()) <= 2, agency.name
            assert all(c.email.endswith(".example") for c in agency.contacts.all()), agency.name
            assert agency.localities.all(), agency.name
            assert {loc.partnership_id for loc in agency.localities.all()} == {partnership.pk}

        cycle = AuditCycle.objects.get(partnership=partnership, slug="s11-2026")
        assert cycle.status == "open"
        assert cycle.question_set.template_key == partnership.slug
        sets = QuestionSet.objects.filter(partnership=partnership, status=QuestionSet.Status.PUBLISHED)
        assert set(sets.values_list("template_key", flat=True)) == {partnership.slug, "voluntary-community"}
        # Every agency has a return in the open cycle.
        assert set(cycle.submissions.values_list("agency_id", flat=True)) == set(
            agencies.values_list("pk", flat=True)
        )

    csap_cycle = AuditCycle.objects.get(partnership=csap, slug="s11-2026")
    assert csap_cycle.incomplete_policy == IncompletePolicy.DEFAULT_RED
    assert AuditCycle.objects.get(partnership=sheffield, slug="s11-2026").incomplete_policy == (
        IncompletePolicy.BLOCK
    )
    # Sheffield lists fire and rescue among its statutory agencies; CSAP does not.
    assert Agency.objects.get(partnership=sheffield, name="South Yorkshire Fire and Rescue").is_statutory
    assert not Agency.objects.get(partnership=csap, name="Lancashire Fire and Rescue Service").is_statutory

    csap_statuses = set(csap_cycle.submissions.values_list("status", flat=True))
    assert csap_statuses == set(SubmissionStatus.values)
    sheffield_statuses = set(
        Submission.objects.filter(partnership=sheffield).values_list("status", flat=True)
    )
    assert {"not_started", "in_progress", "submitted"} <= sheffield_statuses

    # In csap one return was submitted incomplete and got the default Red.
    defaulted = ThemeResponse.objects.filter(submission__cycle=csap_cycle, rag_defaulted=True)
    assert defaulted.exists()
    assert defaulted.values("submission").distinct().count() == 1
    # Sheffield blocks incomplete returns, so none there.
    assert not ThemeResponse.objects.filter(submission__partnership=sheffield, rag_defaulted=True).exists()

    # Amber and Red need comments on how the agency will improve.
    rated = ThemeResponse.objects.filter(rag__in=["amber", "red"], rag_defaulted=False)
    assert rated.exists()
    assert not rated.filter(comments="").exists()

    # Every return's reference carries its cycle's year (the UK year it opened),
    # the earlier cycles seeded by travelling back to their dates included.
    for cycle in AuditCycle.objects.all():
        year = timezone.localtime(cycle.opens_at).year
        references = list(cycle.submissions.values_list("reference", flat=True))
        assert references and all(r.startswith(f"S11-{year}-") for r in references), cycle.title
    assert AuditCycle.objects.filter(slug__in=["s11-2025", "s11-2024"]).count() == 2

    # It all went through the services, so it is on the record.
    for verb in ("cycle.created", "submission.created", "theme.saved", "submission.submitted"):
        assert AuditEvent.objects.filter(partnership=csap, verb=verb).exists(), verb
    for submission in Submission.objects.filter(status=SubmissionStatus.SUBMITTED):
        assert submission.events.filter(verb="submission.submitted").count() == 1
    # The returned return went back through the review service, reason and all.
    for submission in Submission.objects.filter(status=SubmissionStatus.RETURNED):
        assert submission.returns_for_changes.get().reason


def test_staff_can_sign_in_with_what_is_printed():
    _, staff = parse(seed())
    User = get_user_model()

    for entry in staff:
        user = User.objects.get(email=entry["email"])
        assert user.check_password(entry["password"])
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        assert decrypt(authenticator.data["secret"]) == entry["secret"]
        if entry["role"] == "platform_admin":
            assert user.is_superuser and user.is_staff
            assert not user.memberships.exists()
        else:
            membership = user.memberships.get()
            assert (membership.partnership.slug, membership.role) == (entry["partnership"], entry["role"])
            assert not user.is_superuser


def test_every_agency_url_opens_that_agencys_return():
    lines = seed()
    agencies, _ = parse(lines)
    names = agency_names(lines)
    assert len(names) == len(agencies)

    for slug, url in agencies:
        client = Client()
        response = client.get(url.removeprefix(settings.BASE_URL))
        assert response.status_code == 302, url
        assert response["Location"] == reverse("task_list", kwargs={"partnership_slug": slug}), url
        token = url.rstrip("/").rsplit("/", 1)[1]
        link = ResumeLink.objects.select_related("submission__agency").get(
            token_hash=hashlib.sha256(token.encode()).hexdigest()
        )
        assert link.submission.partnership.slug == slug
        assert link.submission.cycle.slug == "s11-2026"
        assert names[url] == link.submission.agency.name, url  # the line names the agency it opens
        page = client.get(response["Location"])
        assert page.status_code == 200, url
        assert escape(link.submission.agency.name) in page.content.decode(), url


@pytest.mark.django_db(transaction=True)
def test_no_celery_log_lines_while_seeding(caplog):
    """The seed commits, so its emails are sent by eager tasks, each of which
    would log a line."""
    caplog.set_level(logging.INFO)
    seed()
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).exists()  # tasks did run
    noisy = [
        r for r in caplog.records if r.name.startswith(("celery", "kombu")) and r.levelno < logging.ERROR
    ]
    assert noisy == []
    assert logging.getLogger("celery.app.trace").level == logging.NOTSET  # and put back after


def test_compare_movement_and_moderation_can_be_seen():
    """Each partnership has an earlier, closed cycle to compare with, and
    several returns of the current cycle are evaluated."""
    seed()

    for partnership_spec in demo.PARTNERSHIPS:
        partnership = Partnership.objects.get(slug=partnership_spec.slug)
        current = AuditCycle.objects.get(partnership=partnership, slug="s11-2026")
        earlier = AuditCycle.objects.get(partnership=partnership, slug=partnership_spec.earlier_cycle.slug)
        assert earlier.status == "closed"
        assert earlier.closes_at < current.opens_at
        assert earlier.question_set == current.question_set
        assert list(cycle_compare_choices(partnership=partnership, cycle=current)) == [earlier]
        submitted = earlier.submissions.filter(status=SubmissionStatus.SUBMITTED)
        assert submitted.count() >= 0.6 * partnership.agencies.count()
        assert not earlier.submissions.exclude(status=SubmissionStatus.SUBMITTED).exists()
        # submitted while the cycle was open, through the services
        for submission in submitted:
            assert earlier.opens_at <= submission.submitted_at < earlier.closes_at
            assert submission.events.filter(verb="submission.submitted").count() == 1

        comparison = cycle_comparison(partnership=partnership, cycle=current, previous=earlier)
        movements = Counter()
        for theme in comparison.summary:
            movements.update(theme.counts)
        assert movements[Movement.IMPROVED] and movements[Movement.WORSE], movements

    for slug in ("csap", "sheffield"):
        reviews = SubmissionReview.objects.filter(
            submission__partnership__slug=slug,
            submission__cycle__slug="s11-2026",
            evaluated_at__isnull=False,
        ).select_related("submission__agency")
        assert reviews.count() >= 2, slug
        for review in reviews:
            submission = review.submission
            assert review.outcome == demo.EVALUATIONS[submission.agency.name][0]
            moderations = ThemeModeration.objects.filter(submission=submission)
            assert moderations.count() == submission.theme_responses.count()
            own = dict(submission.theme_responses.values_list("theme_id", "rag"))
            # mostly agreeing, one theme moderated down, each with a comment
            assert sum(m.rag != own[m.theme_id] for m in moderations) == 1
            assert all(m.comment for m in moderations)
            assert submission.events.filter(verb="review.confirmed").count() == 1
            assert OutboundEmail.objects.filter(
                submission=submission, kind=OutboundEmail.Kind.OUTCOME
            ).exists()


def test_every_organisation_member_signs_in_with_the_printed_url_and_sees_both_partnerships():
    from urllib.parse import urlsplit

    from organisations.models import OrganisationMembership

    lines = [line for line in seed() if line.startswith("organisation ")]
    assert (
        len(lines)
        == OrganisationMembership.objects.count()
        == sum(len(o.members) for o in demo.ORGANISATIONS)
    )
    assert {o.kind for o in demo.ORGANISATIONS} >= {"police", "nhs", "probation"}
    for line in lines:
        assert ORGANISATION_LINE.match(line), line
        _, email, url = line.split(" ")
        client = Client()
        client.get(urlsplit(url).path)
        membership = OrganisationMembership.objects.select_related("organisation").get(email=email)
        body = client.get(reverse("organisation_home", args=[membership.organisation_id])).content.decode()
        for spec in demo.PARTNERSHIPS:
            assert escape(spec.name) in body, (email, spec.name)
    # The police force's standing draft was filled from one of its answered returns.
    assert StandingDraftTheme.objects.filter(draft__organisation__name=demo.ORGANISATIONS[0].name).exists()


def test_each_partnership_has_a_report_showing_movement_and_moderation():
    """A board report of every section, seeded, shows movement since the
    earlier cycle and moderated ratings straight away; Sheffield's summary
    for children is published."""
    from reports.models import ChildSummary, Report
    from reports.selectors import report_figures

    seed()
    for partnership_spec in demo.PARTNERSHIPS:
        partnership = Partnership.objects.get(slug=partnership_spec.slug)
        [report] = Report.objects.filter(partnership=partnership)
        assert report.good_practice and report.concerns
        f = report_figures(partnership=partnership, cycle=report.cycle, sections=report.sections)
        assert f.movement.previous.slug == partnership_spec.earlier_cycle.slug
        assert sum(t.improved + t.worse for t in f.movement.themes) > 0
        assert sum(t.moderated.rated for t in f.themes) > 0
        assert sum(t.moderated_down for t in f.themes) > 0
    assert ChildSummary.objects.get(partnership__slug="sheffield").is_published
    assert not ChildSummary.objects.filter(partnership__slug="csap").exists()


@pytest.mark.django_db(transaction=True)
def test_sheffield_has_a_held_meeting_with_actions_and_an_escalation_and_a_scheduled_one():
    """One meeting held (attendance, agreed actions on an agency's plan, an
    escalation to the executive board), one scheduled with an independent
    scrutineer invited, whose printed link opens that meeting: the seed
    commits here, so the invitations are sent (each minting the outsider a
    new link) before the printed one is made."""
    from django.test import Client

    from audits.models import PanelMember, ReviewMeeting

    lines = seed()
    held = ReviewMeeting.objects.get(partnership__slug="sheffield", status="held")
    assert held.actions.filter(submission__isnull=False).exists() and held.escalations.exists()
    assert set(held.panel.values_list("attendance", flat=True)) == {"attended", "apologies"}
    scheduled = ReviewMeeting.objects.get(partnership__slug="sheffield", status="scheduled")
    outsider = PanelMember.objects.get(meeting=scheduled, is_outsider=True)
    assert outsider.invited_sequence == scheduled.sequence
    [line] = [line for line in lines if line.startswith("panel ")]
    url = line.split(" ")[2]
    client = Client()
    assert client.get(url.removeprefix(settings.BASE_URL)).status_code == 302
    page = client.get("/sheffield/panel/")
    assert page.status_code == 200 and outsider.name in page.content.decode()
