"""Forms for a report (title, chosen sections in order, narrative) and the
children's summary."""

import re
from dataclasses import dataclass

import textstat
from django import forms

from .models import SECTIONS

# The audit's own words, which mean nothing to a child.
JARGON = re.compile(r"\b(red|amber|green|rag|section 11|moderat\w*|self-assess\w*)\b", re.IGNORECASE)

NARRATIVE_HINT = (
    "Paragraphs separated by a blank line. Start lines with '- ' for a bulleted list. "
    "[words](https://…) makes a link."
)


class ReportCreateForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter a title for the report"},
        help_text="For example, 'Section 11 findings for the annual report 2026'.",
    )


class ReportForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title for the report"})
    sections = forms.MultipleChoiceField(
        choices=[(s.key, s.title) for s in SECTIONS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    good_practice = forms.CharField(required=False, max_length=20_000, widget=forms.Textarea)
    concerns = forms.CharField(required=False, max_length=20_000, widget=forms.Textarea)
    method_note = forms.CharField(required=False, max_length=5_000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, section in enumerate(SECTIONS, start=1):
            self.fields[f"position_{section.key}"] = forms.IntegerField(
                label=f"Position of {section.title}",
                required=False,
                min_value=1,
                max_value=99,
                initial=number,
                error_messages={
                    "invalid": f"Enter the position of '{section.title}' as a number, like 3",
                    "min_value": f"Enter a position of 1 or more for '{section.title}'",
                    "max_value": f"Enter a position of 99 or less for '{section.title}'",
                },
            )

    @classmethod
    def initial_for(cls, report) -> dict:
        initial = {
            "title": report.title,
            "sections": list(report.sections),
            "good_practice": report.good_practice,
            "concerns": report.concerns,
            "method_note": report.method_note,
        }
        unchosen = [s.key for s in SECTIONS if s.key not in report.sections]
        for number, key in enumerate([*report.sections, *unchosen], start=1):
            initial[f"position_{key}"] = number
        return initial

    def rows(self):
        """(section, its checkbox's checked state, its position field) for the template."""
        chosen = set(self["sections"].value() or [])
        return [(s, s.key in chosen, self[f"position_{s.key}"]) for s in SECTIONS]

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("sections") or []
        if not chosen and "sections" not in self.errors:
            self.add_error("sections", "Choose at least one section for the report")
        default = {s.key: n for n, s in enumerate(SECTIONS)}
        cleaned["ordered_sections"] = sorted(
            chosen, key=lambda key: (cleaned.get(f"position_{key}") or 100, default[key])
        )
        return cleaned


class ChildSummaryForm(forms.Form):
    title = forms.CharField(
        max_length=120,
        error_messages={"required": "Enter a title"},
        help_text="Short and friendly, like 'How grown-ups are keeping you safe'.",
    )
    what_we_checked = forms.CharField(
        label="What we checked",
        max_length=3_000,
        widget=forms.Textarea,
        error_messages={"required": "Say what the partnership checked"},
        help_text="Who did you ask, and about what? For example: 'We asked 40 groups that work with "
        "children, like schools, doctors and the police, how they keep you safe.'",
    )
    going_well = forms.CharField(
        label="What is going well",
        max_length=3_000,
        widget=forms.Textarea,
        error_messages={"required": "Say what is going well"},
        help_text="Two or three things, one a line starting '- '. Say what it means for a child.",
    )
    working_on = forms.CharField(
        label="What organisations are working on",
        max_length=3_000,
        widget=forms.Textarea,
        error_messages={"required": "Say what organisations are working on"},
        help_text="What will get better, and by when. "
        "Avoid 'Red', 'Amber' and 'Green': say what will change.",
    )
    what_next = forms.CharField(
        label="What happens next (optional)",
        required=False,
        max_length=2_000,
        widget=forms.Textarea,
        help_text="When you will check again, and how a child can tell you what they think.",
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("title", "what_we_checked", "going_well", "working_on", "what_next"):
            match = JARGON.search(cleaned.get(name) or "")
            if match:
                self.add_error(
                    name, f"Use words a child would know instead of '{match.group(0)}': say what it means"
                )
        return cleaned


# ---------------------------------------------------------------------------
# The reading age of what staff write for children, shown beside the form
# (textstat, a maintained readability library). Reading age is the
# Flesch-Kincaid grade (a US school grade) plus five, the age at which
# children start that grade: a guide, not a rule. Short sentences and
# everyday words bring it down.
# ---------------------------------------------------------------------------

textstat.set_lang("en_GB")

TARGET_AGE = 11  # at most: what most 11-year-olds can read on their own
MIN_WORDS = 8  # fewer words than this give a meaningless score

LABELS = {
    "title": "Title",
    "what_we_checked": "What we checked",
    "going_well": "What is going well",
    "working_on": "What organisations are working on",
    "what_next": "What happens next",
}


@dataclass(frozen=True)
class ReadingAge:
    label: str
    age: int | None  # None: too little text to tell
    words: int

    @property
    def ok(self) -> bool:
        return self.age is not None and self.age <= TARGET_AGE


def reading_age(text: str) -> int | None:
    text = (text or "").replace("- ", "").strip()
    if textstat.lexicon_count(text) < MIN_WORDS:
        return None
    return max(5, round(textstat.flesch_kincaid_grade(text) + 5))


def reading_ages(texts: dict[str, str]) -> dict:
    """Each part's reading age and the whole summary's (the title left out:
    a few words say nothing about reading age)."""
    parts = [
        ReadingAge(LABELS[name], reading_age(text), textstat.lexicon_count(text or ""))
        for name, text in texts.items()
        if name != "title" and name in LABELS
    ]
    body = "\n".join(text.rstrip(".") + "." for name, text in texts.items() if name != "title" and text)
    whole = ReadingAge("The whole summary", reading_age(body), textstat.lexicon_count(body))
    return {"parts": parts, "whole": whole, "target": TARGET_AGE}
