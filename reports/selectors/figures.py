"""The figures of every section of a report, for the whole partnership, one
locality or one sector (reports.selectors.results holds their shapes).

The partnership comes first and is filtered on as well as the cycle, so
another partnership's cycle or locality is a 404. The figures are read in a
fixed number of queries whatever the number of agencies (about a dozen for a
report of every section: docs/performance.md) and worked out in Python from
those rows.

Words used below:
- a return "taking part": as on the dashboard (audits/selectors/scope.py);
  an agency in scope with no return yet counts as not started;
- self-rating: the agency's own RAG for a theme of its submitted return;
- moderated rating: the partnership's RAG for it (audits ThemeModeration);
- agreed rating: the moderated rating where there is one, else the self-rating.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import CharField, Count, DateTimeField, IntegerField, Q, Value
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from audits.access import cycle_owned
from audits.models import (
    ActionItem,
    ActionStatus,
    AuditCycle,
    IncompletePolicy,
    Rag,
    Submission,
    SubmissionStatus,
    ThemeResponse,
)
from audits.models.review import ThemeModeration
from audits.selectors.meetings import report_meetings
from audits.selectors.reports import Movement
from audits.selectors.scope import cycle_agencies_without_return, cycle_returns_taking_part
from partnerships.models import Agency, Partnership, Sector
from partnerships.selectors import locality_list_kept
from themes.selectors import question_set_structure

from .results import (
    RAG_RANK,
    ActionFigures,
    CyclePoint,
    GroupFigures,
    MeetingFigures,
    MethodFigures,
    MovementFigures,
    ReportFigures,
    ReportFilter,
    ReturnRow,
    StatusFigures,
    ThemeFigures,
    ThemeHead,
    ThemeMovement,
)

NO_LOCALITY = "No locality"
TOP_AMBER_OR_RED = 5
CYCLES_OVER_TIME = 6


def _rank_move(was: str, now: str) -> str:
    if now not in RAG_RANK:
        return Movement.NOT_RATED
    if was not in RAG_RANK:
        return Movement.NEW
    change = RAG_RANK[now] - RAG_RANK[was]
    return Movement.IMPROVED if change > 0 else Movement.WORSE if change < 0 else Movement.SAME


@dataclass
class _Ratings:
    """Self-ratings and moderated ratings of a cycle's submitted returns,
    each {(submission id, theme key): rag}, and which agency made each
    submitted return (those with no rating too)."""

    own: dict = field(default_factory=dict)
    moderated: dict = field(default_factory=dict)
    agency_of: dict = field(default_factory=dict)


def _ratings(*, partnership: Partnership, cycles: list[AuditCycle]) -> dict[int, _Ratings]:
    """The ratings of each cycle's submitted returns, by cycle id, in one
    query (a UNION ALL of self-ratings, moderated ratings and the submitted
    returns themselves, each row tagged with its kind): a report asks for
    its cycle's and, for the movement section, the previous cycle's."""
    ids = [c.pk for c in cycles]
    submitted = Q(
        submission__partnership=partnership,
        submission__cycle__in=ids,
        submission__status=SubmissionStatus.SUBMITTED,
    )
    columns = ("kind", "submission__cycle_id", "submission_id", "theme__key", "rag")
    own = (
        ThemeResponse.objects.filter(submitted, rag__in=Rag.values)
        .order_by()
        .annotate(kind=Value("s"))
        .values_list(*columns)
    )
    moderated = (
        ThemeModeration.objects.filter(submitted, partnership=partnership)
        .order_by()
        .annotate(kind=Value("m"))
        .values_list(*columns)
    )
    # The agency in the theme key's place, no rating.
    returns = (
        Submission.objects.filter(partnership=partnership, cycle__in=ids, status=SubmissionStatus.SUBMITTED)
        .order_by()
        .annotate(kind=Value("r"), no_rag=Value(""), agency_key=Cast("agency_id", CharField()))
        .values_list("kind", "cycle_id", "id", "agency_key", "no_rag")
    )
    found = {pk: _Ratings() for pk in ids}
    for kind, cycle_id, submission_id, key, rag in own.union(moderated, returns, all=True):
        ratings = found[cycle_id]
        if kind == "r":
            ratings.agency_of[submission_id] = int(key)
        else:
            (ratings.own if kind == "s" else ratings.moderated)[(submission_id, key)] = rag
    return found


def _taking_part(*, partnership: Partnership, cycle: AuditCycle):
    """The cycle's returns taking part (as ReturnRows), the agencies in
    scope with no return yet ((id, sector) pairs), and the locality ids of
    each agency of the partnership: one query, a UNION ALL of the three
    reads, each row tagged with its kind and its columns in the places of a
    return's."""
    returns = (
        cycle_returns_taking_part(partnership=partnership, cycle=cycle)
        .order_by()
        .annotate(kind=Value("r"))
        .values_list(
            "kind", "id", "agency_id", "agency__sector", "status", "question_set_id", "review__evaluated_at"
        )
    )
    nothing = {
        "no_id": Value(None, IntegerField()),
        "no_status": Value(""),
        "no_date": Value(None, DateTimeField()),
    }
    without = (
        cycle_agencies_without_return(partnership=partnership, cycle=cycle)
        .order_by()
        .annotate(kind=Value("w"), **nothing)
        .values_list("kind", "no_id", "id", "sector", "no_status", "no_id", "no_date")
    )
    # The locality in the question set's place.
    localities = (
        Agency.localities.through.objects.filter(
            agency__partnership=partnership, locality__partnership=partnership
        )
        .order_by()
        .annotate(kind=Value("l"), **nothing)
        .values_list("kind", "no_id", "agency_id", "no_status", "no_status", "locality_id", "no_date")
    )
    rows, not_started, localities_of = [], [], defaultdict(list)
    for row in returns.union(without, localities, all=True):
        kind, pk, agency_id, sector, status, set_id, evaluated = row
        if kind == "r":
            rows.append(ReturnRow(pk, agency_id, sector, status, set_id, bool(evaluated)))
        elif kind == "w":
            not_started.append((agency_id, sector))
        else:
            localities_of[agency_id].append(set_id)
    return rows, not_started, localities_of


