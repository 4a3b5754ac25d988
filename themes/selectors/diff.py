"""What changed between two question sets (usually two versions of one).

Themes are matched by key, questions by key within their theme: keys stay
the same from one version to the next, so a re-worded question shows as
changed rather than as one removed and another added.
"""

import difflib
import re
from dataclasses import dataclass, field

THEME_FIELDS = [
    ("title", "Title"),
    ("description", "Description"),
    ("guidance", "Guidance"),
    ("red_descriptor", "Red descriptor"),
    ("amber_descriptor", "Amber descriptor"),
    ("green_descriptor", "Green descriptor"),
]
QUESTION_FIELDS = [
    ("text", "Question"),
    ("guidance", "Guidance"),
    ("allows_na", "Not applicable allowed"),
    ("evidence_expected", "Evidence expected"),
    ("library_key", "Mapped to library question"),
]

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"


@dataclass
class Segment:
    op: str  # "same", "removed" or "added"
    text: str


@dataclass
class FieldChange:
    label: str
    old: str
    new: str

    @property
    def segments(self) -> list[Segment]:
        """Word by word, what was taken out and what was put in."""
        old_words = re.findall(r"\S+|\s+", self.old)
        new_words = re.findall(r"\S+|\s+", self.new)
        segments = []
        matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                segments.append(Segment("same", "".join(old_words[a1:a2])))
                continue
            if a2 > a1:
                segments.append(Segment("removed", "".join(old_words[a1:a2])))
            if b2 > b1:
                segments.append(Segment("added", "".join(new_words[b1:b2])))
        return segments


@dataclass
class QuestionDiff:
    key: str
    text: str
    status: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class ThemeDiff:
    key: str
    title: str
    status: str
    changes: list[FieldChange] = field(default_factory=list)
    questions: list[QuestionDiff] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return self.status != UNCHANGED


@dataclass
class SetDiff:
    themes: list[ThemeDiff]
    changes: list[FieldChange]

    def count(self, status: str, *, questions: bool = False) -> int:
        if questions:
            return sum(1 for t in self.themes for q in t.questions if q.status == status)
        return sum(1 for t in self.themes if t.status == status)

    @property
    def summary(self) -> dict:
        return {
            "themes_added": self.count(ADDED),
            "themes_removed": self.count(REMOVED),
            "themes_changed": self.count(CHANGED),
            "questions_added": self.count(ADDED, questions=True),
            "questions_removed": self.count(REMOVED, questions=True),
            "questions_changed": self.count(CHANGED, questions=True),
        }

    @property
    def is_empty(self) -> bool:
        return not self.changes and not any(t.has_changes for t in self.themes)


def _show(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value or ""


def _field_changes(old, new, fields) -> list[FieldChange]:
    return [
        FieldChange(label, _show(getattr(old, name)), _show(getattr(new, name)))
        for name, label in fields
        if getattr(old, name) != getattr(new, name)
    ]


def _moved(old_keys: list[str], new_keys: list[str]) -> dict[str, tuple[int, int]]:
    """Items kept in both whose place among the kept items changed: an
    added or removed item does not make everything after it 'moved'."""
    kept = set(old_keys) & set(new_keys)
    old_kept = [k for k in old_keys if k in kept]
    new_kept = [k for k in new_keys if k in kept]
    return {
        k: (old_keys.index(k) + 1, new_keys.index(k) + 1)
        for k in kept
        if old_kept.index(k) != new_kept.index(k)
    }


def _position_change(key, moved) -> list[FieldChange]:
    if key not in moved:
        return []
    old, new = moved[key]
    return [FieldChange("Position", str(old), str(new))]


def question_set_diff(*, old_set, old_themes, new_set, new_themes) -> SetDiff:
    """Themes (each with `.questions.all()` in order) of two sets, compared.
    Themes and questions come out in the new set's order, with removed ones
    after those that stayed."""
    old_by_key = {t.key: t for t in old_themes}
    new_by_key = {t.key: t for t in new_themes}
    theme_moves = _moved(list(old_by_key), list(new_by_key))
    themes = []
    for key, new in new_by_key.items():
        old = old_by_key.get(key)
        new_questions = list(new.questions.all())
        if old is None:
            themes.append(
                ThemeDiff(
                    key,
                    new.title,
                    ADDED,
                    questions=[QuestionDiff(q.key, q.text, ADDED) for q in new_questions],
                )
            )
            continue
        old_questions = {q.key: q for q in old.questions.all()}
        question_moves = _moved(list(old_questions), [q.key for q in new_questions])
        questions = []
        for q in new_questions:
            before = old_questions.get(q.key)
            if before is None:
                questions.append(QuestionDiff(q.key, q.text, ADDED))
                continue
            changes = _field_changes(before, q, QUESTION_FIELDS) + _position_change(q.key, question_moves)
            questions.append(QuestionDiff(q.key, q.text, CHANGED if changes else UNCHANGED, changes))
        new_keys = {q.key for q in new_questions}
        questions += [QuestionDiff(k, q.text, REMOVED) for k, q in old_questions.items() if k not in new_keys]
        changes = _field_changes(old, new, THEME_FIELDS) + _position_change(key, theme_moves)
        changed = bool(changes) or any(q.status != UNCHANGED for q in questions)
        themes.append(ThemeDiff(key, new.title, CHANGED if changed else UNCHANGED, changes, questions))
    for key, old in old_by_key.items():
        if key not in new_by_key:
            themes.append(
                ThemeDiff(
                    key,
                    old.title,
                    REMOVED,
                    questions=[QuestionDiff(q.key, q.text, REMOVED) for q in old.questions.all()],
                )
            )
    set_changes = _field_changes(old_set, new_set, [("name", "Name"), ("description", "Description")])
    if old_set.audience != new_set.audience:
        set_changes.append(
            FieldChange("Audience", old_set.get_audience_display(), new_set.get_audience_display())
        )
    return SetDiff(themes=themes, changes=set_changes)
