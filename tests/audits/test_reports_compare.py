"""Comparing a cycle with an earlier one: each agency's rating of each
theme, matched by theme key across question-set versions, improved, the
same, worse, new or not rated; counts per theme; the choice of cycle."""

from datetime import timedelta

import pytest

from audits.models import Rag
from audits.selectors.reports import Movement, _rating_movement, cycle_comparison
from partnerships.models import Sector, StaffRole
from tests.factories import AgencyFactory, AuditCycleFactory, SubmissionFactory, theme_save
from tests.staff import staff_client, staff_url

from .reports_world import reports_world, submit, themes_of

pytestmark = pytest.mark.django_db

IMPROVED, SAME, WORSE, NEW, NOT_RATED = Movement.ORDER


@pytest.fixture
def world():
    w = reports_world()
    # Fox Fire rated theme 1 Green last time and Red now: worse.
    fox = AgencyFactory(partnership=w.partnership, name="Fox Fire and Rescue", sector=Sector.FIRE_AND_RESCUE)
    before = SubmissionFactory(cycle=w.previous, agency=fox)
    for theme in themes_of(w.previous_set):
        theme_save(before, theme, value="yes", rag=Rag.GREEN)
    submit(before)
    now = SubmissionFactory(cycle=w.cycle, agency=fox)
    t1, t2, t3 = themes_of(w.question_set)
    theme_save(now, t1, value="no", rag=Rag.RED, comments="Lost our lead")
    theme_save(now, t2, value="yes", rag=Rag.GREEN)
    theme_save(now, t3, value="yes", rag=Rag.GREEN)
    submit(now)
    return w


@pytest.fixture
def reader(client, world):
    return staff_client(client, world.partnership, StaffRole.READ_ONLY)


def url(world, **query):
    base = staff_url(world.partnership, "staff_cycle_compare", cycle_slug=world.cycle.slug)
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize(
    ("previous", "current", "movement"),
    [
        ("red", "amber", IMPROVED),
        ("amber", "green", IMPROVED),
        ("red", "green", IMPROVED),
        ("green", "green", SAME),
        ("red", "red", SAME),
        ("green", "amber", WORSE),
        ("amber", "red", WORSE),
        ("", "green", NEW),
        ("", "red", NEW),
        ("green", "", NOT_RATED),
        ("", "", NOT_RATED),
    ],
)
def test_rating_movement(previous, current, movement):
    assert _rating_movement(previous, current) == movement


def test_each_agency_and_theme(world):
    comparison = cycle_comparison(partnership=world.partnership, cycle=world.cycle, previous=world.previous)
    assert [h.key for h in comparison.themes] == ["theme-1", "theme-2", "theme-3"]
    got = {
        row.agency: [(c.previous, c.current, c.movement) for c in row.changes] for row in comparison.agencies
    }
    nr = ("", "", NOT_RATED)
    assert got == {
        # theme 3 is new in this version of the set
        "Aardvark Council": [("amber", "green", IMPROVED), ("amber", "amber", SAME), ("", "red", NEW)],
        # a draft, in either cycle, is not a rating
        "Badger Health": [nr, nr, nr],
        "Cormorant Police": [nr, nr, nr],
        "Dormouse Trust": [("green", "green", SAME), ("red", "green", IMPROVED), ("", "red", NEW)],
        # returned for changes: not rated now
        "Eel Youth Justice": [nr, nr, nr],
        "Fox Fire and Rescue": [("green", "red", WORSE), ("green", "green", SAME), ("", "green", NEW)],
    }


def test_counts_per_theme(world):
    comparison = cycle_comparison(partnership=world.partnership, cycle=world.cycle, previous=world.previous)
    assert {row.theme.key: row.cells for row in comparison.summary} == {
        # improved, same, worse, new, not rated
        "theme-1": [1, 1, 1, 0, 3],
        "theme-2": [1, 2, 0, 0, 3],
        "theme-3": [0, 0, 0, 3, 3],
    }


def test_the_page_shows_movements_as_words_and_colours(reader, world):
    response = reader.get(url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Section 11 audit 2026 compared with Section 11 audit 2024" in html
    # The default is the cycle just before this one, selected in the list.
    assert '<option value="s11-2024" selected>' in html
    for colour, word, detail in (
        ("green", "Improved", "Amber to Green"),
        ("red", "Worse", "Green to Red"),
        ("purple", "New", "Red, not rated before"),
    ):
        tag = f'<strong class="govuk-tag govuk-tag--{colour}">{word}</strong>'
        assert f'{tag}<br><span class="govuk-body-s">{detail}</span>' in html
    assert '<strong class="govuk-tag govuk-tag--blue">Same</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--grey">Not rated</strong>' in html


def test_choosing_an_older_cycle(reader, world):
    older_set = world.previous_set
    oldest = AuditCycleFactory(
        partnership=world.partnership,
        question_set=older_set,
        title="Section 11 audit 2022",
        slug="s11-2022",
        opens_at=world.previous.opens_at - timedelta(days=700),
        closes_at=world.previous.opens_at - timedelta(days=600),
    )
    html = reader.get(url(world)).content.decode()
    assert html.index('value="s11-2024"') < html.index('value="s11-2022"')
    response = reader.get(url(world, previous=oldest.slug))
    html = response.content.decode()
    assert '<option value="s11-2022" selected>' in html
    assert "compared with Section 11 audit 2022" in html
    # Nobody rated anything in 2022: every rating now is new.
    assert "Improved</strong><br>" not in html
    assert "Same</strong><br>" not in html


@pytest.mark.parametrize("bad", ["s11-2026", "no-such-cycle", ""])
def test_a_cycle_that_is_not_an_earlier_one_is_an_error(reader, world, bad):
    response = reader.get(url(world, previous=bad))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "<title>Error: " in html
    assert 'href="#id_previous"' in html
    assert "compared with" not in html


def test_another_partnerships_cycle_is_not_offered_or_accepted(client, world):
    other = reports_world("bravo")
    other.previous.title = "Bravo's audit 2024"
    other.previous.save(update_fields=["title"])
    extra = AuditCycleFactory(
        partnership=other.partnership,
        question_set=other.previous_set,
        title="Bravo's audit 2020",
        slug="bravo-2020",
        opens_at=world.previous.opens_at - timedelta(days=2000),
        closes_at=world.previous.opens_at - timedelta(days=1900),
    )
    reader = staff_client(client, world.partnership, StaffRole.READ_ONLY)
    html = reader.get(url(world)).content.decode()
    assert "Bravo" not in html
    # Bravo's earlier cycle has the same slug as alpha's: alpha's is used.
    html = reader.get(url(world, previous="s11-2024")).content.decode()
    assert "compared with Section 11 audit 2024" in html
    assert "Amber to Green" in html
    # Bravo's own slug is not a choice here.
    html = reader.get(url(world, previous=extra.slug)).content.decode()
    assert "There is a problem" in html


def test_the_first_cycle_has_nothing_to_compare_with(client, world):
    reader = staff_client(client, world.partnership, StaffRole.READ_ONLY)
    response = reader.get(staff_url(world.partnership, "staff_cycle_compare", cycle_slug=world.previous.slug))
    assert response.status_code == 200
    html = response.content.decode()
    assert "has no cycle that opened before this one" in html
    assert "<select" not in html
