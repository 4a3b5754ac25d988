"""Reads for a cycle's dashboard, its RAG heatmap and its per-question table.

Every public function takes the partnership and the cycle, refuses a cycle of
another partnership (404), and only ever reads that partnership's agencies and
returns. Each makes a fixed number of queries, whatever the number of agencies
or themes: the counting is done by the database (GROUP BY, subqueries), and
what is left is joined up here in Python from a handful of flat result sets.

Who takes part in a cycle is audits/selectors/scope.py's to say: every
agency in the cycle's scope (a return, or none yet, which counts as not
started), and any agency that has left the scope but started its return.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import SimpleNamespace
from typing import NamedTuple

from django.db.models import Case as SqlCase
from django.db.models import (
    CharField,
    Count,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
)
from django.db.models import When as SqlWhen
from django.utils import timezone

from partnerships.models import Agency, Partnership, Sector
from themes.models import Question, QuestionSet, Theme
from themes.selectors import question_set_structure

from ..access import cycle_owned
from ..models import (
    Answer,
    AnswerValue,
    AuditCycle,
    Rag,
    ResumeLink,
    Submission,
    SubmissionStatus,
    ThemeResponse,
)
from ..models.question_sets import CycleQuestionSet, matching_rules
from ..models.review import ThemeModeration, evaluated_q
from .scope import cycle_agencies_without_return, cycle_returns_taking_part


class DashboardStatus(TextChoices):
    """A return's status as the dashboard reports it: the submission's own
    status, except that a submitted return whose evaluation is confirmed is
    "evaluated" (so the five add up to the number of agencies)."""

    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"
    EVALUATED = "evaluated", "Evaluated"


# GOV.UK tag colour for each status (none of them a RAG colour).
STATUS_TAG = {
    DashboardStatus.NOT_STARTED: "govuk-tag--grey",
    DashboardStatus.IN_PROGRESS: "govuk-tag--light-blue",
    DashboardStatus.SUBMITTED: "govuk-tag--blue",
    DashboardStatus.RETURNED: "govuk-tag--orange",
    DashboardStatus.EVALUATED: "govuk-tag--turquoise",
}

# Returns an agency may still be reminded about.
REMINDABLE = frozenset({DashboardStatus.NOT_STARTED, DashboardStatus.IN_PROGRESS, DashboardStatus.RETURNED})
# Returns that are in (submitted, whether or not evaluated yet).
HANDED_IN = frozenset({DashboardStatus.SUBMITTED, DashboardStatus.EVALUATED})


class Rating(TextChoices):
    SELF = "self", "Agencies' self-rating"
    MODERATED = "moderated", "Moderated rating"


@dataclass(frozen=True)
class CycleFilters:
    """What the dashboard, heatmap and question table are narrowed to. An
    empty `statuses` means every status."""

    locality_id: int | None = None
    sector: str = ""
    statuses: frozenset[str] = frozenset()

    def wants(self, status: str) -> bool:
        return not self.statuses or status in self.statuses


NO_FILTERS = CycleFilters()


# ---------------------------------------------------------------------------
# The two places the review part plugs into
# ---------------------------------------------------------------------------


def _evaluated_q() -> Q:
    """Which submissions count as evaluated: the one place that says so.

    A return is evaluated when it is submitted and the partnership has
    confirmed its evaluation to the agency, which the review part records
    (audits/models/review.py: `evaluated_q()`, a confirmed
    `SubmissionReview.evaluated_at`). The Q is on Submission; everything that counts or filters by
    "evaluated" goes through `_dashboard_status()`, which uses this.
    """
    return evaluated_q()


def _moderated_ratings(submissions: QuerySet[Submission]) -> Iterable[tuple[int, int, str]]:
    """(submission id, theme id, RAG) for every theme the partnership has
    moderated in these returns, in one query: the one place the heatmap reads
    moderated ratings from (the review part's `ThemeModeration`, kept in a
    table of its own because a submitted return's rows are locked)."""
    return (
        ThemeModeration.objects.filter(submission__in=submissions.values("pk"))
        .order_by()
        .values_list("submission_id", "theme_id", "rag")
    )


# ---------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------


def _dashboard_status():
    return SqlCase(
        SqlWhen(_evaluated_q(), then=Value(DashboardStatus.EVALUATED.value)),
        default=F("status"),
        output_field=CharField(),
    )


def _submissions(
    partnership: Partnership, cycle: AuditCycle, filters: CycleFilters, *, by_status: bool = True
) -> QuerySet[Submission]:
    """The cycle's returns, narrowed by the filters, each annotated with its
    `dashboard_status`. No default ordering: callers group or order."""
    qs = cycle_returns_taking_part(partnership=partnership, cycle=cycle)
    if filters.locality_id:
        qs = qs.filter(agency__localities=filters.locality_id)
    if filters.sector:
        qs = qs.filter(agency__sector=filters.sector)
    qs = qs.annotate(dashboard_status=_dashboard_status())
    if by_status and filters.statuses:
        qs = qs.filter(dashboard_status__in=sorted(filters.statuses))
    return qs.order_by()


def _agencies_without_return(
    partnership: Partnership, cycle: AuditCycle, filters: CycleFilters
) -> QuerySet[Agency]:
    """Agencies in the cycle's scope that have no return in it yet: not
    started. The status filter is the caller's business (they are all not
    started)."""
    qs = cycle_agencies_without_return(partnership=partnership, cycle=cycle)
    if filters.locality_id:
        qs = qs.filter(localities=filters.locality_id)
    if filters.sector:
        qs = qs.filter(sector=filters.sector)
    return qs.order_by()


def _percent(part: int, whole: int) -> int:
    """Whole per cent, rounded down, so that 199 of 200 is 99%, never 100%."""
    return (100 * part) // whole if whole else 0


def _sets_in_order(cycle: AuditCycle, sets: dict[int, QuestionSet]) -> list[int]:
    """Question set ids: the cycle's own first, then the others by name."""
    others = sorted((pk for pk in sets if pk != cycle.question_set_id), key=lambda pk: (sets[pk].name, pk))
    return [cycle.question_set_id, *others]


def _days_left(deadline: datetime, today) -> int:
    return (timezone.localtime(deadline).date() - today).days


# ---------------------------------------------------------------------------
# Counts by status
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def cycle_status_counts(
    *, partnership: Partnership, cycle: AuditCycle, filters: CycleFilters = NO_FILTERS
) -> list[StatusCount]:
    """How many agencies are at each status, in journey order, including
    zeros. Narrowed by locality and sector, not by status (two queries)."""
    cycle_owned(partnership=partnership, cycle=cycle)
    counts = dict(
        _submissions(partnership, cycle, filters, by_status=False)
        .values("dashboard_status")
        .annotate(n=Count("pk"))
        .values_list("dashboard_status", "n")
    )
    counts[DashboardStatus.NOT_STARTED] = (
        counts.get(DashboardStatus.NOT_STARTED, 0)
        + _agencies_without_return(partnership, cycle, filters).count()
    )
    return [StatusCount(s.value, s.label, counts.get(s.value, 0)) for s in DashboardStatus]


# ---------------------------------------------------------------------------
# One row per agency
# ---------------------------------------------------------------------------


@dataclass
class AgencyRow:
    agency_id: int
    agency_name: str
    sector: str
    localities: list[str]
    status: str
    deadline: datetime
    submission_id: int | None = None
    reference: str = ""
    answered: int = 0
    total: int = 0
    last_activity: datetime | None = None
    contributors: list[str] = field(default_factory=list)
    days_left: int | None = None  # None once handed in
    deadline_extended: bool = False
    review_url: str = ""  # set by the view when the review page exists

    @property
    def status_label(self) -> str:
        return DashboardStatus(self.status).label

    @property
    def status_tag(self) -> str:
        return STATUS_TAG[self.status]

    @property
    def percent_answered(self) -> int:
        return _percent(self.answered, self.total)

    @property
    def can_remind(self) -> bool:
        """Reminders go to a return's contacts, so an agency with no return
        in the cycle yet (never invited) cannot be reminded from here."""
        return self.submission_id is not None and self.status in REMINDABLE


def cycle_agency_rows(
    *, partnership: Partnership, cycle: AuditCycle, filters: CycleFilters = NO_FILTERS
) -> list[AgencyRow]:
    """Every agency taking part, by name: its status, the share of its
    questions answered, its last activity (a save, opening a link, the
    submission), who has contributed (names on resume links and theme saves)
    and the days to its deadline, which honours its own extension. Six
    queries, whatever the number of agencies."""
    cycle_owned(partnership=partnership, cycle=cycle)
    submissions = _submissions(partnership, cycle, filters)
    answered = (
        Answer.objects.filter(submission=OuterRef("pk"))
        .order_by()
        .values("submission")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_save = (
        ThemeResponse.objects.filter(submission=OuterRef("pk"))
        .order_by()
        .values("submission")
        .annotate(at=Max("updated_at"))
        .values("at")
    )
    last_link_use = (
        ResumeLink.objects.filter(submission=OuterRef("pk"))
        .order_by()
        .values("submission")
        .annotate(at=Max("last_used_at"))
        .values("at")
    )
    returns = list(
        submissions.annotate(
            answered=Subquery(answered), last_save=Subquery(last_save), last_link_use=Subquery(last_link_use)
        ).values(
            "pk",
            "reference",
            "agency_id",
            "agency__name",
            "agency__sector",
            "question_set_id",
            "dashboard_status",
            "submitted_at",
            "extended_until",
            "answered",
            "last_save",
            "last_link_use",
        )
    )
    without = []
    if filters.wants(DashboardStatus.NOT_STARTED):
        without = list(_agencies_without_return(partnership, cycle, filters).values("pk", "name", "sector"))

    # Questions in each question set the returns use (kept in the process).
    totals = {
        set_id: question_set_structure(partnership=partnership, question_set_id=set_id).question_count
        for set_id in {r["question_set_id"] for r in returns}
    }
    # Locality names for every agency of the partnership, found through the
    # partnership's localities (tens), not through every agency-locality
    # row in the country.
    localities = defaultdict(list)
    for agency_id, name in (
        Agency.localities.through.objects.filter(locality__partnership=partnership)
        .order_by("locality__name")
        .values_list("agency_id", "locality__name")
    ):
        localities[agency_id].append(name)
    # Contributors: the names on theme saves and on resume links, in one query.
    in_these = submissions.values("pk")
    contributors = defaultdict(dict)
    names = (
        ThemeResponse.objects.filter(submission__in=in_these)
        .exclude(updated_by_name="")
        .order_by()
        .values_list("submission_id", "updated_by_name")
        .union(
            ResumeLink.objects.filter(submission__in=in_these).order_by().values_list("submission_id", "name")
        )
    )
    # One spelling per person whatever order the database returns them in
    # (a UNION has none): the first in code-point order, so capitals win.
    for submission_id, name in names:
        key, name = name.strip().casefold(), name.strip()
        known = contributors[submission_id].get(key)
        contributors[submission_id][key] = min(known, name) if known else name

    sectors = dict(Sector.choices)
    today = timezone.localdate()
    rows = []
    for r in returns:
        deadline = cycle.closes_at
        if r["extended_until"] and r["extended_until"] > deadline:
            deadline = r["extended_until"]
        activity = [t for t in (r["last_save"], r["last_link_use"], r["submitted_at"]) if t]
        status = r["dashboard_status"]
        rows.append(
            AgencyRow(
                agency_id=r["agency_id"],
                agency_name=r["agency__name"],
                sector=sectors.get(r["agency__sector"], ""),
                localities=localities.get(r["agency_id"], []),
                status=status,
                deadline=deadline,
                deadline_extended=deadline != cycle.closes_at,
                submission_id=r["pk"],
                reference=r["reference"],
                answered=r["answered"] or 0,
                total=totals.get(r["question_set_id"], 0),
                last_activity=max(activity) if activity else None,
                contributors=sorted(contributors.get(r["pk"], {}).values(), key=str.casefold),
                days_left=None if status in HANDED_IN else _days_left(deadline, today),
            )
        )
    cycle_days_left = _days_left(cycle.closes_at, today)
    for a in without:
        rows.append(
            AgencyRow(
                agency_id=a["pk"],
                agency_name=a["name"],
                sector=sectors.get(a["sector"], ""),
                localities=localities.get(a["pk"], []),
                status=DashboardStatus.NOT_STARTED,
                deadline=cycle.closes_at,
                days_left=cycle_days_left,
            )
        )
    rows.sort(key=lambda row: (row.agency_name.casefold(), row.agency_id))
    return rows


# ---------------------------------------------------------------------------
# Progress by locality
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalityProgress:
    name: str  # "No locality" for agencies without one
    agencies: int
    started: int
    submitted: int

    @property
    def percent_submitted(self) -> int:
        return _percent(self.submitted, self.agencies)


NO_LOCALITY = "No locality"


def cycle_locality_progress(
    *, partnership: Partnership, cycle: AuditCycle, filters: CycleFilters = NO_FILTERS
) -> list[LocalityProgress]:
    """Per locality: agencies taking part, how many have started, how many
    have submitted (evaluated returns count as submitted). An agency in two
    localities counts in both; agencies in none are one row at the end.
    Narrowed by locality and sector, not by status (two queries)."""
    cycle_owned(partnership=partnership, cycle=cycle)
    tally = defaultdict(lambda: [0, 0, 0])
    for locality, total, started, submitted in (
        _submissions(partnership, cycle, filters, by_status=False)
        .values("agency__localities__name")
        .annotate(
            total=Count("pk"),
            started=Count("pk", filter=~Q(status=SubmissionStatus.NOT_STARTED)),
            submitted=Count("pk", filter=Q(status=SubmissionStatus.SUBMITTED)),
        )
        .values_list("agency__localities__name", "total", "started", "submitted")
    ):
        tally[locality][0] += total
        tally[locality][1] += started
        tally[locality][2] += submitted
    for locality, total in (
        _agencies_without_return(partnership, cycle, filters)
        .values("localities__name")
        .annotate(total=Count("pk"))
        .values_list("localities__name", "total")
    ):
        tally[locality][0] += total
    named = sorted((name for name in tally if name is not None), key=str.casefold)
    order = named + ([None] if None in tally else [])
    return [LocalityProgress(name or NO_LOCALITY, *tally[name]) for name in order]


@dataclass(frozen=True)
class Dashboard:
    status_counts: list[StatusCount]
    rows: list[AgencyRow]  # narrowed by the status filter too
    localities: list[LocalityProgress]


def cycle_dashboard(
    *,
    partnership: Partnership,
    cycle: AuditCycle,
    filters: CycleFilters = NO_FILTERS,
    locality_name: str = "",
) -> Dashboard:
    """The dashboard's three parts from one read of the agency rows (five
    queries in all): the counts by status and the progress by locality are
    those of cycle_status_counts and cycle_locality_progress, worked out
    from the rows (narrowed by locality and sector, not by status), and the
    rows are then narrowed by status. `locality_name`: the chosen
    locality's name, when the filters choose one (the progress table then
    shows that locality only)."""
    every = cycle_agency_rows(
        partnership=partnership, cycle=cycle, filters=replace(filters, statuses=frozenset())
    )
    counts = Counter(row.status for row in every)
    tally = defaultdict(lambda: [0, 0, 0])
    for row in every:
        names = row.localities or [None]
        if filters.locality_id:
            names = [locality_name]
        for name in names:
            tally[name][0] += 1
            tally[name][1] += row.status != DashboardStatus.NOT_STARTED
            tally[name][2] += row.status in (DashboardStatus.SUBMITTED, DashboardStatus.EVALUATED)
    named = sorted((name for name in tally if name is not None), key=str.casefold)
    order = named + ([None] if None in tally else [])
    return Dashboard(
        status_counts=[StatusCount(s.value, s.label, counts.get(s.value, 0)) for s in DashboardStatus],
        rows=[row for row in every if filters.wants(row.status)],
        localities=[LocalityProgress(name or NO_LOCALITY, *tally[name]) for name in order],
    )


# ---------------------------------------------------------------------------
# The heatmap: agencies × themes
# ---------------------------------------------------------------------------


class HeatmapCell(NamedTuple):
    """A tuple, so that the heatmap's template unpacks it in its loop."""

    rag: str  # "red", "amber", "green" or "" (none)
    label: str
    css: str
    # Figures an overlay adds to the cell: the practitioners' survey's
    # (surveys.templatetags.surveys.survey_heatmap_overlay), as that app
    # sits above this one.
    notes: tuple = ()


def _cell(rag: str, label: str) -> HeatmapCell:
    return HeatmapCell(rag, label, f"s11-rag--{rag or 'none'}")


@dataclass
class HeatmapRow:
    agency_name: str
    status: str
    reference: str
    cells: list[HeatmapCell]
    agency_id: int = 0
    status_label: str = ""
    review_url: str = ""  # set by the view when the review page exists

    def __post_init__(self):
        self.status_label = DashboardStatus(self.status).label


@dataclass(frozen=True)
class HeatmapTotal:
    """One theme's column of the heatmap counted: how many rows are Red,
    Amber, Green and not rated (or not moderated)."""

    red: int
    amber: int
    green: int
    unrated: int


def _heatmap_totals(themes: list[Theme], rows: list[HeatmapRow]) -> list[HeatmapTotal]:
    """Each theme's totals from the rows already built (no query)."""
    totals = []
    for i in range(len(themes)):
        counts = Counter(row.cells[i].rag for row in rows)
        totals.append(
            HeatmapTotal(
                red=counts[Rag.RED],
                amber=counts[Rag.AMBER],
                green=counts[Rag.GREEN],
                unrated=len(rows) - counts[Rag.RED] - counts[Rag.AMBER] - counts[Rag.GREEN],
            )
        )
    return totals


@dataclass
class HeatmapGroup:
    """One question set's themes and the agencies answering it, each theme's
    totals over those rows, and how many agencies not started were left out
    (`hide_not_started`)."""

    question_set: QuestionSet
    themes: list[Theme]
    rows: list[HeatmapRow]
    totals: list[HeatmapTotal] = field(default_factory=list)
    not_started_hidden: int = 0


RAG_LABELS = dict(Rag.choices)


def cycle_heatmap(
    *,
    partnership: Partnership,
    cycle: AuditCycle,
    filters: CycleFilters = NO_FILTERS,
    rating: str = Rating.SELF,
    hide_not_started: bool = False,
) -> list[HeatmapGroup]:
    """Each agency's RAG for each theme, as the agency rated it or as the
    partnership moderated it, one group per question set in use (the
    cycle's own first). Agencies without a return are rows of the set they
    will answer, with nothing rated; `hide_not_started` leaves every agency
    not started out of the rows (each group counts them) and the totals.
    Six queries."""
    cycle_owned(partnership=partnership, cycle=cycle)
    submissions = _submissions(partnership, cycle, filters)
    returns = list(
        submissions.values(
            "pk", "reference", "agency_id", "agency__name", "question_set_id", "dashboard_status"
        )
    )
    # Agencies without a return yet, each under the set it will answer: the
    # cycle's own, or the one a rule gives its group.
    without: list[tuple[str, int, int]] = []
    if filters.wants(DashboardStatus.NOT_STARTED):
        rules = list(CycleQuestionSet.objects.filter(partnership=partnership, cycle=cycle))
        for a in _agencies_without_return(partnership, cycle, filters).values(
            "pk", "name", "sector", "is_statutory"
        ):
            matching = matching_rules(rules, SimpleNamespace(**a))
            set_id = matching[0].question_set_id if matching else cycle.question_set_id
            without.append((a["name"], set_id, a["pk"]))

    set_ids = {r["question_set_id"] for r in returns} | {cycle.question_set_id} | {s for _, s, _ in without}
    # The sets' themes, kept in the process (core/process_cache.py).
    themes_by_set = defaultdict(list)
    sets = {}
    for set_id in set_ids:
        structure = question_set_structure(partnership=partnership, question_set_id=set_id)
        themes_by_set[set_id] = list(structure.themes)
        sets[set_id] = structure.question_set

    ratings: dict[tuple[int, int], HeatmapCell] = {}
    if rating == Rating.MODERATED:
        for submission_id, theme_id, rag in _moderated_ratings(submissions):
            ratings[submission_id, theme_id] = _cell(rag, RAG_LABELS.get(rag, ""))
        unrated = _cell("", "Not moderated")
    else:
        for submission_id, theme_id, rag, defaulted in (
            ThemeResponse.objects.filter(submission__in=submissions.values("pk"))
            .exclude(rag="")
            .values_list("submission_id", "theme_id", "rag", "rag_defaulted")
        ):
            label = RAG_LABELS.get(rag, "")
            ratings[submission_id, theme_id] = _cell(rag, f"{label} (default)" if defaulted else label)
        unrated = _cell("", "Not rated")

    rows_by_set = defaultdict(list)
    for r in returns:
        themes = themes_by_set[r["question_set_id"]]
        cells = [ratings.get((r["pk"], t.pk), unrated) for t in themes]
        rows_by_set[r["question_set_id"]].append(
            HeatmapRow(r["agency__name"], r["dashboard_status"], r["reference"], cells, r["agency_id"])
        )
    for name, set_id, agency_id in without:
        blank = [unrated] * len(themes_by_set[set_id])
        rows_by_set[set_id].append(HeatmapRow(name, DashboardStatus.NOT_STARTED, "", blank, agency_id))

    groups = []
    for pk in _sets_in_order(cycle, sets):
        rows = sorted(rows_by_set[pk], key=lambda row: row.agency_name.casefold())
        if pk != cycle.question_set_id and not rows:
            continue
        hidden = 0
        if hide_not_started:
            shown = [row for row in rows if row.status != DashboardStatus.NOT_STARTED]
            hidden, rows = len(rows) - len(shown), shown
        themes = themes_by_set[pk]
        groups.append(HeatmapGroup(sets[pk], themes, rows, _heatmap_totals(themes, rows), hidden))
    return groups


# ---------------------------------------------------------------------------
# Per question: % Yes / No / N/A
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionTally:
    question: Question
    yes: int
    no: int
    na: int

    @property
    def answered(self) -> int:
        return self.yes + self.no + self.na

    @property
    def percent_yes(self) -> int:
        return round(100 * self.yes / self.answered) if self.answered else 0

    @property
    def percent_no(self) -> int:
        return round(100 * self.no / self.answered) if self.answered else 0

    @property
    def percent_na(self) -> int:
        return round(100 * self.na / self.answered) if self.answered else 0


@dataclass
class QuestionThemeGroup:
    theme: Theme
    questions: list[QuestionTally]


@dataclass
class QuestionSetTable:
    question_set: QuestionSet
    themes: list[QuestionThemeGroup]


def cycle_question_table(
    *, partnership: Partnership, cycle: AuditCycle, filters: CycleFilters = NO_FILTERS
) -> list[QuestionSetTable]:
    """For every question of every question set in use (the cycle's own
    first): how many of the agencies answered Yes, No and Not applicable.
    Two queries."""
    cycle_owned(partnership=partnership, cycle=cycle)
    submissions = _submissions(partnership, cycle, filters)
    tallies = {
        question_id: (yes, no, na)
        for question_id, yes, no, na in (
            Answer.objects.filter(submission__in=submissions.values("pk"))
            .order_by()
            .values("question_id")
            # Counting the value, not the id: everything the query reads is in
            # the answer index (submission, question) INCLUDE (value), so each
            # return's 120 entries come from the index alone.
            .annotate(
                yes=Count("value", filter=Q(value=AnswerValue.YES)),
                no=Count("value", filter=Q(value=AnswerValue.NO)),
                na=Count("value", filter=Q(value=AnswerValue.NA)),
            )
            .values_list("question_id", "yes", "no", "na")
        )
    }
    in_use = Q(theme__question_set_id=cycle.question_set_id) | Q(
        theme__question_set_id__in=submissions.values("question_set_id")
    )
    tables: dict[int, QuestionSetTable] = {}
    themes: dict[int, QuestionThemeGroup] = {}
    for question in (
        Question.objects.filter(in_use, theme__question_set__partnership=partnership)
        .select_related("theme__question_set")
        .order_by("theme__question_set_id", "theme__order", "order")
    ):
        theme = question.theme
        if theme.question_set_id not in tables:
            tables[theme.question_set_id] = QuestionSetTable(theme.question_set, [])
        if theme.pk not in themes:
            themes[theme.pk] = QuestionThemeGroup(theme, [])
            tables[theme.question_set_id].themes.append(themes[theme.pk])
        themes[theme.pk].questions.append(QuestionTally(question, *tallies.get(question.pk, (0, 0, 0))))
    sets = {pk: table.question_set for pk, table in tables.items()}
    return [tables[pk] for pk in _sets_in_order(cycle, sets) if pk in tables]
