"""The agency journey through the Django test client: start, the emailed
link, theme pages, save and come back later, check answers, submit."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audits.models import Answer, ResumeLink, SubmissionStatus, ThemeResponse
from audits.services import resume_link_create
from audits.services.actions import ActionItemData, action_item_add
from core.models import AuditEvent, OutboundEmail
from tests.factories import CONTRIBUTOR, two_partnerships

TINY_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"partnership_slug": world.partnership.slug, **kwargs})


def link_from_last_email():
    body = mail.outbox[-1].body
    match = re.search(r"https?://\S+/r/[\w-]+/", body)
    assert match, body
    return match.group(0)


def open_return(client, world, name="Sam Alpha", email=None):
    email = email or world.contact.email
    _, link_url = resume_link_create(submission=world.submission, name=name, email=email, mint=True)
    response = client.get(link_url.split("127.0.0.1:8000", 1)[-1])
    assert response.status_code == 302
    return response


def theme_post(theme, version, answers="yes", rag="green", comments="", action="continue", **extra):
    data = {"version": version, "rag": rag, "comments": comments, "action": action, **extra}
    for question in theme.questions.all():
        data[f"q_{question.pk}"] = answers
    return data


def _committing(client, capture):
    """Run each request's on-commit callbacks (outbox sends), as a real
    request's committed transaction would."""
    original = client.request

    def request(**kwargs):
        with capture(execute=True):
            return original(**kwargs)

    client.request = request
    return client


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    return _committing(client, django_capture_on_commit_callbacks)


@pytest.fixture
def other_client(django_capture_on_commit_callbacks):
    from django.test import Client

    return _committing(Client(), django_capture_on_commit_callbacks)


@pytest.fixture
def world():
    return two_partnerships().a


def test_start_page_shows_window_in_uk_time_and_question_list(client, world):
    world.cycle.opens_at = timezone.make_aware(timezone.datetime(2026, 3, 2, 8, 0))
    world.cycle.closes_at = timezone.now() + timedelta(days=10)
    world.cycle.save()
    page = client.get(url(world, "cycle_start", cycle_slug=world.cycle.slug))
    assert page.status_code == 200
    assert "8am on Monday 2 March 2026" in page.content.decode()
    assert "Start now" in page.content.decode()
    questions = client.get(url(world, "question_list", cycle_slug=world.cycle.slug)).content.decode()
    for theme in world.question_set.themes.all():
        assert theme.title in questions
        assert theme.red_descriptor in questions


def test_start_emails_a_link_that_opens_the_return_without_the_token_in_the_url(client, world):
    start = url(world, "cycle_start_form", cycle_slug=world.cycle.slug)
    response = client.post(
        start, {"agency": world.agency.pk, "name": "Sam Alpha", "email": world.contact.email}
    )
    assert response.status_code == 302
    assert response["Location"] == url(world, "check_email")
    link = link_from_last_email()
    assert mail.outbox[-1].to == [f"Sam Alpha <{world.contact.email}>"]
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert len(token) >= 22  # 128 bits or more, URL-safe base64
    assert not ResumeLink.objects.filter(token_hash=token).exists()
    followed = client.get(link.split("127.0.0.1:8000", 1)[-1])
    assert followed.status_code == 302
    assert followed["Location"] == url(world, "task_list")
    assert followed["Referrer-Policy"] == "no-referrer"
    assert token not in followed["Location"]
    task_list = client.get(followed["Location"])
    assert task_list.status_code == 200
    assert world.agency.name in task_list.content.decode()


