"""A theme carried forward from last cycle must be confirmed (or changed)
before the return is submitted, under either incomplete-theme policy: it is
a gap on "check your answers", with a link to the theme, and saving the theme
as it is confirms it."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits.models import IncompletePolicy, Submission, SubmissionStatus, ThemeResponse
from audits.services import SubmissionIncompleteError, resume_link_create, submission_submit
from audits.services.cycles import submission_carry_forward
from audits.services.submit import submission_gaps, submission_gaps_block
from core.domain import Actor
from tests.factories import (
    AuditCycleFactory,
    SubmissionFactory,
    submission_complete,
    theme_save,
    two_partnerships,
)
from themes.models import Question

pytestmark = pytest.mark.django_db

AGENCY = Actor(name="Sam Agency", email="sam@alpha-council.example")


def url(world, name, **kwargs):
    return reverse(name, kwargs={"partnership_slug": world.partnership.slug, **kwargs})


def _carried_world(policy: str):
    """A's agency answered every theme of the world's cycle (Green, all Yes,
    one theme Amber with a plan); a later cycle on the same set carries
    those answers into the agency's new return."""
    w = two_partnerships().a
    submission_complete(w.submission)
    themes = list(w.question_set.themes.order_by("order"))
    theme_save(w.submission, themes[1], rag="amber", comments="Training booked for May.")
    now = timezone.now()
    w.next_cycle = AuditCycleFactory(
        partnership=w.partnership,
        question_set=w.question_set,
        slug="s11-2027",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=30),
        incomplete_policy=policy,
    )
    w.next_return = SubmissionFactory(cycle=w.next_cycle, agency=w.agency)
    submission_carry_forward(submission=w.next_return, source=w.submission, actor=AGENCY)
    w.themes = themes
    return w


@pytest.fixture(params=[IncompletePolicy.DEFAULT_RED, IncompletePolicy.BLOCK])
def world(request):
    return _carried_world(request.param)


def _fresh(submission):
    return Submission.objects.select_related("cycle").get(pk=submission.pk)


def test_each_unconfirmed_carried_forward_theme_is_a_gap_that_blocks(world):
    submission = _fresh(world.next_return)
    gaps = submission_gaps(submission=submission)
    assert [g.theme for g in gaps] == world.themes
    assert all(g.unconfirmed and not g.incomplete for g in gaps)
    assert submission_gaps_block(submission=submission, gaps=gaps)
    with pytest.raises(SubmissionIncompleteError, match="Confirm or change last cycle's answers"):
        submission_submit(
            submission=submission,
            submitted_by=AGENCY,
            signed_off_by_name="Alex Director",
            signed_off_by_role="Director",
            expected_version=submission.version,
        )
    submission = _fresh(submission)
    assert submission.status == SubmissionStatus.NOT_STARTED
    # Nothing was given a default Red, and every theme is still carried forward.
    assert not ThemeResponse.objects.filter(submission=submission, rag_defaulted=True).exists()
    assert ThemeResponse.objects.filter(submission=submission, carried_forward=False).count() == 0


def test_a_confirmed_theme_is_no_longer_a_gap(world):
    ThemeResponse.objects.filter(submission=world.next_return, theme=world.themes[0]).update(
        carried_forward=False
    )
    gaps = submission_gaps(submission=_fresh(world.next_return))
    assert [g.theme for g in gaps] == world.themes[1:]


class _FormValues(HTMLParser):
    """What a browser would send for the theme form as it stands: checked
    radios, hidden inputs and the textarea."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and not a.get("form"):
            if a.get("type") == "hidden" or (a.get("type") == "radio" and "checked" in a):
                self.data[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def _as_is(page: str) -> dict:
    parser = _FormValues()
    parser.feed(page)
    parser.data.pop("csrfmiddlewaretoken", None)
    return {**parser.data, "action": "continue"}


def test_check_answers_links_each_theme_to_confirm_and_saving_as_is_confirms_it(world):
    client = Client()
    _, link = resume_link_create(submission=world.next_return, name="Sam", email=AGENCY.email, mint=True)
    assert client.get(link.split("127.0.0.1:8000", 1)[-1]).status_code == 302

    page = client.get(url(world, "check_answers")).content.decode()
    for theme in world.themes:
        href = url(world, "theme", theme_key=theme.key)
        text = f"Confirm or change last cycle's answers for {theme.title}"
        assert f'<a class="govuk-link" href="{href}">{text}</a>' in page
    assert "You must confirm or change the answers carried forward" in page
    assert "will be rated Red" not in page  # nothing is incomplete
    assert 'name="signed_off_by_name"' not in page  # no way to submit yet

    # A posted submission is refused too, with the error summary.
    response = client.post(
        url(world, "check_answers"),
        {
            "version": world.next_return.version,
            "signed_off_by_name": "A",
            "signed_off_by_role": "B",
            "confirm": "on",
        },
    )
    assert response.status_code == 200
    assert "Confirm or change last cycle" in response.content.decode()
    assert _fresh(world.next_return).status == SubmissionStatus.NOT_STARTED

    # The agency opens each theme, changes nothing, and saves it.
    for theme in world.themes:
        theme_url = url(world, "theme", theme_key=theme.key)
        page = client.get(theme_url).content.decode()
        assert 'id="carried-forward"' in page and "save the theme as it is" in page
        before = ThemeResponse.objects.get(submission=world.next_return, theme=theme)
        response = client.post(theme_url, _as_is(page))
        assert response.status_code == 302, response.content.decode()
        after = ThemeResponse.objects.get(submission=world.next_return, theme=theme)
        assert not after.carried_forward
        assert (after.rag, after.comments) == (before.rag, before.comments)

    page = client.get(url(world, "check_answers")).content.decode()
    assert "Confirm or change last cycle" not in page
    assert 'name="signed_off_by_name"' in page
    submission = _fresh(world.next_return)
    response = client.post(
        url(world, "check_answers"),
        {
            "version": submission.version,
            "signed_off_by_name": "A",
            "signed_off_by_role": "B",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    assert _fresh(world.next_return).status == SubmissionStatus.SUBMITTED


def test_an_incomplete_carried_theme_says_both(world):
    """A question new this cycle (unanswered) in a carried-forward theme:
    the gap asks to confirm the theme and says what is missing."""
    theme = world.themes[2]
    Question.objects.create(theme=theme, key="q-new", text="A new question", order=99)
    gaps = {g.theme: g for g in submission_gaps(submission=_fresh(world.next_return))}
    assert gaps[theme].unconfirmed and gaps[theme].unanswered == 1
    client = Client()
    _, link = resume_link_create(submission=world.next_return, name="Sam", email=AGENCY.email, mint=True)
    client.get(link.split("127.0.0.1:8000", 1)[-1])
    page = client.get(url(world, "check_answers")).content.decode()
    assert f"Confirm or change last cycle's answers for {theme.title}</a>: 1 question not answered" in page
    blocking = "You must answer every question and rate every theme before you can submit."
    rated_red = "Themes still incomplete when you submit will be rated Red"
    if world.next_cycle.incomplete_policy == IncompletePolicy.BLOCK:
        assert blocking in page and rated_red not in page
    else:
        assert rated_red in page and blocking not in page
