"""The builder's pages: what an admin does, the errors they see, and the
agency's-eye preview."""

import pytest
from django.test import Client

from audits.models import Answer, ThemeResponse
from partnerships.models import StaffRole
from tests.factories import QuestionSetFactory, two_partnerships
from tests.staff import staff_client, staff_url
from themes.models import QuestionSet, Theme

pytestmark = pytest.mark.django_db

THEME = {
    "title": "Safer recruitment",
    "description": "Checks before people start.",
    "guidance": "Look at the single central record.",
    "red_descriptor": "No checks.",
    "amber_descriptor": "Some checks.",
    "green_descriptor": "All checks, recorded.",
}


@pytest.fixture
def w():
    return two_partnerships().a


@pytest.fixture
def admin(w):
    return staff_client(Client(), w.partnership, StaffRole.ADMIN)


def url(w, name, **kwargs):
    return staff_url(w.partnership, name, **kwargs)


def test_an_admin_builds_a_set_from_nothing_and_publishes_it(w, admin):
    response = admin.post(
        url(w, "staff_question_set_create"),
        {"name": "Voluntary sector 2026", "description": "", "audience": "voluntary"},
    )
    question_set = QuestionSet.objects.get(partnership=w.partnership, name="Voluntary sector 2026")
    assert response["Location"] == url(w, "staff_question_set", pk=question_set.pk)

    response = admin.post(url(w, "staff_question_set_theme_add", pk=question_set.pk), THEME)
    theme = question_set.themes.get()
    assert response["Location"] == url(
        w, "staff_question_set_question_add", pk=question_set.pk, theme_pk=theme.pk
    )

    add_question = url(w, "staff_question_set_question_add", pk=question_set.pk, theme_pk=theme.pk)
    response = admin.post(
        add_question, {"text": "Are DBS checks done?", "evidence_expected": "on", "action": "another"}
    )
    assert response["Location"] == add_question
    admin.post(add_question, {"text": "Are references taken?", "allows_na": "on", "action": "save"})
    first, second = theme.questions.order_by("order")
    assert (first.text, first.allows_na, first.evidence_expected) == ("Are DBS checks done?", False, True)
    assert (second.text, second.allows_na, second.evidence_expected) == ("Are references taken?", True, False)

    admin.post(
        url(w, "staff_question_set_question_move", pk=question_set.pk, question_pk=second.pk),
        {"direction": "up"},
    )
    assert list(theme.questions.order_by("order").values_list("pk", flat=True)) == [second.pk, first.pk]

    page = admin.get(url(w, "staff_question_set", pk=question_set.pk)).content.decode()
    assert "Safer recruitment" in page and "Are references taken?" in page
    assert "Publish version 1" in page

    admin.post(url(w, "staff_question_set_publish", pk=question_set.pk))
    question_set.refresh_from_db()
    assert question_set.status == "published"


