"""Tenancy of the joint-board selectors (audits/selectors/sharing.py): each
returns only shares its partnership is a side of, and a 404 for another's."""

import pytest
from django.http import Http404

from audits.selectors.sharing import (
    cycle_share_get,
    cycle_share_list,
    cycle_share_offered_get,
    cycle_share_offered_list,
    cycle_shared_list_with_counts,
)
from audits.services.sharing import cycle_share_accept, cycle_share_invite
from core.domain import Actor
from partnerships.scope import NO_AGENCY, WHOLE_AND_SHARED, scope_applied
from tests.factories import partnership_world, two_partnerships

pytestmark = pytest.mark.django_db

COVERED = {
    "cycle_share_get",
    "cycle_share_list",
    "cycle_share_offered_get",
    "cycle_share_offered_list",
    "cycle_shared_list_with_counts",
}

ADA = Actor(name="Ada", email="ada@alpha.example")


@pytest.fixture
def world():
    w = two_partnerships()
    w.c = partnership_world(slug="charlie")
    w.share = cycle_share_invite(
        partnership=w.a.partnership, cycle=w.a.cycle, partner_slug="bravo", actor=ADA
    )
    return w


def test_the_owner_reads_its_own_cycles_shares_only(world):
    w = world
    assert list(cycle_share_list(partnership=w.a.partnership, cycle=w.a.cycle)) == [w.share]
    assert cycle_share_get(partnership=w.a.partnership, cycle=w.a.cycle, pk=w.share.pk) == w.share
    for partnership, cycle in ((w.b.partnership, w.a.cycle), (w.c.partnership, w.a.cycle)):
        with pytest.raises(Http404):
            cycle_share_list(partnership=partnership, cycle=cycle)
        with pytest.raises(Http404):
            cycle_share_get(partnership=partnership, cycle=cycle, pk=w.share.pk)
    with pytest.raises(Http404):
        cycle_share_get(partnership=w.b.partnership, cycle=w.b.cycle, pk=w.share.pk)


def test_the_invited_partnership_alone_reads_the_offer(world):
    w = world
    assert list(cycle_share_offered_list(partnership=w.b.partnership)) == [w.share]
    assert cycle_share_offered_get(partnership=w.b.partnership, pk=w.share.pk) == w.share
    assert not cycle_share_offered_list(partnership=w.c.partnership).exists()
    assert not cycle_share_offered_list(partnership=w.a.partnership).exists()
    for partnership in (w.a.partnership, w.c.partnership):
        with pytest.raises(Http404):
            cycle_share_offered_get(partnership=partnership, pk=w.share.pk)


def test_shared_cycles_are_listed_once_accepted_and_for_whole_partnership_roles(world):
    w = world
    with scope_applied(WHOLE_AND_SHARED):
        assert cycle_shared_list_with_counts(partnership=w.b.partnership) == []
        cycle_share_accept(partnership=w.b.partnership, share=w.share, actor=ADA)
        [cycle] = cycle_shared_list_with_counts(partnership=w.b.partnership)
        assert cycle.pk == w.a.cycle.pk and cycle.slug == "alpha-s11-2026"
        assert cycle.shared_by == w.a.partnership and cycle.returns_total == 1
        assert cycle_shared_list_with_counts(partnership=w.c.partnership) == []
        assert cycle_shared_list_with_counts(partnership=w.a.partnership) == []
    with scope_applied(NO_AGENCY):
        assert cycle_shared_list_with_counts(partnership=w.b.partnership) == []
