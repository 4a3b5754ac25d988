"""An agency's ratings beside its sector's and the partnership's (issue 15
item 5), for the review page and the agency's own evaluation.

A distribution is shown only where at least five agencies are in it, so no
single agency's ratings can be read off it. Ratings are agreed ratings: the
partnership's moderated rating where there is one, else the agency's own,
of submitted returns in the cycle.

The cycle's distribution is one query, kept in Django's cache (Redis in
production) for five minutes, so a page showing it costs no query while it
is fresh: the review page stays within its ten. The agency's own ratings
come from the page that has them, or one query each.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.http import Http404

from partnerships.models import Agency, Partnership, Sector
from themes.selectors import question_set_structure

from ..access import cycle_owned
from ..models import AuditCycle, Rag, SubmissionStatus, ThemeResponse
from ..models.review import ThemeModeration
from .reports import RagShares

BENCHMARK_MINIMUM = 5
CACHE_SECONDS = 300
RAGS = (Rag.RED.value, Rag.AMBER.value, Rag.GREEN.value)


@dataclass(frozen=True)
class Distribution(RagShares):
    """How the agencies of a group rated one theme (agreed ratings)."""

    agencies: int
    red: int
    amber: int
    green: int

    @property
    def rag_total(self) -> int:
        return self.agencies


@dataclass(frozen=True)
class BenchmarkRow:
    theme_key: str
    theme: str
    self_rag: str
    moderated_rag: str
    sector: Distribution | None  # None: fewer than five agencies
    partnership: Distribution | None

    @property
    def agreed_rag(self) -> str:
        return self.moderated_rag or self.self_rag


@dataclass(frozen=True)
class Benchmark:
    sector: str
    sector_label: str
    sector_agencies: int
    partnership_agencies: int
    rows: list[BenchmarkRow]
    minimum: int = BENCHMARK_MINIMUM

    @property
    def sector_shown(self) -> bool:
        return self.sector_agencies >= self.minimum

    @property
    def partnership_shown(self) -> bool:
        return self.partnership_agencies >= self.minimum


def _cache_key(cycle: AuditCycle) -> str:
    return f"s11:benchmark:{cycle.partnership_id}:{cycle.pk}"


def cycle_rating_distribution(*, partnership: Partnership, cycle: AuditCycle) -> dict:
    """{"agencies": {sector: n}, "ratings": {sector: {theme key: {rag: n}}}}
    for the cycle's submitted returns: one query, then cached."""
    cycle_owned(partnership=partnership, cycle=cycle)
    key = _cache_key(cycle)
    found = cache.get(key)
    if found is not None:
        return found
    moderated = ThemeModeration.objects.filter(
        partnership=partnership, submission=OuterRef("submission"), theme=OuterRef("theme")
    ).values("rag")[:1]
    rows = (
        ThemeResponse.objects.filter(
            submission__partnership=partnership,
            submission__cycle=cycle,
            submission__status=SubmissionStatus.SUBMITTED,
        )
        .annotate(moderated=Subquery(moderated))
        .values_list("submission__agency_id", "submission__agency__sector", "theme__key", "rag", "moderated")
    )
    agencies: dict[str, set[int]] = defaultdict(set)
    ratings: dict = defaultdict(lambda: defaultdict(lambda: dict.fromkeys(RAGS, 0)))
    for agency_id, sector, theme_key, rag, moderated_rag in rows:
        agencies[sector].add(agency_id)
        agreed = moderated_rag or rag
        if agreed in RAGS:
            ratings[sector][theme_key][agreed] += 1
    value = {
        "agencies": {sector: len(ids) for sector, ids in agencies.items()},
        "ratings": {sector: {k: dict(v) for k, v in themes.items()} for sector, themes in ratings.items()},
    }
    cache.set(key, value, CACHE_SECONDS)
    return value


def _own_ratings(*, partnership: Partnership, cycle: AuditCycle, agency: Agency) -> dict:
    moderated = ThemeModeration.objects.filter(
        partnership=partnership, submission=OuterRef("submission"), theme=OuterRef("theme")
    ).values("rag")[:1]
    return {
        key: (rag, moderated_rag or "")
        for key, rag, moderated_rag in ThemeResponse.objects.filter(
            submission__partnership=partnership,
            submission__cycle=cycle,
            submission__agency=agency,
            submission__status=SubmissionStatus.SUBMITTED,
        )
        .annotate(moderated=Subquery(moderated))
        .values_list("theme__key", "rag", "moderated")
    }


def _shown(agencies: int, counts: dict[str, int]) -> Distribution | None:
    return Distribution(agencies, **counts) if agencies >= BENCHMARK_MINIMUM else None


def agency_benchmark(
    *,
    partnership: Partnership,
    cycle: AuditCycle,
    agency: Agency,
    own: dict[str, tuple[str, str]] | None = None,
    question_set_id: int | None = None,
) -> Benchmark:
    """The agency's ratings of each of the cycle's themes beside its sector's
    and the partnership's distributions. `own` ({theme key: (self rag,
    moderated rag)}) saves a query where the page has read them already;
    `question_set_id` names the set of the agency's return when it is not
    the cycle's."""
    cycle_owned(partnership=partnership, cycle=cycle)
    if agency.partnership_id != partnership.pk:
        raise Http404("No such agency")
    data = cycle_rating_distribution(partnership=partnership, cycle=cycle)
    if own is None:
        own = _own_ratings(partnership=partnership, cycle=cycle, agency=agency)
    by_sector = data["agencies"]
    ratings = data["ratings"]
    sector_agencies = by_sector.get(agency.sector, 0)
    partnership_agencies = sum(by_sector.values())
    rows = []
    for theme in question_set_structure(
        partnership=partnership, question_set_id=question_set_id or cycle.question_set_id
    ).themes:
        in_sector = ratings.get(agency.sector, {}).get(theme.key, dict.fromkeys(RAGS, 0))
        everyone = dict.fromkeys(RAGS, 0)
        for by_theme in ratings.values():
            for rag, n in by_theme.get(theme.key, {}).items():
                everyone[rag] += n
        self_rag, moderated_rag = own.get(theme.key, ("", ""))
        rows.append(
            BenchmarkRow(
                theme_key=theme.key,
                theme=theme.title,
                self_rag=self_rag,
                moderated_rag=moderated_rag,
                sector=_shown(sector_agencies, in_sector),
                partnership=_shown(partnership_agencies, everyone),
            )
        )
    return Benchmark(
        sector=agency.sector,
        sector_label=Sector(agency.sector).label if agency.sector in Sector.values else agency.sector,
        sector_agencies=sector_agencies,
        partnership_agencies=partnership_agencies,
        rows=rows,
    )
