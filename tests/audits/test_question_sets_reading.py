"""Issue 21 (smaller): who may read question sets. Everyone on the staff may
(the questions are what agencies answer, and what reviewers judge returns
against); only admins may change them or try the preview's checks. The
navigation agrees with the pages' permissions, for every entry."""

import re

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django.utils.html import strip_tags

from partnerships.models import StaffRole
from partnerships.permissions import ROLE_PERMS
from partnerships.staff import STAFF_NAV
from tests.factories import two_partnerships
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db

ROLES = [StaffRole.READ_ONLY, StaffRole.REVIEWER, StaffRole.ADMIN]
WRITE_URLS = (
    "/new/",
    "/import/",
    "/edit/",
    "/copy/",
    "/delete/",
    "/themes/add/",
    "/publish/",
    "/new-version/",
)


def test_each_navigation_entry_asks_for_the_permission_its_page_asks_for():
    w = two_partnerships()
    for text, name, perm, _ in STAFF_NAV:
        view = resolve(reverse(name, kwargs={"partnership_slug": w.a.partnership.slug})).func
        assert view.staff_perm == perm, text


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_question_sets_in_the_navigation_and_can_read_them(role):
    w = two_partnerships()
    client = staff_client(Client(), w.a.partnership, role)
    qs = w.a.question_set
    theme = qs.themes.order_by("order")[0]
    home = client.get(staff_url(w.a.partnership, "staff_home")).content.decode()
    assert f'href="{staff_url(w.a.partnership, "staff_question_sets")}"' in home
    pages = [
        staff_url(w.a.partnership, "staff_question_sets"),
        staff_url(w.a.partnership, "staff_question_set", pk=qs.pk),
        staff_url(w.a.partnership, "staff_question_set_diff", pk=qs.pk),
        staff_url(w.a.partnership, "staff_question_set_export", pk=qs.pk, fmt="yaml"),
        staff_url(w.a.partnership, "staff_library"),
        staff_url(w.a.partnership, "staff_question_set_theme_preview", pk=qs.pk, theme_pk=theme.pk),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        if "text/html" in response["Content-Type"] and role != StaffRole.ADMIN:
            # No button or link to a page the role would be refused.
            html = response.content.decode()
            hrefs = re.findall(r'(?:href|action)="([^"]*)"', html)
            setup = [h for h in hrefs if "/setup/" in h]
            assert not [h for h in setup if h.endswith(WRITE_URLS) or "/move/" in h], page


@pytest.mark.parametrize("role", [StaffRole.READ_ONLY, StaffRole.REVIEWER])
def test_the_preview_shows_but_refuses_a_post_from_those_who_cannot_manage(role):
    w = two_partnerships()
    client = staff_client(Client(), w.a.partnership, role)
    theme = w.a.question_set.themes.order_by("order")[0]
    url = staff_url(
        w.a.partnership, "staff_question_set_theme_preview", pk=w.a.question_set.pk, theme_pk=theme.pk
    )
    page = client.get(url)
    assert page.status_code == 200
    assert "Only partnership admins can try its checks here" in " ".join(
        strip_tags(page.content.decode()).split()
    )
    answers = {f"q_{q.pk}": "yes" for q in theme.questions.all()}
    assert client.post(url, {**answers, "version": "0", "rag": "green", "comments": ""}).status_code == 403
    assert "manage" not in ROLE_PERMS[role]
