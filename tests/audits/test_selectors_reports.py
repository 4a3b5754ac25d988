"""Every reporting selector keeps to its partnership: asked with partnership
A about B's cycle (same slug, as real partnerships' cycles often share one)
it finds nothing of B's, and with A's own cycle nothing of B's creeps in."""

import pytest
from django.apps import apps

from audits.models import Rag
from audits.selectors.reports import (
    cycle_compare_choices,
    cycle_comparison,
    cycle_summary_report,
    export_answer_rows,
    export_sizes,
    export_theme_rows,
    report_themes,
    theme_moderations,
)
from themes.models import Theme

from .reports_world import reports_world

pytestmark = pytest.mark.django_db

COVERED = {
    "report_themes",
    "theme_moderations",
    "export_answer_rows",
    "export_theme_rows",
    "export_sizes",
    "cycle_summary_report",
    "cycle_compare_choices",
    "cycle_comparison",
}


@pytest.fixture
def a():
    return reports_world("alpha")


@pytest.fixture
def b(a):
    w = reports_world("bravo")
    # Tell the two apart by name: bravo's agencies are renamed.
    for agency in w.agencies.values():
        agency.name = "Bravo " + agency.name
        agency.save(update_fields=["name"])
    Theme.objects.filter(question_set__partnership=w.partnership).update(title="Bravo theme")
    return w


def test_report_themes_keeps_to_its_partnership(a, b):
    assert [h.key for h in report_themes(partnership=a.partnership, cycle=a.cycle)] == [
        "theme-1",
        "theme-2",
        "theme-3",
    ]
    assert all(h.title != "Bravo theme" for h in report_themes(partnership=a.partnership, cycle=a.cycle))
    assert report_themes(partnership=a.partnership, cycle=b.cycle) == []


@pytest.mark.parametrize("rows", [export_answer_rows, export_theme_rows])
def test_export_rows_keep_to_their_partnership(a, b, rows):
    own = list(rows(partnership=a.partnership, cycle=a.cycle))
    assert own
    assert not [r for r in own if r.ret.agency.startswith("Bravo") or r.theme == "Bravo theme"]
    assert {r.ret.reference for r in own} == {s.reference for s in a.returns.values()}
    assert list(rows(partnership=a.partnership, cycle=b.cycle)) == []


def test_export_sizes_keep_to_their_partnership(a, b):
    own = export_sizes(partnership=a.partnership, cycle=a.cycle)
    assert (own.returns, own.answer_rows, own.theme_rows) == (5, 45, 15)
    other = export_sizes(partnership=a.partnership, cycle=b.cycle)
    assert (other.returns, other.answer_rows, other.theme_rows) == (0, 0, 0)


def test_theme_moderations_keep_to_their_partnership(a, b):
    model = _moderation_model()
    ids = [s.pk for s in (*a.returns.values(), *b.returns.values())]
    for w in (a, b):
        submission = w.returns["Aardvark Council"]
        theme = w.question_set.themes.get(key="theme-1")
        model.objects.create(
            partnership=w.partnership, submission=submission, theme=theme, rag=Rag.AMBER, comment=w.cycle.slug
        )
    found = theme_moderations(partnership=a.partnership, submission_ids=ids)
    assert set(found) == {(a.returns["Aardvark Council"].pk, a.question_set.themes.get(key="theme-1").pk)}


def _moderation_model():
    try:
        return apps.get_model("audits", "ThemeModeration")
    except LookupError:
        pytest.skip("ThemeModeration (the review part) is not merged in yet")


def test_summary_report_keeps_to_its_partnership(a, b):
    report = cycle_summary_report(partnership=a.partnership, cycle=a.cycle)
    assert report.returns_total == 5
    assert [loc.name for loc in report.localities] == ["Alpha North", "Alpha South"]
    other = cycle_summary_report(partnership=a.partnership, cycle=b.cycle)
    assert other.returns_total == 0
    assert other.themes == []
    assert other.localities == []


def test_compare_choices_keep_to_their_partnership(a, b):
    assert list(cycle_compare_choices(partnership=a.partnership, cycle=a.cycle)) == [a.previous]
    # B's cycle, asked about under A: A's earlier cycles only, never B's.
    assert b.previous not in cycle_compare_choices(partnership=a.partnership, cycle=b.cycle)


def test_comparison_keeps_to_its_partnership(a, b):
    own = cycle_comparison(partnership=a.partnership, cycle=a.cycle, previous=a.previous)
    assert [row.agency for row in own.agencies] == sorted(a.returns)
    # B's earlier cycle named as A's previous: none of B's ratings count.
    crossed = cycle_comparison(partnership=a.partnership, cycle=a.cycle, previous=b.previous)
    assert all(c.previous == "" for row in crossed.agencies for c in row.changes)
    assert cycle_comparison(partnership=a.partnership, cycle=b.cycle, previous=a.previous).agencies == []