def test_a_theme_with_missing_fields_gets_an_error_summary_and_keeps_what_was_typed(w, admin):
    question_set = QuestionSetFactory(partnership=w.partnership, status="draft", published_at=None, themes=0)

    response = admin.post(
        url(w, "staff_question_set_theme_add", pk=question_set.pk),
        {**THEME, "title": "", "amber_descriptor": ""},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Add a theme" in html
    assert '<a href="#id_title">Enter a title for the theme</a>' in html
    assert '<a href="#id_amber_descriptor">Describe what an Amber rating means for this theme</a>' in html
    assert "Look at the single central record." in html
    assert not Theme.objects.filter(question_set=question_set).exists()


def test_removing_a_theme_asks_first_then_removes_it(w, admin):
    question_set = QuestionSetFactory(partnership=w.partnership, status="draft", published_at=None, themes=2)
    theme = question_set.themes.order_by("order").first()
    delete = url(w, "staff_question_set_theme_delete", pk=question_set.pk, theme_pk=theme.pk)

    assert "Remove the theme Theme 1?" in admin.get(delete).content.decode()
    assert Theme.objects.filter(pk=theme.pk).exists()

    admin.post(delete)
    assert list(question_set.themes.values_list("key", "order")) == [("theme-2", 1)]


def test_a_read_only_member_sees_the_set_without_the_builder(w):
    client = staff_client(Client(), w.partnership, StaffRole.READ_ONLY)
    question_set = QuestionSetFactory(partnership=w.partnership, status="draft", published_at=None)

    html = client.get(url(w, "staff_question_set", pk=question_set.pk)).content.decode()

    assert "Theme 1, question 1?" in html
    assert "/edit/" not in html and "Add a theme" not in html and "Publish version" not in html


def test_the_list_is_one_query_whatever_the_number_of_sets(w, admin, django_assert_max_num_queries):
    for _ in range(5):
        QuestionSetFactory(partnership=w.partnership, themes=3)
    admin.get(url(w, "staff_question_sets"))  # warm the session and membership

    with django_assert_max_num_queries(12):
        response = admin.get(url(w, "staff_question_sets"))

    html = response.content.decode()
    assert html.count('<strong class="govuk-tag govuk-tag--grey">In use</strong>') == 1
    assert html.count('<strong class="govuk-tag govuk-tag--green">Published</strong>') == 5


# ---------------------------------------------------------------------------
# Preview
# ---------------------------------------------------------------------------


def test_the_preview_is_the_agency_theme_page(w, admin):
    theme = w.question_set.themes.order_by("order")[1]
    theme.guidance = "What good looks like."
    theme.save()

    response = admin.get(url(w, "staff_question_set_theme_preview", pk=w.question_set.pk, theme_pk=theme.pk))

    html = response.content.decode()
    assert [t.name for t in response.templates][:2] == ["themes/theme_preview.html", "audits/theme.html"]
    assert "Theme 2 – theme 2 of 3" in html
    assert "How well does your organisation meet this theme?" in html
    assert "Not compliant with theme 2." in html and "What good looks like." in html
    for question in theme.questions.all():
        assert question.text in html
    assert 'name="rag"' in html and "Save and continue" in html
    assert "nothing you enter is saved" in html
    assert "Preview the previous theme" in html and "Preview the next theme" in html


def test_trying_the_preview_checks_like_the_agency_page_and_saves_nothing(w, admin):
    theme = w.question_set.themes.order_by("order")[0]
    preview = url(w, "staff_question_set_theme_preview", pk=w.question_set.pk, theme_pk=theme.pk)
    answers = {f"q_{q.pk}": "yes" for q in theme.questions.all()}
    before = (Answer.objects.count(), ThemeResponse.objects.count())

    response = admin.post(
        preview, {**answers, "version": "0", "rag": "red", "comments": "", "action": "continue"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say in the comments how your organisation will improve" in html

    response = admin.post(
        preview,
        {**answers, "version": "0", "rag": "green", "comments": "", "action": "continue"},
        follow=True,
    )
    second = w.question_set.themes.order_by("order")[1]
    assert response.redirect_chain[-1][0] == url(
        w, "staff_question_set_theme_preview", pk=w.question_set.pk, theme_pk=second.pk
    )
    assert "This is a preview: nothing was saved." in response.content.decode()
    assert (Answer.objects.count(), ThemeResponse.objects.count()) == before


def test_a_preview_of_another_sets_theme_is_not_found(w, admin):
    other = QuestionSetFactory(partnership=w.partnership)
    theme = other.themes.first()
    assert (
        admin.get(
            url(w, "staff_question_set_theme_preview", pk=w.question_set.pk, theme_pk=theme.pk)
        ).status_code
        == 404
    )


# ---------------------------------------------------------------------------
# Versions, copies and the library
# ---------------------------------------------------------------------------


def test_new_version_copy_and_delete_through_the_pages(w, admin):
    admin.post(url(w, "staff_question_set_new_version", pk=w.question_set.pk))
    v2 = QuestionSet.objects.get(partnership=w.partnership, previous_version=w.question_set)
    assert (v2.version, v2.status) == (2, "draft")

    detail = admin.get(url(w, "staff_question_set", pk=w.question_set.pk)).content.decode()
    assert "version 2</a>" in detail

    response = admin.post(url(w, "staff_question_set_copy", pk=v2.pk), {"name": w.question_set.name})
    assert "There is already a question set called" in response.content.decode()
    admin.post(url(w, "staff_question_set_copy", pk=v2.pk), {"name": "Copy for the voluntary sector"})
    copy = QuestionSet.objects.get(partnership=w.partnership, name="Copy for the voluntary sector")

    admin.post(url(w, "staff_question_set_delete", pk=copy.pk))
    assert not QuestionSet.objects.filter(pk=copy.pk).exists()
    # v1 is in use: not deleted, and told why.
    response = admin.post(url(w, "staff_question_set_delete", pk=w.question_set.pk), follow=True)
    assert "cannot be deleted" in response.content.decode()
    assert QuestionSet.objects.filter(pk=w.question_set.pk).exists()


def test_the_library_lists_the_templates_and_copies_one_as_a_draft(w, admin):
    html = admin.get(url(w, "staff_library")).content.decode()
    assert "Safeguarding self-assessment for voluntary, community and faith groups" in html

    template = admin.get(url(w, "staff_library_template", key="voluntary-community")).content.decode()
    assert "Does your group have a written safeguarding policy" in template
    assert admin.get(url(w, "staff_library_template", key="no-such")).status_code == 404

    response = admin.post(url(w, "staff_library_copy", key="voluntary-community"), {"name": "Our VCS check"})
    copy = QuestionSet.objects.get(partnership=w.partnership, name="Our VCS check")
    assert response["Location"] == url(w, "staff_question_set", pk=copy.pk)
    assert (copy.status, copy.template_key, copy.audience) == ("draft", "voluntary-community", "voluntary")

    admin.post(url(w, "staff_question_set_theme_add", pk=copy.pk), THEME)
    local = copy.themes.get(key="safer-recruitment")
    assert local.is_local
    assert (
        'govuk-tag--blue">Local</strong>'
        in admin.get(url(w, "staff_question_set", pk=copy.pk)).content.decode()
    )


def test_the_library_copy_needs_a_name(w, admin):
    response = admin.post(url(w, "staff_library_copy", key="csap"), {"name": ""})
    assert response.status_code == 200
    assert '<a href="#id_name">Enter a name for the question set</a>' in response.content.decode()
