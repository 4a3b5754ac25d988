"""Action plans where staff review: the return's review page shows the
agency's plan (overdue actions marked) and links to the full plan and the
submitted PDF copies; a meeting's record shows the plan of each return it
discussed, in a constant number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audits.models import ActionItem, ActionStatus, Rag
from audits.services.actions import ActionItemData, action_item_add, action_update_record
from audits.services.review import meeting_save
from partnerships.models import StaffRole
from tests.factories import SubmissionFactory, submission_complete, theme_save, two_partnerships
from tests.staff import staff_client, staff_url, staff_user

from .review_support import SUBMITTER, reviewer_actor, submit

pytestmark = pytest.mark.django_db


def add(submission, theme, action, **overrides):
    fields = {
        "action": action,
        "lead_person": "Head of HR",
        "target_date": timezone.localdate() + timedelta(days=60),
        "success_criteria": "Every manager trained",
    }
    fields.update(overrides)
    return action_item_add(submission=submission, theme=theme, data=ActionItemData(**fields), actor=SUBMITTER)


def planned_return(world, label: str):
    """A complete return, theme 1 rated Amber with two actions (one of them
    overdue, one with a progress update), submitted."""
    submission = world.submission if label == "own" else SubmissionFactory(cycle=world.cycle)
    submission_complete(submission)
    first = world.question_set.themes.order_by("order").first()
    theme_save(submission, first, value="no", rag=Rag.AMBER, comments="Gaps.")
    add(submission, first, f"Train managers ({label})")
    late = add(submission, first, f"Publish the procedure ({label})")
    # Past its date already (the database refuses changes once submitted).
    ActionItem.objects.filter(pk=late.pk).update(target_date=timezone.localdate() - timedelta(days=2))
    submission = submit(submission)
    item = ActionItem.objects.get(action=f"Train managers ({label})")
    action_update_record(
        item=item, progress=f"Half trained ({label}).", status=ActionStatus.IN_PROGRESS, actor=SUBMITTER
    )
    return submission


@pytest.fixture
def worlds():
    return two_partnerships()


@pytest.fixture
def a(worlds):
    a = worlds.a
    a.submission = planned_return(a, "own")
    return a


def test_the_review_page_shows_the_agencys_action_plan(client, a):
    viewer = staff_client(client, a.partnership, StaffRole.READ_ONLY)
    reference = a.submission.reference
    html = viewer.get(staff_url(a.partnership, "staff_return_review", reference=reference)).content.decode()

    plan = html[html.index('id="action-plan"') :]
    assert "Train managers (own)" in plan and "Publish the procedure (own)" in plan
    assert "Half trained (own)." in plan
    assert "Every manager trained" in plan  # success criteria
    # The overdue action is marked, by a word as well as the row's colour.
    assert plan.count("s11-action-row--overdue") == 1
    row = plan[plan.index("s11-action-row--overdue") :]
    assert row.index("Publish the procedure (own)") < row.index("Overdue") < row.index("</tr>")
    assert "2 actions" in html and "1 overdue" in html
    assert staff_url(a.partnership, "staff_action_plan", reference=reference) in html
    assert staff_url(a.partnership, "staff_return_pdf_list", reference=reference) in html
    # Still read-only.
    assert "<textarea" not in html and "<select" not in html


def test_the_review_page_of_a_return_not_yet_submitted_has_no_pdf_link(client, worlds):
    b = worlds.b
    viewer = staff_client(client, b.partnership, StaffRole.READ_ONLY)
    reference = b.submission.reference
    html = viewer.get(staff_url(b.partnership, "staff_return_review", reference=reference)).content.decode()
    assert staff_url(b.partnership, "staff_return_pdf_list", reference=reference) not in html
    assert "0 actions" in html and "No action items." in html


def test_a_meeting_record_shows_each_discussed_returns_action_plan(client, a, worlds):
    second = planned_return(a, "second")
    quiet = SubmissionFactory(cycle=a.cycle)
    submission_complete(quiet)
    quiet = submit(quiet)
    actor = reviewer_actor(staff_user(a.partnership))

    def save(submissions, meeting=None):
        return meeting_save(
            partnership=a.partnership,
            cycle=a.cycle,
            meeting=meeting,
            kind="scrutiny",
            held_on=date(2026, 3, 27),
            panel_members="Jo Chair",
            notes="",
            submissions=submissions,
            actions=[],
            actor=actor,
        )

    meeting = save([a.submission])
    viewer = staff_client(client, a.partnership, StaffRole.READ_ONLY)
    page_url = staff_url(a.partnership, "staff_cycle_meeting", cycle_slug=a.cycle.slug, meeting_id=meeting.pk)
    viewer.get(page_url)
    with CaptureQueriesContext(connection) as one:
        viewer.get(page_url)

    save([a.submission, second, quiet], meeting=meeting)
    with CaptureQueriesContext(connection) as three:
        html = viewer.get(page_url).content.decode()
    assert len(one) == len(three)

    plans = html[html.index('id="action-plans"') :]
    for label, submission in (("own", a.submission), ("second", second)):
        assert f"Train managers ({label})" in plans and f"Half trained ({label})." in plans
        assert staff_url(a.partnership, "staff_action_plan", reference=submission.reference) in plans
    assert plans.count("s11-action-row--overdue") == 2
    assert staff_url(a.partnership, "staff_action_plan", reference=quiet.reference) in plans
    assert "No action items." in plans
    # Each return's plan holds only its own items.
    own = plans[plans.index(f'id="plan-{a.submission.pk}"') :]
    own = own[: own.index("</section>")]
    assert "Train managers (own)" in own and "(second)" not in own
