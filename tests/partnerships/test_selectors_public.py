"""The one selector that is not tenant-scoped: the public list of partnerships
(home page, accessibility statement, privacy notice) gives only what is
public about each: name, address and contact email."""

import pytest

from partnerships.selectors import partnership_list_public
from tests.factories import two_partnerships

pytestmark = pytest.mark.django_db

COVERED = {"partnership_list_public"}


def test_lists_every_partnership_by_name_with_only_public_fields_loaded():
    world = two_partnerships()
    expected = sorted([world.a.partnership, world.b.partnership], key=lambda p: p.name)
    rows = list(partnership_list_public())
    assert rows == expected
    assert "reply_to_email" in rows[0].get_deferred_fields()
