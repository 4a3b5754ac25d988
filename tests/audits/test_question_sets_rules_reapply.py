"""Question-set rules and the returns they make (issue 17 item 3).

"Start the next cycle" carries last cycle's rules forward (on the newest
version of each set) for the admin to keep, change or drop, and to add one,
before any return is made: each return starts on its group's set, with its
last answers carried onto that set. Rules changed later move the returns
nobody has started (no theme saved, no evidence, no action), carried answers
carried again; a return someone has started keeps its set."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audits.models import (
    Answer,
    AuditCycle,
    CycleQuestionSet,
    Evidence,
    Submission,
    SubmissionStatus,
    ThemeResponse,
)
from audits.selectors.question_sets import cycle_agency_question_sets
from audits.services.cycles import CycleSettings, cycle_start_from_previous
from audits.services.question_sets import cycle_question_set_assign, cycle_question_set_unassign
from core.domain import Actor
from core.models import AuditEvent
from partnerships.models import Sector, StaffRole
from tests.factories import (
    AgencyFactory,
    AuditCycleFactory,
    PartnershipFactory,
    QuestionSetFactory,
    SubmissionFactory,
    question_set_with_questions,
    theme_save,
)
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db

STAFF = Actor(name="Amira Admin", email="admin@partnership.example")


def _dt(prefix, day, month, year, at):
    return {f"{prefix}_0": day, f"{prefix}_1": month, f"{prefix}_2": year, f"{prefix}_3": at}


@pytest.fixture
def last_cycle():
    """A closed cycle: statutory agencies on the main tool, the voluntary
    sector on its own set by a rule, one police force on a set of its own;
    each agency answered every question Yes. Since then the voluntary set
    has a version 2 (same keys)."""
    partnership = PartnershipFactory(slug="rules")
    main = question_set_with_questions(partnership, themes=2, questions=2, name="Main tool")
    voluntary = question_set_with_questions(partnership, themes=2, questions=2, name="Voluntary tool")
    police_only = question_set_with_questions(partnership, themes=2, questions=2, name="Police tool")
    now = timezone.now()
    cycle = AuditCycleFactory(
        partnership=partnership,
        question_set=main,
        slug="last",
        title="Last cycle",
        opens_at=now - timedelta(days=90),
        closes_at=now + timedelta(days=1),
    )
    council = AgencyFactory(partnership=partnership, name="Borough Council", sector=Sector.LOCAL_AUTHORITY)
    charity = AgencyFactory(partnership=partnership, name="Little Charity", sector=Sector.VOLUNTARY)
    police = AgencyFactory(partnership=partnership, name="County Police", sector=Sector.POLICE)
    CycleQuestionSet.objects.create(
        partnership=partnership, cycle=cycle, question_set=voluntary, sector="voluntary"
    )
    CycleQuestionSet.objects.create(
        partnership=partnership, cycle=cycle, question_set=police_only, agency=police
    )
    for agency, question_set in ((council, main), (charity, voluntary), (police, police_only)):
        submission = SubmissionFactory(cycle=cycle, agency=agency, question_set=question_set)
        for theme in question_set.themes.all():
            theme_save(submission, theme)
    AuditCycle.objects.filter(pk=cycle.pk).update(closes_at=now - timedelta(days=2))
    voluntary_v2 = QuestionSetFactory(
        partnership=partnership, name="Voluntary tool", version=2, previous_version=voluntary, themes=2,
        themes__questions=2,
    )  # fmt: skip
    return {
        "partnership": partnership,
        "cycle": cycle,
        "main": main,
        "voluntary": voluntary,
        "voluntary_v2": voluntary_v2,
        "police_only": police_only,
        "council": council,
        "charity": charity,
        "police": police,
    }


def _next_post(w, **extra):
    return {
        "title": "Next cycle",
        "slug": "next",
        "question_set": str(w["main"].pk),
        **_dt("opens_at", "1", "4", "2027", "9am"),
        **_dt("closes_at", "30", "6", "2027", "5pm"),
        "reminder_days": "14, 7",
        "action_items_required": "no",
        "action_update_months": "6",
        "carry_answers": "yes",
        **extra,
    }


def test_start_next_cycle_edits_the_rules_before_the_returns_are_made(last_cycle):
    w = last_cycle
    admin = staff_client(Client(), w["partnership"], StaffRole.ADMIN)
    url = staff_url(w["partnership"], "staff_cycle_admin_next", cycle_slug="last")
    page = admin.get(url).content.decode()
    assert "Question sets for groups of agencies" in page
    # Last cycle's rules, each on the newest version of its set.
    fields = dict(
        re.findall(r'<label class="govuk-label govuk-label--s" for="id_(rule_\d)">([^<]+)</label>', page)
    )
    assert sorted(fields.values()) == ["County Police", "Sector: Voluntary, community or faith organisation"]
    by_label = {label: name for name, label in fields.items()}
    voluntary_field = by_label["Sector: Voluntary, community or faith organisation"]
    assert re.search(
        rf'name="{voluntary_field}".*?<option value="{w["voluntary_v2"].pk}" selected>', page, re.S
    )
    assert "a return someone has started keeps the set it was started on" in page
    # Keep the voluntary rule (on version 2), drop the police one, add one for the council.
    response = admin.post(
        url,
        _next_post(
            w,
            **{
                voluntary_field: str(w["voluntary_v2"].pk),
                by_label["County Police"]: "",
                "new_rule_group": f"agency:{w['council'].pk}",
                "new_rule_question_set": str(w["police_only"].pk),
            },
        ),
    )
    assert response.status_code == 302, re.findall(r"<li>.*?</li>", response.content.decode())
    cycle = AuditCycle.objects.get(partnership=w["partnership"], slug="next")
    rules = {(r.sector, r.agency_id): r.question_set for r in cycle.question_set_rules.all()}
    assert rules == {("voluntary", None): w["voluntary_v2"], ("", w["council"].pk): w["police_only"]}
    returns = {s.agency: s for s in cycle.submissions.all()}
    assert returns[w["charity"]].question_set == w["voluntary_v2"]
    assert returns[w["council"]].question_set == w["police_only"]
    assert returns[w["police"]].question_set == w["main"]
    # Made on the right set from the start: last answers carried onto it, matched by key.
    for agency, submission in returns.items():
        answers = Answer.objects.filter(submission=submission)
        assert answers.count() == 4, agency
        assert set(answers.values_list("question__theme__question_set", flat=True)) == {
            submission.question_set_id
        }
    # The rules were on the record before the first return was made.
    first_return = AuditEvent.objects.filter(verb="submission.created", submission__cycle=cycle).order_by(
        "pk"
    )[0]
    assert AuditEvent.objects.filter(verb="cycle.question_set_assigned", pk__lt=first_return.pk).count() == 2


def test_without_the_form_the_previous_rules_are_carried_on_the_newest_versions(last_cycle):
    w = last_cycle
    cycle = cycle_start_from_previous(
        previous=w["cycle"],
        slug="next",
        settings=CycleSettings(
            title="Next",
            question_set=w["main"],
            opens_at=timezone.now() + timedelta(days=5),
            closes_at=timezone.now() + timedelta(days=50),
        ),
        actor=STAFF,
    )
    rules = {(r.sector, r.agency_id): r.question_set for r in cycle.question_set_rules.all()}
    assert rules == {("voluntary", None): w["voluntary_v2"], ("", w["police"].pk): w["police_only"]}


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"new_rule_group": "sector:police"}, "new_rule_question_set",
         "Select the question set these agencies answer"),
        ({"new_rule_question_set": "PK"}, "new_rule_group", "Select which agencies answer this question set"),
        ({"new_rule_group": "sector:voluntary", "new_rule_question_set": "PK"}, "new_rule_group",
         "Those agencies have a rule above already. Change that one instead"),
        ({"new_rule_group": "agency:999999999", "new_rule_question_set": "PK"}, "new_rule_group",
         "Select which agencies answer this question set from the list"),
        ({"rule_0": "<script>"}, "rule_0", "Select a question set for"),
    ],
)  # fmt: skip
def test_bad_rule_choices_get_errors_and_keep_what_was_chosen(last_cycle, extra, field, message):
    w = last_cycle
    admin = staff_client(Client(), w["partnership"], StaffRole.ADMIN)
    url = staff_url(w["partnership"], "staff_cycle_admin_next", cycle_slug="last")
    data = _next_post(w, **{k: (str(w["main"].pk) if v == "PK" else v) for k, v in extra.items()})
    # Most specific first: rule_0 is County Police's, rule_1 the voluntary sector's.
    data.setdefault("rule_0", str(w["police_only"].pk))
    data.setdefault("rule_1", str(w["voluntary_v2"].pk))
    response = admin.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#id_{field}">{message}' in html
    assert 'class="govuk-error-summary"' in html
    assert 'value="Next cycle"' in html  # what was typed is kept
    assert not AuditCycle.objects.filter(slug="next").exists()  # nothing half-made


@pytest.fixture
def open_cycle():
    """An open cycle with three voluntary-sector returns: one untouched,
    one with answers carried forward and not yet confirmed, one where
    someone saved a theme; and a fourth with only evidence added."""
    partnership = PartnershipFactory(slug="later")
    main = question_set_with_questions(partnership, themes=2, questions=2, name="Main tool")
    voluntary = question_set_with_questions(partnership, themes=2, questions=2, name="Voluntary tool")
    cycle = AuditCycleFactory(partnership=partnership, question_set=main, slug="open")
    agencies = [
        AgencyFactory(partnership=partnership, name=name, sector=Sector.VOLUNTARY)
        for name in ("Untouched", "Carried", "Started", "Evidence only")
    ]
    returns = {a.name: SubmissionFactory(cycle=cycle, agency=a, question_set=main) for a in agencies}
    # Carried: last cycle's answers on the main tool, not yet confirmed.
    earlier = AuditCycleFactory(
        partnership=partnership,
        question_set=main,
        slug="earlier",
        opens_at=cycle.opens_at - timedelta(days=400),
        closes_at=cycle.opens_at - timedelta(days=300),
    )
    source = SubmissionFactory(cycle=earlier, agency=agencies[1], question_set=main)
    from audits.services.carry_forward import submission_carry_forward

    for theme in main.themes.all():
        ThemeResponse.objects.create(submission=source, theme=theme, rag="green", comments="Kept")
        for question in theme.questions.all():
            Answer.objects.create(submission=source, question=question, value="yes")
    submission_carry_forward(submission=returns["Carried"], source=source, actor=STAFF)
    theme_save(returns["Started"], main.themes.first())
    Evidence.objects.create(
        submission=returns["Evidence only"], theme=main.themes.first(), kind="link", token="t" * 32,
        url="https://example.org/policy",
    )  # fmt: skip
    return {
        "partnership": partnership,
        "cycle": cycle,
        "main": main,
        "voluntary": voluntary,
        "returns": returns,
    }


def test_a_rule_changed_later_moves_only_returns_nobody_has_started(open_cycle):
    w = open_cycle
    rule = cycle_question_set_assign(
        cycle=w["cycle"], question_set=w["voluntary"], sector="voluntary", actor=STAFF
    )
    sets = {name: Submission.objects.get(pk=s.pk).question_set for name, s in w["returns"].items()}
    assert sets == {
        "Untouched": w["voluntary"],
        "Carried": w["voluntary"],
        "Started": w["main"],  # someone saved a theme
        "Evidence only": w["main"],  # someone added evidence
    }
    # The carried answers were carried again onto the new set, still to confirm.
    carried = Submission.objects.get(pk=w["returns"]["Carried"].pk)
    assert carried.status == SubmissionStatus.NOT_STARTED and carried.carried_from_id
    responses = ThemeResponse.objects.filter(submission=carried)
    assert responses.count() == 2 and all(
        r.carried_forward and r.theme.question_set == w["voluntary"] for r in responses
    )
    assert (
        Answer.objects.filter(submission=carried, question__theme__question_set=w["voluntary"]).count() == 4
    )
    assert not Answer.objects.filter(submission=carried, question__theme__question_set=w["main"]).exists()
    assert AuditEvent.objects.filter(verb="submission.question_set_changed").count() == 2
    # The started return's answers are untouched.
    started = w["returns"]["Started"]
    assert Answer.objects.filter(submission=started, question__theme__question_set=w["main"]).count() == 2
    # Removing the rule moves the unstarted ones back; the started ones stay.
    cycle_question_set_unassign(rule=rule, actor=STAFF)
    sets = {name: Submission.objects.get(pk=s.pk).question_set for name, s in w["returns"].items()}
    assert set(sets.values()) == {w["main"]}
    rows = {
        r.agency.name: r for r in cycle_agency_question_sets(partnership=w["partnership"], cycle=w["cycle"])
    }
    assert rows["Started"].started and rows["Evidence only"].started
    assert not rows["Untouched"].started and not rows["Carried"].started


def test_the_rules_page_says_which_returns_follow(open_cycle):
    w = open_cycle
    admin = staff_client(Client(), w["partnership"], StaffRole.ADMIN)
    page = admin.get(
        staff_url(w["partnership"], "staff_question_set_cycle", cycle_slug="open")
    ).content.decode()
    assert "the returns nobody has started yet (no theme saved, no evidence, no action) move" in page
    assert "A return someone has started keeps the set it was started on" in page
    assert page.count("Return started on this set: it keeps it") == 2
