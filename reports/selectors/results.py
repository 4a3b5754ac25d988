"""What a report's sections say, as data: worked out by reports.selectors,
drawn by reports.charts, shown by the templates and the Word document."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from audits.models import AuditCycle, Rag
from audits.models.review import MeetingAction
from audits.selectors.meetings import MeetingsYear
from audits.selectors.reports import Movement
from partnerships.models import Locality, Sector

RAG_RANK = {Rag.RED.value: 0, Rag.AMBER.value: 1, Rag.GREEN.value: 2}


@dataclass(frozen=True)
class ReportFilter:
    """The whole partnership, one locality (a locality pack) or one sector."""

    locality: Locality | None = None
    sector: str = ""

    @property
    def label(self) -> str:
        if self.locality is not None:
            return self.locality.name
        if self.sector:
            return Sector(self.sector).label
        return ""

    @property
    def query(self) -> str:
        if self.locality is not None:
            return f"?locality={self.locality.pk}"
        if self.sector:
            return f"?sector={self.sector}"
        return ""

    @property
    def slug(self) -> str:
        if self.locality is not None:
            return f"locality-{self.locality.pk}"
        return f"sector-{self.sector}" if self.sector else ""

    def keeps(self, agency_id: int, sector: str, localities: dict[int, list[int]]) -> bool:
        if self.locality is not None:
            return self.locality.pk in localities.get(agency_id, ())
        if self.sector:
            return sector == self.sector
        return True


@dataclass
class RagCount:
    red: int = 0
    amber: int = 0
    green: int = 0
    of: int = 0  # how many could have been rated

    def add(self, rag: str) -> None:
        if rag in RAG_RANK:
            setattr(self, rag, getattr(self, rag) + 1)

    @property
    def rated(self) -> int:
        return self.red + self.amber + self.green

    @property
    def not_rated(self) -> int:
        return max(self.of - self.rated, 0)

    @property
    def amber_or_red(self) -> int:
        return self.red + self.amber

    def percent(self, n: int) -> int:
        return round(100 * n / self.of) if self.of else 0

    @property
    def amber_or_red_percent(self) -> int:
        return self.percent(self.amber_or_red)

    @property
    def segments(self) -> list[tuple[str, int]]:
        return [("red", self.red), ("amber", self.amber), ("green", self.green), ("none", self.not_rated)]


@dataclass(frozen=True)
class ThemeHead:
    key: str
    title: str
    order: int


@dataclass
class ThemeFigures:
    theme: ThemeHead
    returns: int = 0  # submitted returns whose question set has the theme
    self: RagCount = field(default_factory=RagCount)
    moderated: RagCount = field(default_factory=RagCount)
    agreed: RagCount = field(default_factory=RagCount)
    moderated_down: int = 0  # moderated rating worse than the self-rating
    moderated_same: int = 0
    moderated_up: int = 0

    @property
    def difference(self) -> dict[str, int]:
        """Moderated minus self, per RAG: how moderation moved the counts."""
        return {rag: getattr(self.moderated, rag) - getattr(self.self, rag) for rag in RAG_RANK}


@dataclass
class StatusFigures:
    counts: list[tuple[str, str, int]]  # (status, label, count)
    asked: int
    submitted: int

    @property
    def response_rate(self) -> int:
        return round(100 * self.submitted / self.asked) if self.asked else 0


@dataclass
class GroupFigures:
    """A sector's or a locality's returns and their agreed ratings."""

    name: str
    asked: int = 0
    submitted: int = 0
    agreed: RagCount = field(default_factory=RagCount)
    self: RagCount = field(default_factory=RagCount)
    moderated: RagCount = field(default_factory=RagCount)

    @property
    def response_rate(self) -> int:
        return round(100 * self.submitted / self.asked) if self.asked else 0


@dataclass
class ThemeMovement:
    theme: ThemeHead
    counts: Counter

    def count(self, movement: str) -> int:
        return self.counts.get(movement, 0)

    @property
    def improved(self) -> int:
        return self.count(Movement.IMPROVED)

    @property
    def same(self) -> int:
        return self.count(Movement.SAME)

    @property
    def worse(self) -> int:
        return self.count(Movement.WORSE)

    @property
    def new(self) -> int:
        return self.count(Movement.NEW)


@dataclass
class MovementFigures:
    previous: AuditCycle | None
    themes: list[ThemeMovement]
    agencies_compared: int = 0  # agencies with a submitted return in both cycles


@dataclass
class ActionFigures:
    returns_with_plans: int = 0
    total: int = 0
    done: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0


@dataclass
class MeetingFigures:
    kind: str
    held_on: date
    returns_discussed: int
    notes: str
    actions: list[MeetingAction]


@dataclass
class CyclePoint:
    """One cycle on the response-rate chart."""

    title: str
    asked: int
    submitted: int
    current: bool = False

    @property
    def response_rate(self) -> int:
        return round(100 * self.submitted / self.asked) if self.asked else 0


@dataclass
class MethodFigures:
    asked: int
    asked_by_sector: list[tuple[str, int]]
    submitted: int
    evaluated: int
    moderated_themes: int
    changed_by_moderation: int
    default_red: bool
    previous: AuditCycle | None

    @property
    def response_rate(self) -> int:
        return round(100 * self.submitted / self.asked) if self.asked else 0

    @property
    def changed_percent(self) -> int:
        return round(100 * self.changed_by_moderation / self.moderated_themes) if self.moderated_themes else 0


@dataclass
class ReportFigures:
    cycle: AuditCycle
    filter: ReportFilter
    status: StatusFigures
    themes: list[ThemeFigures]
    amber_red: list[ThemeFigures]
    sectors: list[GroupFigures]
    localities: list[GroupFigures]
    movement: MovementFigures | None
    actions: ActionFigures | None
    meetings: list[MeetingFigures] | None
    method: MethodFigures
    over_time: list[CyclePoint]
    today: date
    # For the links to locality packs and sector views: every locality with an
    # agency (id, name) and every sector asked, whatever the filter.
    pack_localities: list[tuple[int, str]] = field(default_factory=list)
    pack_sectors: list[tuple[str, str]] = field(default_factory=list)
    # The year's meetings rolled up by theme (audits.selectors.meetings), for
    # the whole partnership's report only: None in a locality pack or a
    # sector view, or when the section is not chosen.
    meetings_year: MeetingsYear | None = None


@dataclass
class ReturnRow:
    pk: int
    agency_id: int
    sector: str
    status: str
    question_set_id: int
    evaluated: bool
