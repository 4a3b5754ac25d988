"""Reads for reporting on a cycle: the exports (one row per agency and
question, one per agency and theme), the summary report for the annual
report, and the comparison with an earlier cycle.

Every function takes the partnership and filters on it as well as on the
cycle, so a cycle of another partnership yields nothing. The summary and the
comparison are aggregated in SQL with a fixed number of queries whatever the
number of agencies; the exports read returns in batches so that a large
cycle streams without holding every row in memory.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from core.dates import UK
from partnerships.models import Locality, Partnership
from partnerships.scope import scope_current
from partnerships.selectors import locality_list_kept
from themes.models import Question, Theme
from themes.selectors import QuestionSetStructure, question_set_structure

from ..models import (
    Answer,
    AnswerValue,
    AuditCycle,
    Rag,
    Submission,
    SubmissionStatus,
    ThemeResponse,
)
from ..models.review import ThemeModeration
from .scope import cycle_agencies_without_return, cycle_returns_taking_part

EXPORT_BATCH = 200
NOT_ANSWERED = "Not answered"
NOT_RATED = "Not rated"
NO_LOCALITY = "No locality"
RAG_ORDER = (Rag.RED, Rag.AMBER, Rag.GREEN)
RAG_RANK = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


def _returns(partnership: Partnership, cycle: AuditCycle) -> QuerySet[Submission]:
    """The cycle's returns that count: as on the dashboard, those of agencies
    taking part (audits/selectors/scope.py)."""
    return cycle_returns_taking_part(partnership=partnership, cycle=cycle)


def _rag_word(value: str) -> str:
    return Rag(value).label if value in Rag.values else NOT_RATED


def _uk(value: datetime | None) -> datetime | None:
    return value.astimezone(UK) if value else None


# ---------------------------------------------------------------------------
# Themes of a cycle
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeHead:
    """A theme as reports name it: by its key, which is stable across
    question-set versions."""

    key: str
    title: str
    order: int


def _cycle_theme_rows(*, partnership: Partnership, cycle: AuditCycle) -> list[tuple]:
    """(question set id, key, title, order) of every theme of the cycle's
    question set and of any other set one of its returns was answered on."""
    in_use = _returns(partnership, cycle).values("question_set_id")
    return list(
        Theme.objects.filter(question_set__partnership=partnership)
        .filter(Q(question_set_id=cycle.question_set_id) | Q(question_set_id__in=in_use))
        .order_by("order", "id")
        .values_list("question_set_id", "key", "title", "order")
    )


def _structure_or_none(partnership: Partnership, question_set_id: int) -> QuestionSetStructure | None:
    """A set's structure, or None for a set that is not the partnership's
    (its themes are not the report's)."""
    try:
        return question_set_structure(partnership=partnership, question_set_id=question_set_id)
    except Http404:
        return None


def _theme_heads(rows, cycle: AuditCycle) -> list[ThemeHead]:
    heads: dict[str, ThemeHead] = {}
    for question_set_id, key, title, order in rows:
        if key not in heads or question_set_id == cycle.question_set_id:
            # The cycle's own set names and places the theme when it has it.
            heads[key] = ThemeHead(key=key, title=title, order=order)
    return sorted(heads.values(), key=lambda h: (h.order, h.key))


def report_themes(*, partnership: Partnership, cycle: AuditCycle) -> list[ThemeHead]:
    """The cycle's themes, one per key, in its question set's order (one
    query). Returns answered on another set (or version) add their themes."""
    return _theme_heads(_cycle_theme_rows(partnership=partnership, cycle=cycle), cycle)


# ---------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnCells:
    """What every export row says about the return it comes from."""

    agency: str
    sector: str
    localities: str
    reference: str
    status: str
    submitted_at: datetime | None  # UK time


@dataclass(frozen=True)
class AnswerRow:
    ret: ReturnCells
    theme_key: str
    theme: str
    question_key: str
    question: str
    answer: str


@dataclass(frozen=True)
class ThemeRow:
    ret: ReturnCells
    theme_key: str
    theme: str
    self_rag: str
    self_rag_defaulted: bool
    moderated_rag: str
    reviewer_comment: str
    agency_comments: str


@dataclass(frozen=True)
class Moderation:
    rag: str
    comment: str


def theme_moderations(*, partnership: Partnership, submission_ids: Iterable[int]) -> dict:
    """The partnership's moderated RAG and reviewer comment for each
    (submission id, theme id) of these returns.

    Moderation lives in its own table (audits/models/review.py) because a
    submitted return's own rows are locked."""
    rows = ThemeModeration.objects.filter(
        partnership=partnership, submission_id__in=list(submission_ids)
    ).values_list("submission_id", "theme_id", "rag", "comment")
    return {(s, t): Moderation(rag=rag, comment=comment) for s, t, rag, comment in rows}


def _return_batches(*, partnership: Partnership, cycle: AuditCycle, batch_size: int):
    """The cycle's returns in agency-name order, a batch at a time, each with
    its agency and localities."""
    ids = list(_returns(partnership, cycle).order_by("agency__name", "id").values_list("id", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        submissions = (
            Submission.objects.filter(partnership=partnership, pk__in=chunk)
            .select_related("agency")
            .prefetch_related(Prefetch("agency__localities", queryset=Locality.objects.order_by("name")))
        )
        by_id = {s.pk: s for s in submissions}
        yield [by_id[pk] for pk in chunk]


def _return_cells(submission: Submission) -> ReturnCells:
    agency = submission.agency
    return ReturnCells(
        agency=agency.name,
        sector=agency.get_sector_display(),
        localities="; ".join(loc.name for loc in agency.localities.all()),
        reference=submission.reference,
        status=submission.get_status_display(),
        submitted_at=_uk(submission.submitted_at),
    )


class _QuestionSetCache:
    """Themes and questions of each question set met, read once per set."""

    def __init__(self, partnership: Partnership):
        self.partnership = partnership
        self.questions: dict[int, list[Question]] = {}
        self.themes: dict[int, list[Theme]] = {}

    def questions_of(self, question_set_id: int) -> list[Question]:
        if question_set_id not in self.questions:
            self.questions[question_set_id] = list(
                Question.objects.filter(
                    theme__question_set_id=question_set_id,
                    theme__question_set__partnership=self.partnership,
                )
                .select_related("theme")
                .order_by("theme__order", "order")
            )
        return self.questions[question_set_id]

    def themes_of(self, question_set_id: int) -> list[Theme]:
        if question_set_id not in self.themes:
            self.themes[question_set_id] = list(
                Theme.objects.filter(
                    question_set_id=question_set_id, question_set__partnership=self.partnership
                ).order_by("order")
            )
        return self.themes[question_set_id]


def export_answer_rows(
    *, partnership: Partnership, cycle: AuditCycle, batch_size: int = EXPORT_BATCH
) -> Iterator[AnswerRow]:
    """One row per return and question of the return's question set, with
    the answer in words ("Not answered" where there is none)."""
    sets = _QuestionSetCache(partnership)
    for batch in _return_batches(partnership=partnership, cycle=cycle, batch_size=batch_size):
        answers = {
            (submission_id, question_id): value
            for submission_id, question_id, value in Answer.objects.filter(
                submission__partnership=partnership, submission__in=[s.pk for s in batch]
            ).values_list("submission_id", "question_id", "value")
        }
        for submission in batch:
            cells = _return_cells(submission)
            for question in sets.questions_of(submission.question_set_id):
                value = answers.get((submission.pk, question.pk))
                yield AnswerRow(
                    ret=cells,
                    theme_key=question.theme.key,
                    theme=question.theme.title,
                    question_key=question.key,
                    question=question.text,
                    answer=AnswerValue(value).label if value else NOT_ANSWERED,
                )


def export_theme_rows(
    *, partnership: Partnership, cycle: AuditCycle, batch_size: int = EXPORT_BATCH
) -> Iterator[ThemeRow]:
    """One row per return and theme: the agency's self-rating and comments
    beside the partnership's moderated rating and reviewer comment."""
    sets = _QuestionSetCache(partnership)
    for batch in _return_batches(partnership=partnership, cycle=cycle, batch_size=batch_size):
        ids = [s.pk for s in batch]
        responses = {
            (r.submission_id, r.theme_id): r
            for r in ThemeResponse.objects.filter(submission__partnership=partnership, submission__in=ids)
        }
        moderations = theme_moderations(partnership=partnership, submission_ids=ids)
        for submission in batch:
            cells = _return_cells(submission)
            for theme in sets.themes_of(submission.question_set_id):
                response = responses.get((submission.pk, theme.pk))
                moderation = moderations.get((submission.pk, theme.pk))
                yield ThemeRow(
                    ret=cells,
                    theme_key=theme.key,
                    theme=theme.title,
                    self_rag=_rag_word(response.rag if response else ""),
                    self_rag_defaulted=bool(response and response.rag_defaulted),
                    moderated_rag=_rag_word(moderation.rag) if moderation else "",
                    reviewer_comment=moderation.comment if moderation else "",
                    agency_comments=response.comments if response else "",
                )


@dataclass(frozen=True)
class ExportSizes:
    returns: int
    answer_rows: int
    theme_rows: int


def export_sizes(*, partnership: Partnership, cycle: AuditCycle) -> ExportSizes:
    """How many rows each export of the cycle has (two queries)."""
    per_set = dict(
        _returns(partnership, cycle)
        .values("question_set_id")
        .annotate(n=Count("id"))
        .values_list("question_set_id", "n")
    )
    sizes = (
        Theme.objects.filter(question_set__partnership=partnership, question_set_id__in=list(per_set))
        .values("question_set_id")
        .annotate(themes=Count("id", distinct=True), questions=Count("questions"))
        .values_list("question_set_id", "themes", "questions")
    )
    answer_rows = theme_rows = 0
    for question_set_id, themes, questions in sizes:
        answer_rows += questions * per_set[question_set_id]
        theme_rows += themes * per_set[question_set_id]
    return ExportSizes(returns=sum(per_set.values()), answer_rows=answer_rows, theme_rows=theme_rows)


# ---------------------------------------------------------------------------
# The summary report
# ---------------------------------------------------------------------------


class RagShares:
    """Not rated and the shares of Red, Amber and Green out of `rag_total`
    (returns, or agencies), for anything with red, amber and green counts:
    the summary report's themes and the benchmark's distributions."""

    red: int
    amber: int
    green: int

    @property
    def rag_total(self) -> int:
        raise NotImplementedError

    @property
    def not_rated(self) -> int:
        return max(self.rag_total - self.red - self.amber - self.green, 0)

    def percent(self, n: int) -> int:
        return round(100 * n / self.rag_total) if self.rag_total else 0

    @property
    def red_percent(self) -> int:
        return self.percent(self.red)

    @property
    def amber_percent(self) -> int:
        return self.percent(self.amber)

    @property
    def green_percent(self) -> int:
        return self.percent(self.green)


@dataclass
class RagCounts(RagShares):
    """How the submitted returns rated one theme."""

    theme: ThemeHead
    red: int = 0
    amber: int = 0
    green: int = 0
    returns: int = 0  # submitted returns whose question set has the theme

    @property
    def rag_total(self) -> int:
        return self.returns

    @property
    def amber_or_red(self) -> int:
        return self.red + self.amber

    @property
    def not_rated_percent(self) -> int:
        return self.percent(self.not_rated)

    @property
    def amber_or_red_percent(self) -> int:
        return self.percent(self.amber_or_red)


@dataclass
class LocalityRags:
    name: str
    returns: int
    themes: list[RagCounts]

    @property
    def caption(self) -> str:
        plural = "" if self.returns == 1 else "s"
        return f"{self.name}: {self.returns} submitted return{plural}"


@dataclass
class StatusCount:
    status: str
    label: str
    count: int


@dataclass
class SummaryReport:
    cycle: AuditCycle
    statuses: list[StatusCount]
    returns_total: int
    returns_submitted: int
    themes: list[RagCounts]
    localities: list[LocalityRags]
    most_amber_or_red: list[RagCounts] = field(default_factory=list)


TOP_AMBER_OR_RED = 5


def _rag_table(heads, returns_by_set, theme_keys_by_set, rated) -> list[RagCounts]:
    """RagCounts per theme from counts of submitted returns per question set
    and rated counts per (theme key, rag)."""
    table = []
    for head in heads:
        counts = RagCounts(theme=head)
        counts.returns = sum(
            n for set_id, n in returns_by_set.items() if head.key in theme_keys_by_set.get(set_id, ())
        )
        for rag in RAG_ORDER:
            setattr(counts, rag, rated.get((head.key, rag), 0))
        table.append(counts)
    return table


def cycle_summary_report(*, partnership: Partnership, cycle: AuditCycle) -> SummaryReport:
    """Status counts, and the self-ratings of submitted returns per theme,
    overall and per locality, with the themes most often rated Amber or Red.
    Seven queries, whatever the number of agencies."""
    returns = _returns(partnership, cycle)
    submitted = returns.filter(status=SubmissionStatus.SUBMITTED)
    responses = ThemeResponse.objects.filter(
        scope_current().agencies("submission__agency__"),
        submission__partnership=partnership,
        submission__cycle=cycle,
        submission__status=SubmissionStatus.SUBMITTED,
        rag__in=Rag.values,
    )

    # The returns by status and question set: the counts by status, the
    # submitted ones by set, and the sets whose themes the report shows.
    by_status: Counter = Counter()
    returns_by_set: Counter = Counter()
    for status, set_id, n in (
        returns.values("status", "question_set_id")
        .annotate(n=Count("id"))
        .values_list("status", "question_set_id", "n")
    ):
        by_status[status] += n
        returns_by_set[set_id] += n if status == SubmissionStatus.SUBMITTED else 0
    # Agencies in scope without a return yet have not started either.
    without = cycle_agencies_without_return(partnership=partnership, cycle=cycle).count()
    if without:
        by_status[SubmissionStatus.NOT_STARTED] += without
    statuses = [StatusCount(s.value, s.label, by_status.get(s.value, 0)) for s in SubmissionStatus]

    # The sets' themes are kept in the process (themes.selectors).
    theme_rows = sorted(
        (
            (structure.question_set.pk, t.key, t.title, t.order, t.pk)
            for set_id in {*returns_by_set, cycle.question_set_id}
            if (structure := _structure_or_none(partnership, set_id)) is not None
            for t in structure.themes
        ),
        key=lambda row: (row[3], row[4]),
    )
    heads = _theme_heads([row[:4] for row in theme_rows], cycle)
    theme_keys_by_set: dict[int, set[str]] = defaultdict(set)
    for set_id, key, _title, _order, _pk in theme_rows:
        theme_keys_by_set[set_id].add(key)
    rated = {
        (key, rag): n
        for key, rag, n in responses.values("theme__key", "rag")
        .annotate(n=Count("id"))
        .values_list("theme__key", "rag", "n")
    }
    themes = _rag_table(heads, returns_by_set, theme_keys_by_set, rated)

    # Per locality: an agency in two localities counts in both; one in none
    # is reported under "No locality".
    returns_by_locality: dict[int | None, dict[int, int]] = defaultdict(dict)
    for locality_id, set_id, n in (
        submitted.values("agency__localities", "question_set_id")
        .annotate(n=Count("id"))
        .values_list("agency__localities", "question_set_id", "n")
    ):
        returns_by_locality[locality_id][set_id] = n
    rated_by_locality: dict[int | None, dict] = defaultdict(dict)
    for locality_id, key, rag, n in (
        responses.values("submission__agency__localities", "theme__key", "rag")
        .annotate(n=Count("id"))
        .values_list("submission__agency__localities", "theme__key", "rag", "n")
    ):
        rated_by_locality[locality_id][(key, rag)] = n
    # The partnership's localities are kept in the process.
    names = {
        lo.pk: lo.name
        for lo in locality_list_kept(partnership=partnership, led_only=False)
        if lo.pk in returns_by_locality
    }
    order = sorted((k for k in returns_by_locality if k in names), key=lambda k: names[k].lower())
    if None in returns_by_locality:
        order.append(None)
    localities = [
        LocalityRags(
            name=names.get(k, NO_LOCALITY),
            returns=sum(returns_by_locality[k].values()),
            themes=_rag_table(heads, returns_by_locality[k], theme_keys_by_set, rated_by_locality[k]),
        )
        for k in order
    ]

    most = sorted(
        (t for t in themes if t.amber_or_red),
        key=lambda t: (-t.amber_or_red, -t.red, t.theme.order),
    )[:TOP_AMBER_OR_RED]
    return SummaryReport(
        cycle=cycle,
        statuses=statuses,
        returns_total=sum(by_status.values()),
        returns_submitted=by_status.get(SubmissionStatus.SUBMITTED, 0),
        themes=themes,
        localities=localities,
        most_amber_or_red=most,
    )


# ---------------------------------------------------------------------------
# Comparing with an earlier cycle
# ---------------------------------------------------------------------------


class Movement:
    IMPROVED = "improved"
    SAME = "same"
    WORSE = "worse"
    NEW = "new"
    NOT_RATED = "not_rated"

    ORDER = (IMPROVED, SAME, WORSE, NEW, NOT_RATED)
    LABELS = {
        IMPROVED: "Improved",
        SAME: "Same",
        WORSE: "Worse",
        NEW: "New",
        NOT_RATED: "Not rated",
    }
    # GOV.UK tag colours: the word carries the meaning, the colour helps.
    COLOURS = {IMPROVED: "green", SAME: "blue", WORSE: "red", NEW: "purple", NOT_RATED: "grey"}
    HINTS = {
        IMPROVED: "Rated better than in the earlier cycle",
        SAME: "Rated the same as in the earlier cycle",
        WORSE: "Rated worse than in the earlier cycle",
        NEW: "Rated now, but not in the earlier cycle",
        NOT_RATED: "Not rated in a submitted return this cycle",
    }


def _rating_movement(previous: str, current: str) -> str:
    if current not in RAG_RANK:
        return Movement.NOT_RATED
    if previous not in RAG_RANK:
        return Movement.NEW
    change = RAG_RANK[current] - RAG_RANK[previous]
    if change > 0:
        return Movement.IMPROVED
    if change < 0:
        return Movement.WORSE
    return Movement.SAME


@dataclass(frozen=True)
class Change:
    previous: str  # rag value or ""
    current: str
    movement: str

    @property
    def label(self) -> str:
        return Movement.LABELS[self.movement]

    @property
    def colour(self) -> str:
        return Movement.COLOURS[self.movement]

    @property
    def previous_word(self) -> str:
        return _rag_word(self.previous)

    @property
    def current_word(self) -> str:
        return _rag_word(self.current)

    @property
    def detail(self) -> str:
        """The ratings in words, beside the movement's tag."""
        if self.movement == Movement.NOT_RATED:
            return f"Was {self.previous_word}" if self.previous in RAG_RANK else ""
        if self.movement == Movement.NEW:
            return f"{self.current_word}, not rated before"
        return f"{self.previous_word} to {self.current_word}"


@dataclass
class AgencyChanges:
    agency: str
    reference: str
    status: str
    changes: list[Change]


@dataclass
class ThemeMovements:
    theme: ThemeHead
    counts: dict[str, int]

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(m, 0) for m in Movement.ORDER]


@dataclass
class CycleComparison:
    cycle: AuditCycle
    previous: AuditCycle
    themes: list[ThemeHead]
    agencies: list[AgencyChanges]
    summary: list[ThemeMovements]

    movement_labels = [Movement.LABELS[m] for m in Movement.ORDER]


def cycle_compare_choices(*, partnership: Partnership, cycle: AuditCycle) -> QuerySet[AuditCycle]:
    """The partnership's cycles that opened before this one, latest first:
    the first is the default to compare with. None for a cycle another
    partnership shares with this one: its owner's other cycles are not
    shared."""
    if cycle.partnership_id != partnership.pk:
        return AuditCycle.objects.none()
    return AuditCycle.objects.filter(partnership=partnership, opens_at__lt=cycle.opens_at).order_by(
        "-opens_at", "-id"
    )


def _submitted_ratings(*, partnership: Partnership, cycle: AuditCycle) -> dict[tuple[int, str], str]:
    return {
        (agency_id, key): rag
        for agency_id, key, rag in ThemeResponse.objects.filter(
            scope_current().agencies("submission__agency__"),
            submission__partnership=partnership,
            submission__cycle=cycle,
            submission__status=SubmissionStatus.SUBMITTED,
            rag__in=Rag.values,
        ).values_list("submission__agency_id", "theme__key", "rag")
    }


def cycle_comparison(*, partnership: Partnership, cycle: AuditCycle, previous: AuditCycle) -> CycleComparison:
    """How each agency's self-ratings moved since `previous`, theme by theme
    (matched by theme key, so across question-set versions), and the counts
    per theme. Only submitted returns' ratings count. Five queries."""
    heads = report_themes(partnership=partnership, cycle=cycle)
    now = _submitted_ratings(partnership=partnership, cycle=cycle)
    before = _submitted_ratings(partnership=partnership, cycle=previous)
    returns = _returns(partnership, cycle).select_related("agency").order_by("agency__name", "id")
    agencies = []
    summary = {head.key: Counter() for head in heads}
    for submission in returns:
        changes = []
        for head in heads:
            was = before.get((submission.agency_id, head.key), "")
            is_ = now.get((submission.agency_id, head.key), "")
            change = Change(previous=was, current=is_, movement=_rating_movement(was, is_))
            summary[head.key][change.movement] += 1
            changes.append(change)
        agencies.append(
            AgencyChanges(
                agency=submission.agency.name,
                reference=submission.reference,
                status=submission.get_status_display(),
                changes=changes,
            )
        )
    return CycleComparison(
        cycle=cycle,
        previous=previous,
        themes=heads,
        agencies=agencies,
        summary=[ThemeMovements(theme=head, counts=dict(summary[head.key])) for head in heads],
    )