def test_start_form_errors_keep_what_was_typed(client, world):
    response = client.post(
        url(world, "cycle_start_form", cycle_slug=world.cycle.slug),
        {"agency": "", "name": "Sam Alpha", "email": "not-an-email"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Select your organisation" in html
    assert "Enter an email address in the correct format" in html
    assert 'value="Sam Alpha"' in html and 'value="not-an-email"' in html
    assert "<title>Error:" in html
    assert "govuk-input--error" in html


def test_start_form_select_is_enhanced_only_by_static_scripts(client, world):
    """The organisation select is a plain select (it works without
    JavaScript), marked for the type-ahead enhancement, whose scripts are
    static files: no inline script for the Content Security Policy to allow."""
    page = client.get(url(world, "cycle_start_form", cycle_slug=world.cycle.slug)).content.decode()
    select = re.search(r"<select[^>]*>", page).group(0)
    assert 'id="id_agency"' in select and 'name="agency"' in select and "data-s11-autocomplete" in select
    assert f'<option value="{world.agency.pk}">{world.agency.name}</option>' in page
    vendored = "/static/accessible-autocomplete/accessible-autocomplete.min"
    assert f'<script src="{vendored}.js" defer></script>' in page
    assert '<script src="/static/js/autocomplete.js" defer></script>' in page
    assert f'href="{vendored}.css"' in page


def test_start_form_does_not_offer_another_partnerships_agency(client):
    a, b = two_partnerships()
    response = client.post(
        url(a, "cycle_start_form", cycle_slug=a.cycle.slug),
        {"agency": b.agency.pk, "name": "Eve", "email": "eve@example.org"},
    )
    assert response.status_code == 200
    assert "Select your organisation from the list" in response.content.decode()
    assert not mail.outbox


def test_theme_save_and_continue_goes_to_the_next_theme(client, world):
    open_return(client, world)
    themes = list(world.question_set.themes.order_by("order"))
    response = client.post(url(world, "theme", theme_key=themes[0].key), theme_post(themes[0], 0))
    assert response.status_code == 302
    assert (
        response["Location"] == url(world, "theme", theme_key=themes[1].key) + "#main-content"
    )  # the top, whatever the form's address ended in
    assert Answer.objects.filter(submission=world.submission).count() == themes[0].questions.count()
    world.submission.refresh_from_db()
    assert world.submission.status == SubmissionStatus.IN_PROGRESS
    event = AuditEvent.objects.get(verb="theme.saved")
    assert event.actor_name == "Sam Alpha" and event.detail["theme"] == themes[0].title


def test_theme_rules_show_errors_and_keep_input(client, world):
    open_return(client, world)
    theme = world.question_set.themes.order_by("order").first()
    data = theme_post(theme, 0, answers="na", rag="amber", comments="")
    response = client.post(url(world, "theme", theme_key=theme.key), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "how your organisation will improve" in html
    assert 'value="na" checked' in html
    assert re.search(r'value="amber"[^>]*checked', html)
    assert not Answer.objects.exists()


def test_file_chosen_on_a_page_with_errors_is_kept(client, world):
    open_return(client, world)
    theme = world.question_set.themes.order_by("order").first()
    pdf = _upload("policy.pdf", TINY_PDF)
    data = theme_post(theme, 0, rag="red", comments="", evidence_file=pdf)
    response = client.post(url(world, "theme", theme_key=theme.key), data)
    html = response.content.decode()
    assert "policy.pdf" in html and "not saved yet" in html
    assert "This file is not saved until you save the page" in html
    staged = re.search(r'name="staged" value="([\d,]+)"', html).group(1)
    data = theme_post(theme, 0, rag="red", comments="We will train staff by June.", staged=staged)
    response = client.post(url(world, "theme", theme_key=theme.key), data)
    assert response.status_code == 302
    item = world.submission.evidence.get()
    assert not item.staged and item.original_name == "policy.pdf"
    download = client.get(url(world, "evidence_download", token=item.token))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_held_file_survives_leaving_the_page_and_is_forgotten_once_saved(client, world):
    """Issue 18 item 11: the page says a held file is not saved yet, and
    keeps it for the session: leave for the task list, come back, and it is
    still there to save; after the save it is no longer held."""
    open_return(client, world)
    first, second = world.question_set.themes.order_by("order")[:2]
    data = theme_post(first, 0, rag="red", comments="", evidence_file=_upload("policy.pdf", TINY_PDF))
    html = client.post(url(world, "theme", theme_key=first.key), data).content.decode()
    assert "This file is not saved until you save the page" in html
    held = re.search(r'name="staged" value="([\d,]+)"', html).group(1)

    assert client.get(url(world, "task_list")).status_code == 200
    elsewhere = client.get(url(world, "theme", theme_key=second.key)).content.decode()
    assert "policy.pdf" not in elsewhere and 'name="staged" value=""' in elsewhere
    back = client.get(url(world, "theme", theme_key=first.key)).content.decode()
    assert "policy.pdf" in back and "This file is not saved until you save the page" in back
    assert f'name="staged" value="{held}"' in back

    data = theme_post(first, 0, rag="red", comments="We will train staff by June.", staged=held)
    assert client.post(url(world, "theme", theme_key=first.key), data).status_code == 302
    item = world.submission.evidence.get()
    assert not item.staged and item.original_name == "policy.pdf"
    again = client.get(url(world, "theme", theme_key=first.key)).content.decode()
    assert 'name="staged" value=""' in again and "not saved until" not in again
    assert "s11_staged_evidence" not in client.session or not client.session["s11_staged_evidence"]


def test_file_type_is_checked_from_content_not_name(client, world):
    open_return(client, world)
    theme = world.question_set.themes.order_by("order").first()
    fake = _upload("minutes.pdf", b"this is plain text pretending to be a PDF")
    data = theme_post(theme, 0, action="evidence", evidence_file=fake)
    response = client.post(url(world, "theme", theme_key=theme.key), data)
    assert response.status_code == 200
    assert "The selected file must be a PDF" in response.content.decode()
    assert not world.submission.evidence.exists()


def test_stale_save_is_refused_with_what_changed_and_input_kept(client, other_client, world):
    other = other_client
    open_return(client, world, name="Sam Alpha")
    open_return(other, world, name="Pat Colleague", email="pat@alpha-council.example")
    theme = world.question_set.themes.order_by("order").first()
    assert (
        other.post(
            url(world, "theme", theme_key=theme.key), theme_post(theme, 0, answers="no", rag="green")
        ).status_code
        == 302
    )
    response = client.post(
        url(world, "theme", theme_key=theme.key),
        theme_post(theme, 0, answers="yes", rag="green", comments="Mine"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pat Colleague saved this theme" in html
    assert 'value="yes" checked' in html and "Mine" in html
    assert set(Answer.objects.values_list("value", flat=True)) == {"no"}
    assert 'name="version" value="1"' in html  # saving again now overwrites, knowingly
    again = client.post(
        url(world, "theme", theme_key=theme.key),
        theme_post(theme, 1, answers="yes", rag="green", comments="Mine"),
    )
    assert again.status_code == 302
    assert set(Answer.objects.values_list("value", flat=True)) == {"yes"}


def test_save_and_come_back_later_emails_a_progression_link(client, world):
    open_return(client, world)
    theme = world.question_set.themes.order_by("order").first()
    response = client.post(url(world, "theme", theme_key=theme.key), theme_post(theme, 0, action="later"))
    assert response["Location"].startswith(url(world, "save_later"))
    form = client.get(response["Location"]).content.decode()
    assert 'value="Sam Alpha"' in form
    # Mid-journey: a success notification banner (GOV.UK keeps panels for the end of a transaction).
    assert "govuk-panel" not in form
    assert 'class="govuk-notification-banner govuk-notification-banner--success" role="alert"' in form
    assert "Your answers have been saved" in form
    assert "Your link to come back to your Section 11 return" in form
    mail.outbox.clear()
    missing = client.post(response["Location"], {"name": "Sam Alpha", "email": ""}).content.decode()
    # With an error the error summary takes focus, so no alert banner competes with it.
    assert "govuk-error-summary" in missing
    assert "govuk-notification-banner--success" not in missing
    response = client.post(response["Location"], {"name": "Sam Alpha", "email": "SAM@alpha-council.example"})
    assert response["Location"] == url(world, "saved") + "#main-content"
    assert mail.outbox[-1].subject == (
        f"Your link to come back to your Section 11 return – {world.partnership.name}"
    )
    assert mail.outbox[-1].alternatives  # HTML part as well as text
    assert mail.outbox[-1].reply_to == [world.partnership.reply_to]
    # The session ends; the emailed link opens the return again.
    assert client.get(url(world, "task_list"))["Location"] == url(world, "link_invalid")
    followed = client.get(link_from_last_email().split("127.0.0.1:8000", 1)[-1])
    assert followed["Location"] == url(world, "task_list")


def test_check_answers_then_submit_locks_the_return(client, world):
    open_return(client, world)
    themes = list(world.question_set.themes.order_by("order"))
    for theme in themes:
        client.post(url(world, "theme", theme_key=theme.key), theme_post(theme, 0))
    page = client.get(url(world, "check_answers"))
    html = page.content.decode()
    assert "Check your answers before submitting" in html
    assert html.count(">Change<") >= sum(t.questions.count() for t in themes)
    world.submission.refresh_from_db()
    data = {
        "version": world.submission.version,
        "signed_off_by_name": "Alex Director",
        "signed_off_by_role": "Director of Children's Services",
        "confirm": "on",
    }
    response = client.post(url(world, "check_answers"), data)
    assert response["Location"] == url(world, "confirmation") + "#main-content"
    again = client.post(url(world, "check_answers"), data)  # a replayed POST
    assert again["Location"] == url(world, "confirmation")
    assert AuditEvent.objects.filter(verb="submission.submitted").count() == 1
    confirmation = client.get(url(world, "confirmation")).content.decode()
    assert world.submission.reference in confirmation
    assert "Return submitted" in confirmation
    receipts = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.RECEIPT)
    assert receipts.count() == 1 and receipts.get().status == OutboundEmail.Status.SENT
    theme = themes[0]
    blocked = client.post(url(world, "theme", theme_key=theme.key), theme_post(theme, 1, answers="no"))
    assert blocked.status_code == 302
    assert not Answer.objects.filter(value="no").exists()


def test_incomplete_return_under_block_policy_cannot_be_submitted(client):
    world = two_partnerships(incomplete_policy="block").a
    open_return(client, world)
    page = client.get(url(world, "check_answers")).content.decode()
    assert "You must answer every question" in page
    assert "Submit your return" not in page
    response = client.post(
        url(world, "check_answers"),
        {"version": 1, "signed_off_by_name": "A", "signed_off_by_role": "B", "confirm": "on"},
    )
    assert response.status_code == 200
    world.submission.refresh_from_db()
    assert world.submission.status != SubmissionStatus.SUBMITTED


def test_incomplete_return_under_default_red_policy_says_so_and_rates_red(client, world):
    open_return(client, world)
    page = client.get(url(world, "check_answers")).content.decode()
    assert "will be rated Red" in page
    world.submission.refresh_from_db()
    client.post(
        url(world, "check_answers"),
        {
            "version": world.submission.version,
            "signed_off_by_name": "A",
            "signed_off_by_role": "B",
            "confirm": "on",
        },
    )
    assert set(ThemeResponse.objects.values_list("rag", "rag_defaulted")) == {("red", True)}


def test_after_submit_the_task_list_says_what_was_submitted(client, world):
    """Two themes answered (Green, Amber with an action) and one left part
    done, submitted under the default-Red policy: every entry of the task list
    now says what was submitted, and nothing still asks for work."""
    open_return(client, world)
    first, second, third = world.question_set.themes.order_by("order")
    client.post(url(world, "theme", theme_key=first.key), theme_post(first, 0))
    client.post(
        url(world, "theme", theme_key=second.key),
        theme_post(second, 0, rag="amber", comments="Training is late"),
    )
    action_item_add(
        submission=world.submission,
        theme=second,
        data=ActionItemData(
            action="Train every manager",
            lead_person="Head of HR",
            target_date=timezone.localdate() + timedelta(days=90),
            success_criteria="All trained",
        ),
        actor=CONTRIBUTOR,
    )
    assert ThemeResponse.objects.get(theme=second).rag == "amber"
    partial = {f"q_{q.pk}": "yes" for q in list(third.questions.all())[:1]}
    client.post(
        url(world, "theme", theme_key=third.key),
        {"version": 0, "rag": "", "comments": "", "action": "continue", **partial},
    )
    before = client.get(url(world, "task_list")).content.decode()
    assert "You have completed 2 of 3 themes" in before
    assert "In progress" in before

    world.submission.refresh_from_db()
    client.post(
        url(world, "check_answers"),
        {
            "version": world.submission.version,
            "signed_off_by_name": "A",
            "signed_off_by_role": "B",
            "confirm": "on",
        },
    )
    world.submission.refresh_from_db()
    assert world.submission.status == SubmissionStatus.SUBMITTED

    html = client.get(url(world, "task_list")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "You submitted all 3 themes" in text
    assert "You have completed" not in text
    for theme in (first, second, third):
        status = re.search(rf'id="theme-{theme.key}-status">(.*?)</div>', html, re.S).group(1)
        assert status.strip() == "Submitted", (theme.key, status)
    assert "submitted as Green" in text
    assert "submitted as Amber" in text
    assert "submitted as Red (not answered in full)" in text
    # the action plan: submitted, and now open for progress updates
    plan = re.search(r'id="action-plan-status">(.*?)</div>', html, re.S).group(1).strip()
    assert plan == "Submitted"
    hint = re.search(r'id="action-plan-hint"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert hint == "Submitted with 1 action · open for progress updates"
    for stale in ("In progress", "Actions needed", "Not started", "Ready to submit", "Not ready"):
        assert stale not in text, stale


def test_another_partnerships_session_cannot_reach_this_return(client):
    a, b = two_partnerships()
    open_return(client, a)
    # The session for A's return means nothing under B's prefix.
    response = client.get(url(b, "task_list"))
    assert response["Location"] == url(b, "link_invalid")
    theme_b = b.question_set.themes.first()
    assert client.get(url(b, "theme", theme_key=theme_b.key))["Location"] == url(b, "link_invalid")
    # A's link followed under B's prefix is not a link at all.
    _, link_url = resume_link_create(submission=a.submission, name="x", email="x@alpha.example", mint=True)
    token = link_url.rstrip("/").rsplit("/", 1)[-1]
    assert client.get(url(b, "resume", token=token))["Location"] == url(b, "link_invalid")


def test_revoked_link_stops_working_at_once(client, world):
    open_return(client, world)
    ResumeLink.objects.update(revoked_at=timezone.now())
    assert client.get(url(world, "task_list"))["Location"] == url(world, "link_invalid")


@pytest.mark.parametrize(
    "name,kwargs,method",
    [
        ("task_list", {}, "get"),
        ("theme", {"theme_key": "theme-1"}, "get"),
        ("save_later", {}, "get"),
        ("check_answers", {}, "get"),
        ("confirmation", {}, "get"),
        ("evidence_download", {"token": "x" * 32}, "get"),
        ("evidence_remove", {"token": "x" * 32}, "post"),
    ],
)
def test_agency_pages_need_a_link(client, world, name, kwargs, method):
    response = getattr(client, method)(url(world, name, **kwargs))
    assert response.status_code == 302
    assert response["Location"] == url(world, "link_invalid")


def test_unknown_partnership_is_404(client):
    assert client.get("/no-such-partnership/return/").status_code == 404


def test_link_request_page_is_the_same_for_known_and_unknown_addresses(client, world):
    known = client.post(url(world, "link_request"), {"email": world.contact.email})
    unknown = client.post(url(world, "link_request"), {"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to[0].endswith(world.contact.email + ">")


def _page_queries(client, world):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    open_return(client, world)
    theme = world.question_set.themes.order_by("order").last()
    client.post(url(world, "theme", theme_key=theme.key), theme_post(theme, 0))
    counts = []
    for method, page, data in (
        ("post", url(world, "theme", theme_key=theme.key), theme_post(theme, 1, answers="no")),
        ("get", url(world, "task_list"), None),
        ("get", url(world, "theme", theme_key=theme.key), None),
        ("get", url(world, "check_answers"), None),
    ):
        # request_started clears the query log; start empty so the count is this request's.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(page, data) if method == "post" else client.get(page)
            assert response.status_code == (302 if method == "post" else 200)
        # Not the savepoints: the test's transaction turns the save's own
        # transaction into one; a server opens it with BEGIN, which is not logged.
        counts.append(sum(1 for q in queries if "SAVEPOINT" not in q["sql"]))
    return counts


def test_query_counts_do_not_grow_with_the_question_set(client, other_client):
    from tests.factories import (
        AgencyFactory,
        AuditCycleFactory,
        PartnershipFactory,
        SubmissionFactory,
        World,
        question_set_with_questions,
    )

    def world_with(slug, themes, questions):
        partnership = PartnershipFactory(slug=slug, name=slug)
        agency = AgencyFactory(partnership=partnership, contacts=[("Sam", f"sam@{slug}.example")])
        question_set = question_set_with_questions(partnership, themes=themes, questions=questions)
        cycle = AuditCycleFactory(partnership=partnership, question_set=question_set, slug="c")
        submission = SubmissionFactory(cycle=cycle, agency=agency)
        return World(partnership, None, agency, question_set, cycle, submission)

    small = _page_queries(client, world_with("small", themes=2, questions=3))
    large = _page_queries(other_client, world_with("large", themes=12, questions=10))
    assert small == large
    # The save, the task list, a theme page and check answers.
    assert min(small) > 0 and max(small) <= 10, small


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"evidence_url": "javascript:alert(1)"}, "Enter a link in the correct format"),
        ({"evidence_title": "Policy 2026"}, "Enter the link, or remove what the link is"),
        ({"comments": "x" * 10001}, "Comments must be 10,000 characters or fewer"),
        ({"version": "not-a-number"}, "This page is out of date"),
    ],
)
def test_bad_theme_input_gets_a_message_and_saves_nothing(client, world, extra, message):
    open_return(client, world)
    theme = world.question_set.themes.order_by("order").first()
    data = {**theme_post(theme, 0, comments="Kept"), **extra}
    response = client.post(url(world, "theme", theme_key=theme.key), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert re.search(r'value="yes"[^>]*checked', html)  # what was chosen is still chosen
    assert not Answer.objects.exists()
    assert not world.submission.evidence.exists()


def test_a_submitted_theme_is_a_read_only_summary(client, world):
    """Issue 18 item 3: a submitted theme is not a disabled form but a
    summary: each question with its answer, the rating as a tag, the
    comments, the evidence (linked) and the theme's actions; no form controls."""
    from audits.services import submission_submit
    from tests.factories import theme_save

    first, second, third = world.question_set.themes.order_by("order")
    theme_save(world.submission, first)
    theme_save(
        world.submission,
        second,
        value="no",
        rag="amber",
        comments="Training is late",
        new_links=[("https://example.org/plan", "Training plan")],
    )
    theme_save(world.submission, third)
    action_item_add(
        submission=world.submission,
        theme=second,
        data=ActionItemData(
            action="Train every manager",
            lead_person="Head of HR",
            target_date=timezone.localdate() + timedelta(days=90),
            success_criteria="All trained",
        ),
        actor=CONTRIBUTOR,
    )
    world.submission.refresh_from_db()
    submission_submit(
        submission=world.submission,
        submitted_by=CONTRIBUTOR,
        signed_off_by_name="A",
        signed_off_by_role="B",
        expected_version=world.submission.version,
    )
    open_return(client, world)

    html = client.get(url(world, "theme", theme_key=second.key)).content.decode()
    main = html.split('id="main-content"', 1)[1]
    for control in ("<input", "<textarea", "<select", "<button", "disabled", "<form"):
        assert control not in main, control
    assert "govuk-summary-list" in main
    for question in second.questions.all():
        assert question.text in main
    assert main.count('<dd class="govuk-summary-list__value">No</dd>') == second.questions.count()
    assert re.search(r'class="govuk-tag[^"]*s11-rag--amber[^"]*">\s*Amber', main)
    assert "Training is late" in main
    assert 'href="https://example.org/plan"' in main and "Training plan" in main
    assert "Train every manager" in main