def _theme_heads(*, partnership: Partnership, cycle: AuditCycle, set_ids: set[int]):
    """The cycle's themes, one per key (stable across question-set versions),
    in its question set's order, and the theme keys of each set. The sets'
    themes are kept in the process (core/process_cache.py): no query once read."""
    heads: dict[str, ThemeHead] = {}
    keys_by_set: dict[int, set[str]] = defaultdict(set)
    # The cycle's own set last, so that it names and places a theme it has.
    for set_id in sorted(set_ids | {cycle.question_set_id}, key=lambda pk: (pk == cycle.question_set_id, pk)):
        for theme in question_set_structure(partnership=partnership, question_set_id=set_id).themes:
            keys_by_set[set_id].add(theme.key)
            heads[theme.key] = ThemeHead(key=theme.key, title=theme.title, order=theme.order)
    return sorted(heads.values(), key=lambda h: (h.order, h.key)), keys_by_set


@dataclass
class _Earlier:
    cycle: AuditCycle
    asked: int
    submitted: int


def _earlier_cycles(*, partnership: Partnership, cycle: AuditCycle, flt: ReportFilter) -> list[_Earlier]:
    """Up to five cycles before this one, latest first, each with its returns
    (one for each agency in scope when it opened) and how many were
    submitted, for the filter's agencies: one query."""
    scope = Q()
    if flt.locality is not None:
        scope = Q(submissions__agency__localities=flt.locality)
    elif flt.sector:
        scope = Q(submissions__agency__sector=flt.sector)
    rows = (
        AuditCycle.objects.filter(partnership=partnership, opens_at__lt=cycle.opens_at)
        .annotate(
            asked=Count("submissions", filter=scope, distinct=True),
            done=Count(
                "submissions", filter=scope & Q(submissions__status=SubmissionStatus.SUBMITTED), distinct=True
            ),
        )
        .order_by("-opens_at", "-id")[: CYCLES_OVER_TIME - 1]
    )
    return [_Earlier(cycle=c, asked=c.asked, submitted=c.done) for c in rows]


def _previous_cycle(*, partnership: Partnership, cycle: AuditCycle, earlier: list[_Earlier]):
    """The cycle this one follows on from (its `previous_cycle`), else the
    latest that opened before it."""
    if cycle.previous_cycle_id:
        for e in earlier:
            if e.cycle.pk == cycle.previous_cycle_id:
                return e.cycle
        found = AuditCycle.objects.filter(partnership=partnership, pk=cycle.previous_cycle_id).first()
        if found:
            return found
    return earlier[0].cycle if earlier else None


def _agreed(self_rags: dict, moderated_rags: dict, key) -> str:
    return moderated_rags.get(key) or self_rags.get(key, "")


