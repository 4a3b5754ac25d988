"""The cycle's dashboard, heatmap and answers-by-question pages as staff see
them: what they show, the filter form, the reminder form, and that they make
the same number of queries for 10 agencies as for 200."""

import re
from html import unescape

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from audits.models import Submission, SubmissionStatus
from bench.dashboard import populate
from partnerships.models import Sector, StaffRole
from tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    SubmissionFactory,
    theme_save,
    two_partnerships,
)
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = two_partnerships()
    a = w.a
    themes = list(a.question_set.themes.order_by("order"))
    theme_save(a.submission, themes[0], rag="amber", comments="We will improve.")
    police = AgencyFactory(partnership=a.partnership, name="Alpha Police", sector=Sector.POLICE)
    SubmissionFactory(cycle=a.cycle, agency=police, status=SubmissionStatus.SUBMITTED)
    AgencyFactory(partnership=a.partnership, name="Alpha Charity", sector=Sector.VOLUNTARY)
    AgencyFactory(partnership=w.b.partnership, name="Bravo Secret Agency")
    w.themes = themes
    w.police = police
    return w


def _url(w, name, query=""):
    return staff_url(w.a.partnership, name, cycle_slug=w.a.cycle.slug) + query


def _text(response) -> str:
    """The page's text, tags removed and white space collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.fixture
def reviewer(client, world):
    return staff_client(client, world.a.partnership, StaffRole.REVIEWER)


# ---------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------


def test_dashboard_shows_counts_agencies_and_localities(reviewer, world):
    response = reviewer.get(_url(world, "staff_cycle_dashboard"))
    assert response.status_code == 200
    text = _text(response)
    assert "Agencies by status" in text
    assert re.search(r"Not started 1 In progress 1 Submitted 1 Returned for changes 0 Evaluated 0", text)
    assert "Agencies (3)" in text
    assert "ALPHA Borough Council" in text and "Alpha Police" in text and "Alpha Charity" in text
    assert "Bravo" not in text
    # The council answered theme 1's four questions of twelve.
    assert "33% 4 of 12" in text
    assert "Jo Contributor" in text
    assert "days left" in text
    assert "Progress by locality" in text
    assert re.search(r"ALPHA North 1 1 0 0%", text)
    assert re.search(r"No locality 2 1 1 50%", text)
    html = response.content.decode()
    assert '<strong class="govuk-tag govuk-tag--light-blue">In progress</strong>' in html
    assert 'aria-current="page">Progress</a>' in html
    # The staff home page links here.
    home = reviewer.get(staff_url(world.a.partnership, "staff_home"))
    assert _url(world, "staff_cycle_dashboard") in home.content.decode()


def test_dashboard_filters_keep_what_was_chosen(reviewer, world):
    query = f"?locality={world.a.locality.pk}&sector=local_authority&status=in_progress&status=not_started"
    response = reviewer.get(_url(world, "staff_cycle_dashboard", query))
    text = _text(response)
    assert "Agencies (1)" in text
    assert "ALPHA Borough Council" in text and "Alpha Police" not in text
    html = response.content.decode()
    assert f'<option value="{world.a.locality.pk}" selected>' in html
    assert '<option value="local_authority" selected>' in html
    assert re.search(r'value="in_progress" checked', html)
    assert re.search(r'value="not_started" checked', html)
    assert not re.search(r'value="submitted" checked', html)
    assert "<title>Progress" in html  # no error


def test_dashboard_filter_with_no_match(reviewer, world):
    response = reviewer.get(_url(world, "staff_cycle_dashboard", "?sector=prison"))
    assert "No agencies match these filters." in _text(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?locality={bravo_locality}", "Select a locality from the list"),
        ("?locality=not-a-number", "Select a locality from the list"),
        ("?sector=spies", "Select a sector from the list"),
        ("?status=lost", "Select statuses from the list"),
    ],
)
def test_dashboard_bad_filters_get_an_error_and_are_ignored(reviewer, world, query, message):
    query = query.format(bravo_locality=world.b.locality.pk)
    response = reviewer.get(_url(world, "staff_cycle_dashboard", query))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Progress" in html
    assert "govuk-error-summary" in html
    assert html.count(message) == 2  # in the summary and beside the field
    assert "Agencies (3)" in _text(response)  # that filter left out, the rest applied


@pytest.mark.parametrize("name", ["staff_cycle_dashboard", "staff_cycle_heatmap"])
def test_agencies_with_a_return_link_to_its_review(reviewer, world, name):
    html = reviewer.get(_url(world, name, "?show_not_started=on")).content.decode()
    reference = world.a.submission.reference
    review = staff_url(world.a.partnership, "staff_return_review", reference=reference)
    assert f'<a class="govuk-link" href="{review}">ALPHA Borough Council</a>' in html
    assert html.count('href="/alpha/staff/returns/') == 2  # the council and the police; not the charity
    assert "Alpha Charity" in html and "Alpha Charity</a>" not in html


@pytest.mark.parametrize("role", [StaffRole.REVIEWER, StaffRole.ADMIN])
def test_dashboard_remind_form_for_roles_that_review(client, world, role):
    staff_client(client, world.a.partnership, role)
    response = client.get(_url(world, "staff_cycle_dashboard"))
    html = response.content.decode()
    remind = staff_url(world.a.partnership, "staff_cycle_remind", cycle_slug=world.a.cycle.slug)
    assert f'<form method="post" action="{remind}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    values = set(re.findall(r'name="agency" type="checkbox" value="(\d+)"', html))
    # In progress: yes. Submitted, or no return to remind about yet: no.
    assert values == {str(world.a.agency.pk)}
    assert "Remind ALPHA Borough Council" in html  # each checkbox has a label
    assert "Send a reminder now" in html
    # Back to this page, filters and all, after sending.
    assert '<input type="hidden" name="next" value="/alpha/staff/cycles/s11-2026/">' in html
    response = client.get(_url(world, "staff_cycle_dashboard", "?sector=local_authority"))
    assert (
        'name="next" value="/alpha/staff/cycles/s11-2026/?sector=local_authority"'
        in response.content.decode()
    )


def test_dashboard_remind_form_not_for_read_only(client, world):
    staff_client(client, world.a.partnership, StaffRole.READ_ONLY)
    html = client.get(_url(world, "staff_cycle_dashboard")).content.decode()
    assert 'name="agency"' not in html
    assert "Send a reminder now" not in html


def test_dashboard_remind_form_not_when_nobody_can_be_reminded(reviewer, world):
    html = reviewer.get(_url(world, "staff_cycle_dashboard", "?status=submitted")).content.decode()
    assert "Alpha Police" in html
    assert "Send a reminder now" not in html


# ---------------------------------------------------------------------------
# Heatmap
# ---------------------------------------------------------------------------


def test_heatmap_shows_each_rating_as_a_word_and_a_colour(reviewer, world):
    response = reviewer.get(_url(world, "staff_cycle_heatmap"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<th scope="col" class="govuk-table__header s11-heatmap__theme">1. Theme 1</th>' in html
    assert re.search(
        r'<th scope="row" class="govuk-table__header s11-heatmap__agency">'
        r"\s*(<a [^>]*>)?ALPHA Borough Council",
        html,
    )
    assert '<td class="govuk-table__cell s11-heatmap__cell s11-rag--amber">Amber</td>' in html
    assert '<td class="govuk-table__cell s11-heatmap__cell s11-rag--none">Not rated</td>' in html
    assert "Agencies&#x27; self-rating by theme (2 agencies)" in html  # Alpha Charity has not started
    assert re.search(r'id="id_rating" name="rating" type="radio" value="self" checked', html)
    assert "Bravo" not in html


def test_heatmap_switches_to_the_moderated_rating(reviewer, world):
    html = reviewer.get(_url(world, "staff_cycle_heatmap", "?rating=moderated")).content.decode()
    assert "Moderated rating by theme" in html
    assert ">Not moderated</td>" in html
    assert ">Amber</td>" not in html
    assert re.search(r'name="rating" type="radio" value="moderated" checked', html)


def test_heatmap_bad_rating_is_an_error_and_shows_self_rating(reviewer, world):
    response = reviewer.get(_url(world, "staff_cycle_heatmap", "?rating=secret"))
    html = response.content.decode()
    assert "<title>Error: RAG heatmap" in html
    assert html.count("Select which rating to show") == 2
    assert ">Amber</td>" in html


def test_heatmap_filters(reviewer, world):
    html = reviewer.get(_url(world, "staff_cycle_heatmap", "?sector=police")).content.decode()
    assert "Alpha Police" in html and "ALPHA Borough Council" not in html


def test_heatmap_groups_by_question_set_only_when_there_are_several(reviewer, world):
    from tests.factories import question_set_with_questions

    html = reviewer.get(_url(world, "staff_cycle_heatmap")).content.decode()
    assert world.a.question_set.name not in html
    other = question_set_with_questions(world.a.partnership, themes=2, name="Voluntary sector tool")
    club = AgencyFactory(partnership=world.a.partnership, name="Alpha Youth Club", sector=Sector.VOLUNTARY)
    # A return not started yet may be moved to another set (a submitted one is locked).
    Submission.objects.filter(pk=SubmissionFactory(cycle=world.a.cycle, agency=club).pk).update(
        question_set=other
    )
    text = _text(reviewer.get(_url(world, "staff_cycle_heatmap", "?show_not_started=on")))
    hint = "Scroll sideways to see all {} themes. The last row totals each theme."
    caption = "Agencies' self-rating by theme: {}"
    name = world.a.question_set.name
    assert f"{name} {hint.format(3)} {caption.format(name)}" in text
    tool = "Voluntary sector tool"
    assert f"{tool} {hint.format(2)} {caption.format(tool)} (1 agency)" in text


def _health(world):
    """A third return in progress: theme 1 Red, theme 2 Green, theme 3 not rated."""
    health = AgencyFactory(partnership=world.a.partnership, name="Alpha Health", sector=Sector.NHS)
    submission = SubmissionFactory(cycle=world.a.cycle, agency=health)
    theme_save(submission, world.themes[0], rag="red", comments="We will train staff.")
    theme_save(submission, world.themes[1], rag="green")


def test_heatmap_totals_each_theme_and_hides_agencies_not_started(reviewer, world):
    # Shown: ALPHA Borough Council (Amber, -, -), Alpha Police (submitted, nothing
    # rated), Alpha Health (Red, Green, -); Alpha Charity has not started.
    _health(world)
    text = _text(reviewer.get(_url(world, "staff_cycle_heatmap")))
    assert "1 agency has not started and is not shown. Show agencies not started" in text
    assert "Alpha Charity" not in text
    assert "Scroll sideways to see all 3 themes." in text
    assert (
        "Totals 3 agencies"
        " Red 1 Amber 1 Green 0 Not rated 1"
        " Red 0 Amber 0 Green 1 Not rated 2"
        " Red 0 Amber 0 Green 0 Not rated 3"
    ) in text


def test_heatmap_shows_agencies_not_started_when_asked(reviewer, world):
    _health(world)
    html = reviewer.get(_url(world, "staff_cycle_heatmap")).content.decode()
    assert 'href="?show_not_started=on">Show agencies not started</a>' in html
    response = reviewer.get(_url(world, "staff_cycle_heatmap", "?show_not_started=on"))
    text = _text(response)
    assert "Alpha Charity" in text and "has not started and is not shown" not in text
    assert (
        "Totals 4 agencies"
        " Red 1 Amber 1 Green 0 Not rated 2"
        " Red 0 Amber 0 Green 1 Not rated 3"
        " Red 0 Amber 0 Green 0 Not rated 4"
    ) in text
    assert 'name="show_not_started" type="checkbox" value="on">' in html  # not ticked by default
    assert 'name="show_not_started" type="checkbox" value="on" checked' in response.content.decode()


def test_heatmap_status_filter_decides_for_itself(reviewer, world):
    # Choosing statuses says what to show: not started included when chosen.
    text = _text(reviewer.get(_url(world, "staff_cycle_heatmap", "?status=not_started")))
    assert "Alpha Charity" in text and "not shown" not in text


def test_heatmap_moderated_totals_count_not_moderated(reviewer, world):
    text = _text(reviewer.get(_url(world, "staff_cycle_heatmap", "?rating=moderated")))
    assert "Totals 2 agencies Red 0 Amber 0 Green 0 Not moderated 2" in text


# ---------------------------------------------------------------------------
# Answers by question
# ---------------------------------------------------------------------------


def test_questions_page_shows_shares_per_question(reviewer, world):
    response = reviewer.get(_url(world, "staff_cycle_questions"))
    assert response.status_code == 200
    text = _text(response)
    assert "Answers by question" in text
    assert re.search(r"1\.1 Theme 1, question 1\? 100% \(1\) 0% \(0\) 0% \(0\) 1", text)
    assert re.search(r"2\.1 Theme 2, question 1\? 0% \(0\) 0% \(0\) 0% \(0\) 0", text)


def test_questions_page_filters(reviewer, world):
    text = _text(reviewer.get(_url(world, "staff_cycle_questions", "?sector=police")))
    assert re.search(r"1\.1 Theme 1, question 1\? 0% \(0\) 0% \(0\) 0% \(0\) 0", text)


def test_pages_404_for_an_unknown_cycle(reviewer, world):
    for name in ("staff_cycle_dashboard", "staff_cycle_heatmap", "staff_cycle_questions"):
        url = staff_url(world.a.partnership, name, cycle_slug="no-such-cycle")
        assert reviewer.get(url).status_code == 404


# ---------------------------------------------------------------------------
# The same number of queries for 10 agencies as for 200
# ---------------------------------------------------------------------------

PAGES = [
    ("staff_cycle_dashboard", ""),
    ("staff_cycle_dashboard", "?sector=local_authority&status=in_progress&status=not_started"),
    ("staff_cycle_heatmap", ""),
    ("staff_cycle_heatmap", "?rating=moderated"),
    ("staff_cycle_questions", ""),
]


def _queries(client, partnership, cycle, name, query, locality=False):
    url = staff_url(partnership, name, cycle_slug=cycle.slug) + query
    if locality:
        url += ("&" if query else "?") + f"locality={partnership.localities.order_by('pk').first().pk}"
    client.get(url)  # as a running server would be: the partnership and question sets cached
    reset_queries()  # request_started clears the log; start empty so the count is this request's
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response


def _agencies_named(response) -> int:
    return len(set(re.findall(r"Agency \d+-\d{4}", response.content.decode())))


@pytest.mark.parametrize(("name", "query"), PAGES)
def test_query_count_does_not_grow_with_the_number_of_agencies(client, name, query):
    small = PartnershipFactory(slug="small")
    large = PartnershipFactory(slug="large")
    small_cycle = populate(small, agencies=10, themes=3, questions=3, localities=2)
    large_cycle = populate(large, agencies=200, themes=3, questions=3, localities=2)
    staff_client(client, small, StaffRole.REVIEWER)
    few, few_response = _queries(client, small, small_cycle, name, query)
    staff_client(client, large, StaffRole.REVIEWER)
    many, many_response = _queries(client, large, large_cycle, name, query)
    assert few == many, (few, many)
    if name != "staff_cycle_questions":  # which names no agency
        assert _agencies_named(many_response) > _agencies_named(few_response) > 0
    assert few <= 16
    # The same with a locality chosen.
    assert _queries(client, large, large_cycle, name, query, locality=True)[0] == many


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"sector": "local_authority"},
        {"statuses": frozenset({"in_progress", "not_started"})},
        {"locality": True},
        {"locality": True, "statuses": frozenset({"submitted"})},
    ],
)
def test_the_dashboard_read_once_agrees_with_its_parts(filters):
    from audits.selectors.dashboard import (
        CycleFilters,
        cycle_agency_rows,
        cycle_dashboard,
        cycle_locality_progress,
        cycle_status_counts,
    )

    partnership = PartnershipFactory(slug="parts")
    cycle = populate(partnership, agencies=40, themes=2, questions=2, localities=3)
    locality = partnership.localities.order_by("pk").first()
    f = CycleFilters(
        locality_id=locality.pk if filters.get("locality") else None,
        sector=filters.get("sector", ""),
        statuses=filters.get("statuses", frozenset()),
    )
    args = {"partnership": partnership, "cycle": cycle, "filters": f}
    dashboard = cycle_dashboard(**args, locality_name=locality.name if f.locality_id else "")
    assert dashboard.status_counts == cycle_status_counts(**args)
    assert dashboard.localities == cycle_locality_progress(**args)
    assert [(r.agency_id, r.status) for r in dashboard.rows] == [
        (r.agency_id, r.status) for r in cycle_agency_rows(**args)
    ]
