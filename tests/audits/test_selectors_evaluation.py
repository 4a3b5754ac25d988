"""The evaluation selectors keep to their partnership: asked with another
partnership's return they answer "not found"."""

import pytest
from django.http import Http404

from audits.selectors import evaluation as sel
from tests.factories import two_partnerships

from .review_support import submitted_world

pytestmark = pytest.mark.django_db

COVERED = {"evaluation_confirmed_get", "evaluation_for_agency"}


@pytest.mark.parametrize("name", sorted(COVERED))
def test_another_partnerships_return_is_not_found(name):
    worlds = two_partnerships()
    a, b = submitted_world(worlds.a), submitted_world(worlds.b)
    with pytest.raises(Http404):
        getattr(sel, name)(partnership=b.partnership, submission=a.submission)
    assert getattr(sel, name)(partnership=a.partnership, submission=a.submission) is None
