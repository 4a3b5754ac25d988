"""The reading age of what staff write for children, shown to the writer
beside the form (textstat, a maintained readability library).

Reading age is the Flesch-Kincaid grade (a US school grade) plus five, the
age at which children start that grade. It is a guide, not a rule: short
sentences and everyday words bring it down.
"""

from dataclasses import dataclass

import textstat

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
