"""The standing-draft pages: a member edits a theme (GOV.UK errors, what was
typed kept), sees who updated it and when, updates it from a return and
starts a new return from it; each page within its query budget; another
organisation's member, partnership staff and an agency's contributor see
nothing of it."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from audits.models import Rag, ThemeResponse
from audits.services import resume_link_create
from organisations.models import StandingDraftTheme
from partnerships.models import StaffRole
from tests.factories import theme_save
from tests.staff import staff_client

from .standing_support import LEAD, leadership_answers, standing_world
from .support import member_client

pytestmark = pytest.mark.django_db

SECRET = "Our board lead is on long-term leave"


def _theme_url(org, key="leadership"):
    return reverse("organisation_standing_draft_theme", args=[org.pk, "csap", key])


def _post(answers=None, rag="green", comments=SECRET, version=0):
    data = {f"q_{k}": v for k, v in (answers or leadership_answers()).items()}
    return {**data, "rag": rag, "comments": comments, "version": version}


def test_a_member_edits_a_theme_and_sees_who_updated_it():
    s = standing_world()
    client = member_client(s.w.member.email)
    page = client.get(_theme_url(s.w.org)).content.decode()
    assert "Is there a named senior lead" in page and "Not saved yet" in page
    response = client.post(_theme_url(s.w.org), _post())
    assert response["Location"] == reverse("organisation_standing_draft", args=[s.w.org.pk, "csap"])
    overview = client.get(response["Location"]).content.decode()
    assert "by Pat Member" in overview and "rated Green" in overview
    listing = client.get(reverse("organisation_standing_drafts", args=[s.w.org.pk])).content.decode()
    assert "Last updated" in listing and "by Pat Member" in listing
    # Shown again with what was saved.
    page = client.get(_theme_url(s.w.org)).content.decode()
    assert SECRET in page and 'value="green" aria-describedby="id_rag_3-item-hint" checked' in page


def test_errors_in_govuk_words_keep_what_was_typed():
    s = standing_world()
    client = member_client(s.w.member.email)
    response = client.post(_theme_url(s.w.org), _post(rag="red", comments=""))
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "Say in the comments how your organisation will improve" in body
    assert 'value="red" aria-describedby="id_rag_1-item-hint" checked' in body
    response = client.post(_theme_url(s.w.org), _post(answers={LEAD: "na"}, comments="typed"))
    body = response.content.decode()
    assert "this question cannot be not applicable" in body and ">typed</textarea>" in body
    assert not StandingDraftTheme.objects.exists()


def test_a_stale_save_is_refused_and_the_next_one_keeps_the_members_answers():
    s = standing_world()
    admin = member_client(s.w.admin.email)
    admin.post(_theme_url(s.w.org), _post(comments="First"))
    member = member_client(s.w.member.email)
    response = member.post(_theme_url(s.w.org), _post(comments="Second", version=0))
    body = response.content.decode()
    assert "saved this theme after you opened it" in body and ">Second</textarea>" in body
    assert 'name="version" value="1"' in body
    member.post(_theme_url(s.w.org), _post(comments="Second", version=1))
    assert StandingDraftTheme.objects.get().comments == "Second"


def test_update_from_a_return_and_start_a_new_return_from_the_draft():
    s = standing_world()
    client = member_client(s.w.member.email)
    theme_save(s.bravo, s.bravo.question_set.themes.get(key="leadership"), rag=Rag.GREEN, comments=SECRET)
    seed = reverse("organisation_standing_draft_seed", args=[s.w.org.pk, "csap"])
    assert client.post(seed, {"source": s.bravo.pk}).status_code == 302
    assert StandingDraftTheme.objects.get().comments == SECRET
    # Another organisation's return is not a choice.
    response = client.post(seed, {"source": s.w.other_submission.pk}, follow=True)
    assert "Choose the return to update the draft from" in response.content.decode()

    listing = client.get(reverse("organisation_standing_drafts", args=[s.w.org.pk])).content.decode()
    assert s.alpha.reference in listing and s.bravo.reference not in listing  # bravo is started
    start = reverse("organisation_return_start_from_draft", args=[s.w.org.pk, s.alpha.pk])
    assert start in listing
    start = reverse("organisation_return_start_from_draft", args=[s.w.org.pk, s.alpha.pk])
    response = client.post(start, follow=True)
    assert "started from your standing draft" in response.content.decode()
    response = ThemeResponse.objects.get(submission=s.alpha, theme__key="leadership")
    assert response.carried_forward and response.comments == SECRET
    # The agency's theme page says where the answers came from, as for last cycle's.
    client.post(reverse("organisation_return_open", args=[s.w.org.pk, s.alpha.pk]))
    theme_page = client.get(
        reverse("theme", kwargs={"partnership_slug": s.alpha.partnership.slug, "theme_key": "leadership"})
    ).content.decode()
    assert "filled in from your organisation’s standing draft" in theme_page and SECRET in theme_page
    slug = s.alpha.partnership.slug
    tasks = client.get(reverse("task_list", kwargs={"partnership_slug": slug})).content.decode()
    assert "Check the answers filled in" in tasks and "last cycle" not in tasks
    check = client.get(reverse("check_answers", kwargs={"partnership_slug": slug})).content.decode()
    assert "Confirm or change the answers filled in for Leadership" in check
    # Until someone saves a theme it may start again (the unconfirmed themes are replaced);
    # then it is no longer offered, and a start is refused with the reason.
    assert client.post(start).status_code == 302
    assert ThemeResponse.objects.filter(submission=s.alpha).count() == 1
    theme_save(s.alpha, s.alpha.question_set.themes.get(key="leadership"))
    listing = client.get(reverse("organisation_standing_drafts", args=[s.w.org.pk])).content.decode()
    assert start not in listing
    response = client.post(start, follow=True)
    assert "already saved a theme" in response.content.decode()
    # Another organisation's return: not found.
    other = reverse("organisation_return_start_from_draft", args=[s.w.org.pk, s.w.other_submission.pk])
    assert client.post(other).status_code == 404


def test_nobody_else_sees_the_draft():
    s = standing_world()
    member_client(s.w.member.email).post(_theme_url(s.w.org), _post())
    urls = [
        reverse("organisation_standing_drafts", args=[s.w.org.pk]),
        reverse("organisation_standing_draft", args=[s.w.org.pk, "csap"]),
        _theme_url(s.w.org),
    ]
    other_org = member_client(s.w.other_admin.email)
    staff = staff_client(Client(), s.w.worlds.a.partnership, StaffRole.ADMIN)
    contributor = Client()
    _, link = resume_link_create(submission=s.alpha, name="Sam", email=s.w.worlds.a.contact.email, mint=True)
    contributor.get(urlsplit(link).path)
    for url in urls:
        assert other_org.get(url).status_code == 404
        assert staff.get(url).status_code == 404
        assert contributor.get(url)["Location"] == reverse("organisation_sign_in")
    assert other_org.post(_theme_url(s.w.org), _post(comments="Theirs")).status_code == 404
    assert StandingDraftTheme.objects.get().comments == SECRET
    # The other organisation's own draft pages show nothing of this one's.
    theirs = other_org.get(reverse("organisation_standing_draft", args=[s.w.other_org.pk, "csap"]))
    assert SECRET not in theirs.content.decode() and "Not started" in theirs.content.decode()
    # Partnership staff's own view of the return shows nothing of the draft before a member starts it.
    review = reverse(
        "staff_return_review",
        kwargs={"partnership_slug": s.alpha.partnership.slug, "reference": s.alpha.reference},
    )
    page = staff.get(review)
    assert page.status_code == 200 and SECRET not in page.content.decode()
    # An unknown set or theme is not found.
    member = member_client(s.w.member.email)
    assert member.get(reverse("organisation_standing_draft", args=[s.w.org.pk, "nope"])).status_code == 404
    assert member.get(_theme_url(s.w.org, "nope")).status_code == 404


def test_query_budgets(django_assert_max_num_queries):
    s = standing_world()
    client = member_client(s.w.member.email)
    client.post(_theme_url(s.w.org), _post())
    for url in (
        reverse("organisation_standing_drafts", args=[s.w.org.pk]),
        reverse("organisation_standing_draft", args=[s.w.org.pk, "csap"]),
        _theme_url(s.w.org),
    ):
        client.get(url)
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200
