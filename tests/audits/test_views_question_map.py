"""The question-set builder's mapping page (issue 13 item 4): an admin maps
one of the partnership's own questions to a library question; errors in
GOV.UK words with the choice kept; another partnership's question is a 404."""

import pytest
from django.test import Client

from partnerships.models import StaffRole
from tests.factories import AuditCycleFactory, two_partnerships
from tests.staff import staff_client, staff_url
from tests.themes.test_services_mapping import LEAD, csap_draft

pytestmark = pytest.mark.django_db


def _url(partnership, question):
    return staff_url(
        partnership,
        "staff_question_set_question_map",
        pk=question.theme.question_set_id,
        question_pk=question.pk,
    )


def test_an_admin_maps_a_local_question_and_sees_it_on_the_set():
    worlds = two_partnerships()
    question_set, local, other = csap_draft(worlds.a.partnership)
    admin = staff_client(Client(), worlds.a.partnership, StaffRole.ADMIN)
    page = admin.get(_url(worlds.a.partnership, local)).content.decode()
    assert "Is there a named senior lead" in page and "Not mapped" in page
    # The set's own library question (theme-1/q-1 is not CSAP's) is not marked; none is asked yet.
    assert "(the set already asks it)" not in page
    response = admin.post(_url(worlds.a.partnership, local), {"library_key": LEAD})
    assert response.status_code == 302
    detail = admin.get(staff_url(worlds.a.partnership, "staff_question_set", pk=question_set.pk))
    assert f"Mapped to library question {LEAD}" in detail.content.decode()

    # Now marked as asked for the second question.
    assert "(the set already asks it)" in admin.get(_url(worlds.a.partnership, other)).content.decode()
    # The same library question for a second one: the error on the field, the choice kept.
    response = admin.post(_url(worlds.a.partnership, other), {"library_key": LEAD})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "already answers to that library question" in body
    assert f'value="{LEAD}" selected' in body
    response = admin.post(_url(worlds.a.partnership, other), {"library_key": "nonsense"})
    assert "Select a question from the list" in response.content.decode()


def test_another_partnerships_admin_gets_nothing():
    worlds = two_partnerships()
    _, local, _ = csap_draft(worlds.a.partnership)
    bravo = staff_client(Client(), worlds.b.partnership, StaffRole.ADMIN)
    # Bravo's own address with alpha's ids, and alpha's address: not found / not theirs.
    url = _url(worlds.b.partnership, local)
    assert bravo.get(url).status_code == 404
    assert bravo.post(url, {"library_key": LEAD}).status_code == 404
    assert bravo.post(_url(worlds.a.partnership, local), {"library_key": LEAD}).status_code in (302, 403, 404)
    local.refresh_from_db()
    assert local.library_key == ""


def test_a_library_question_or_a_frozen_set_goes_back_to_the_set_with_the_reason():
    worlds = two_partnerships()
    question_set, local, _ = csap_draft(worlds.a.partnership)
    admin = staff_client(Client(), worlds.a.partnership, StaffRole.ADMIN)
    library_own = question_set.themes.get().questions.get(is_local=False)
    response = admin.get(_url(worlds.a.partnership, library_own), follow=True)
    assert "the library’s own" in response.content.decode()
    AuditCycleFactory(partnership=worlds.a.partnership, question_set=question_set)
    response = admin.post(_url(worlds.a.partnership, local), {"library_key": LEAD}, follow=True)
    assert "is in use" in response.content.decode()
    local.refresh_from_db()
    assert local.library_key == ""


def test_the_mapping_page_is_within_its_query_budget(django_assert_max_num_queries):
    worlds = two_partnerships()
    _, local, _ = csap_draft(worlds.a.partnership)
    admin = staff_client(Client(), worlds.a.partnership, StaffRole.ADMIN)
    admin.get(_url(worlds.a.partnership, local))
    with django_assert_max_num_queries(10):
        assert admin.get(_url(worlds.a.partnership, local)).status_code == 200