def report_figures(
    *,
    partnership: Partnership,
    cycle: AuditCycle,
    report_filter: ReportFilter | None = None,
    sections: tuple[str, ...] | list[str] = (),
) -> ReportFigures:
    """Every figure the chosen sections show, for the whole partnership or
    the filter's locality or sector. Sections not chosen cost no query."""
    cycle_owned(partnership=partnership, cycle=cycle)
    flt = report_filter or ReportFilter()
    if flt.locality is not None and flt.locality.partnership_id != partnership.pk:
        raise Http404("No such locality")
    wanted = set(sections)
    today = timezone.localdate()

    all_returns, without, localities_of = _taking_part(partnership=partnership, cycle=cycle)
    # The names of the localities agencies are in (a locality no agency is
    # in has no figures); the partnership's localities are kept in the
    # process (partnerships.selectors).
    in_use = {pk for ids in localities_of.values() for pk in ids}
    locality_names = {
        lo.pk: lo.name
        for lo in locality_list_kept(partnership=partnership, led_only=False)
        if lo.pk in in_use
    }

    sector_labels = dict(Sector.choices)
    pack_sectors = sorted(
        {(s, sector_labels.get(s, s)) for s in [r.sector for r in all_returns] + [s for _a, s in without]},
        key=lambda p: p[1].lower(),
    )
    pack_localities = sorted(locality_names.items(), key=lambda p: p[1].lower())
    returns = [r for r in all_returns if flt.keeps(r.agency_id, r.sector, localities_of)]
    without = [(a, s) for a, s in without if flt.keeps(a, s, localities_of)]
    submitted = [r for r in returns if r.status == SubmissionStatus.SUBMITTED]

    # Returns by status.
    by_status = Counter(r.status for r in returns)
    by_status[SubmissionStatus.NOT_STARTED] += len(without)
    status = StatusFigures(
        counts=[(s.value, s.label, by_status.get(s.value, 0)) for s in SubmissionStatus],
        asked=len(returns) + len(without),
        submitted=len(submitted),
    )

    earlier = _earlier_cycles(partnership=partnership, cycle=cycle, flt=flt)
    previous = _previous_cycle(partnership=partnership, cycle=cycle, earlier=earlier)
    compare = "movement" in wanted and previous is not None
    ratings = _ratings(partnership=partnership, cycles=[cycle, previous] if compare else [cycle])

    # Ratings per theme: self, moderated, agreed and the difference.
    self_rags, moderated_rags = ratings[cycle.pk].own, ratings[cycle.pk].moderated
    heads, keys_by_set = _theme_heads(
        partnership=partnership, cycle=cycle, set_ids={r.question_set_id for r in all_returns}
    )
    themes = {h.key: ThemeFigures(theme=h) for h in heads}
    for r in submitted:
        for key in keys_by_set.get(r.question_set_id, ()):
            figures = themes.get(key)
            if figures is None:
                continue
            figures.returns += 1
            own, moderated = self_rags.get((r.pk, key), ""), moderated_rags.get((r.pk, key), "")
            figures.self.add(own)
            figures.moderated.add(moderated)
            figures.agreed.add(moderated or own)
            if own in RAG_RANK and moderated in RAG_RANK:
                change = RAG_RANK[moderated] - RAG_RANK[own]
                if change < 0:
                    figures.moderated_down += 1
                elif change > 0:
                    figures.moderated_up += 1
                else:
                    figures.moderated_same += 1
    theme_list = list(themes.values())
    for figures in theme_list:
        figures.self.of = figures.moderated.of = figures.agreed.of = figures.returns
    amber_red = sorted(
        (t for t in theme_list if t.agreed.amber_or_red),
        key=lambda t: (-t.agreed.amber_or_red, -t.agreed.red, t.theme.order),
    )[:TOP_AMBER_OR_RED]

    # By sector and by locality.
    def group_figures(key_of) -> dict:
        groups: dict = {}

        def group(k) -> GroupFigures:
            return groups.setdefault(k, GroupFigures(name=""))

        for r in returns:
            for k in key_of(r.agency_id, r.sector):
                group(k).asked += 1
        for agency_id, sector in without:
            for k in key_of(agency_id, sector):
                group(k).asked += 1
        for r in submitted:
            for k in key_of(r.agency_id, r.sector):
                g = group(k)
                g.submitted += 1
                for key in keys_by_set.get(r.question_set_id, ()):
                    own, moderated = self_rags.get((r.pk, key), ""), moderated_rags.get((r.pk, key), "")
                    for count in (g.agreed, g.self, g.moderated):
                        count.of += 1
                    g.agreed.add(moderated or own)
                    g.self.add(own)
                    g.moderated.add(moderated)
        return groups

    sectors, localities = [], []
    if "sectors" in wanted:
        by_sector = group_figures(lambda agency_id, sector: [sector])
        labels = dict(Sector.choices)
        for k, g in by_sector.items():
            g.name = labels.get(k, k)
        sectors = sorted(by_sector.values(), key=lambda g: g.name.lower())
    if "localities" in wanted:
        by_locality = group_figures(lambda agency_id, sector: localities_of.get(agency_id) or [None])
        for k, g in by_locality.items():
            g.name = locality_names.get(k, NO_LOCALITY) if k else NO_LOCALITY
        if flt.locality is not None:
            by_locality = {k: g for k, g in by_locality.items() if k == flt.locality.pk}
        localities = sorted(by_locality.values(), key=lambda g: (g.name == NO_LOCALITY, g.name.lower()))

    # Movement since the previous cycle, agency by agency, on agreed ratings.
    movement = None
    if "movement" in wanted:
        movement = MovementFigures(previous=previous, themes=[])
        if compare:
            then = ratings[previous.pk]
            agency_of = then.agency_of
            before: dict[tuple[int, str], str] = {}
            for (submission_id, key), rag in then.own.items():
                before[(agency_of.get(submission_id), key)] = rag
            for (submission_id, key), rag in then.moderated.items():
                before[(agency_of.get(submission_id), key)] = rag
            compared_agencies = set(agency_of.values())
            counts = {h.key: Counter() for h in heads}
            for r in submitted:
                for h in heads:
                    if h.key not in keys_by_set.get(r.question_set_id, ()):
                        continue
                    now = _agreed(self_rags, moderated_rags, (r.pk, h.key))
                    counts[h.key][_rank_move(before.get((r.agency_id, h.key), ""), now)] += 1
            movement.themes = [ThemeMovement(theme=h, counts=counts[h.key]) for h in heads]
            movement.agencies_compared = len({r.agency_id for r in submitted} & compared_agencies)

    actions = None
    if "actions" in wanted:
        ids = [r.pk for r in returns]
        overdue = Q(target_date__lt=today) & ~Q(status=ActionStatus.DONE)
        totals = ActionItem.objects.filter(partnership=partnership, submission_id__in=ids).aggregate(
            total=Count("id"),
            done=Count("id", filter=Q(status=ActionStatus.DONE)),
            in_progress=Count("id", filter=Q(status=ActionStatus.IN_PROGRESS)),
            not_started=Count("id", filter=Q(status=ActionStatus.NOT_STARTED)),
            overdue=Count("id", filter=overdue),
            returns_with_plans=Count("submission_id", distinct=True),
        )
        actions = ActionFigures(**totals)

    meetings = None
    meetings_year = None
    with_year = "meetings_year" in wanted and flt.locality is None and not flt.sector
    if "meetings" in wanted or with_year:
        # Both sections from the same two queries (audits.selectors.meetings).
        read = report_meetings(partnership=partnership, cycle=cycle, with_year=with_year)
        meetings_year = read.year
    if "meetings" in wanted:
        ids = {r.pk for r in returns}
        held = [(m, sum(1 for s in m.discussed if s in ids)) for m in read.of_cycle]
        if flt.locality is not None or flt.sector:
            held = [(m, n) for m, n in held if n]
        meetings = [
            MeetingFigures(
                kind=m.meeting.get_kind_display(),
                held_on=m.meeting.held_on,
                returns_discussed=n,
                notes=m.meeting.notes,
                actions=m.actions,
            )
            for m, n in held
        ]

    # Method: who was asked, the response rate, how ratings were moderated.
    asked_by_sector = Counter(r.sector for r in returns) + Counter(s for _a, s in without)
    labels = dict(Sector.choices)
    submitted_ids = {r.pk for r in submitted}
    moderated_pairs = [(sid, key) for (sid, key) in moderated_rags if sid in submitted_ids]
    method = MethodFigures(
        asked=status.asked,
        asked_by_sector=sorted(
            ((labels.get(s, s), n) for s, n in asked_by_sector.items()), key=lambda p: (-p[1], p[0])
        ),
        submitted=len(submitted),
        evaluated=sum(1 for r in submitted if r.evaluated),
        moderated_themes=len(moderated_pairs),
        changed_by_moderation=sum(
            1
            for pair in moderated_pairs
            if self_rags.get(pair) in RAG_RANK and self_rags.get(pair) != moderated_rags[pair]
        ),
        default_red=cycle.incomplete_policy == IncompletePolicy.DEFAULT_RED,
        previous=previous,
    )

    over_time = [CyclePoint(e.cycle.title, e.asked, e.submitted) for e in reversed(earlier)]
    over_time.append(CyclePoint(cycle.title, status.asked, status.submitted, current=True))

    return ReportFigures(
        cycle=cycle,
        filter=flt,
        status=status,
        themes=theme_list,
        amber_red=amber_red,
        sectors=sectors,
        localities=localities,
        movement=movement,
        actions=actions,
        meetings=meetings,
        method=method,
        over_time=over_time,
        today=today,
        pack_localities=pack_localities,
        pack_sectors=pack_sectors,
        meetings_year=meetings_year,
    )
