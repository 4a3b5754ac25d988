"""An agency's ratings beside its sector's and the partnership's: agreed
ratings (moderated where moderated), counted by hand; a group of fewer than
five agencies is not shown; another partnership's agency or cycle is not
found; the review page shows it within its query budget."""

import pytest
from django.core.cache import cache
from django.http import Http404
from django.test import Client
from django.utils import timezone

from audits.models import Submission, SubmissionStatus, ThemeResponse
from audits.models.review import ThemeModeration
from audits.selectors.benchmark import agency_benchmark, cycle_rating_distribution
from partnerships.models import Agency, Sector, StaffRole
from tests.reports.world import report_world
from tests.staff import staff_client, staff_url

from .reports_world import themes_of

pytestmark = pytest.mark.django_db

COVERED = {"agency_benchmark", "cycle_rating_distribution"}

OTHERS = {  # theme 1, 2, 3 self-ratings of five agencies of the sector "Other"
    "Otter 1": ("green", "green", "green"),
    "Otter 2": ("green", "amber", "red"),
    "Otter 3": ("amber", "amber", "green"),
    "Otter 4": ("red", "green", "green"),
    "Otter 5": ("green", "green", "amber"),
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def world_with_others(count=5, slug="alpha"):
    """report_world (Aardvark and Dormouse submitted, some themes moderated)
    and `count` agencies of the sector Other with submitted returns; Otter
    1's theme 1 moderated to Red."""
    w = report_world(slug)
    themes = themes_of(w.question_set)
    for name, rags in list(OTHERS.items())[:count]:
        agency = Agency.objects.create(partnership=w.partnership, name=name, sector=Sector.OTHER)
        submission = Submission.objects.create(
            partnership=w.partnership,
            cycle=w.cycle,
            agency=agency,
            question_set=w.question_set,
            reference=f"S11-{slug}-{name}".replace(" ", ""),
        )
        ThemeResponse.objects.bulk_create(
            ThemeResponse(submission=submission, theme=t, rag=r) for t, r in zip(themes, rags, strict=True)
        )
        Submission.objects.filter(pk=submission.pk).update(
            status=SubmissionStatus.SUBMITTED, submitted_at=timezone.now()
        )
        w.agencies[name] = agency
        w.returns[name] = submission
    ThemeModeration.objects.create(
        partnership=w.partnership, submission=w.returns["Otter 1"], theme=themes[0], rag="red"
    )
    return w


def dist(d):
    return None if d is None else (d.agencies, d.red, d.amber, d.green)


def test_an_agency_beside_its_sector_and_the_partnership():
    w = world_with_others()
    b = agency_benchmark(partnership=w.partnership, cycle=w.cycle, agency=w.agencies["Otter 2"])
    assert (b.sector_agencies, b.partnership_agencies) == (5, 7)
    assert [(r.self_rag, r.moderated_rag) for r in b.rows] == [("green", ""), ("amber", ""), ("red", "")]
    assert [dist(r.sector) for r in b.rows] == [(5, 2, 1, 2), (5, 0, 2, 3), (5, 1, 1, 3)]
    # With Aardvark (Amber, Amber, Amber agreed) and Dormouse (Green, Green, Red).
    assert [dist(r.partnership) for r in b.rows] == [(7, 2, 2, 3), (7, 0, 3, 4), (7, 2, 2, 3)]


def test_a_sector_of_fewer_than_five_agencies_is_not_shown():
    w = world_with_others()
    b = agency_benchmark(partnership=w.partnership, cycle=w.cycle, agency=w.agencies["Aardvark Council"])
    assert b.sector_agencies == 1 and not b.sector_shown
    assert all(r.sector is None for r in b.rows)
    assert [(r.self_rag, r.moderated_rag, r.agreed_rag) for r in b.rows] == [
        ("green", "amber", "amber"),
        ("amber", "", "amber"),
        ("red", "amber", "amber"),
    ]
    assert dist(b.rows[0].partnership) == (7, 2, 2, 3)


def test_nothing_is_shown_below_five_agencies_in_all():
    w = world_with_others(count=2)
    b = agency_benchmark(partnership=w.partnership, cycle=w.cycle, agency=w.agencies["Otter 1"])
    assert (b.sector_agencies, b.partnership_agencies) == (2, 4)
    assert not b.partnership_shown and all(r.partnership is None and r.sector is None for r in b.rows)


def test_four_in_the_sector_is_not_enough_five_is():
    w = world_with_others(count=4)
    b = agency_benchmark(partnership=w.partnership, cycle=w.cycle, agency=w.agencies["Otter 1"])
    assert b.sector_agencies == 4 and b.rows[0].sector is None and b.rows[0].partnership is not None


def test_another_partnerships_agency_or_cycle_is_not_found():
    w = world_with_others()
    bravo = report_world("bravo")
    with pytest.raises(Http404):
        agency_benchmark(partnership=w.partnership, cycle=w.cycle, agency=bravo.agencies["Aardvark Council"])
    with pytest.raises(Http404):
        agency_benchmark(partnership=w.partnership, cycle=bravo.cycle, agency=w.agencies["Otter 1"])
    with pytest.raises(Http404):
        cycle_rating_distribution(partnership=w.partnership, cycle=bravo.cycle)
    assert cycle_rating_distribution(partnership=bravo.partnership, cycle=bravo.cycle)["agencies"] == {
        Sector.LOCAL_AUTHORITY: 1,
        Sector.VOLUNTARY: 1,
    }


def test_the_review_page_shows_the_comparison():
    w = world_with_others()
    client = staff_client(Client(), w.partnership, StaffRole.READ_ONLY)
    html = client.get(
        staff_url(w.partnership, "staff_return_review", reference=w.returns["Otter 2"].reference)
    )
    html = html.content.decode()
    assert 'id="benchmark">Compared with other agencies' in html
    assert "Red 2 (40%)" in html  # the sector's theme 1
    aardvark = client.get(
        staff_url(w.partnership, "staff_return_review", reference=w.returns["Aardvark Council"].reference)
    ).content.decode()
    assert "Not shown (fewer than 5)" in aardvark
