"""The sections a report can have, in the order a new report lists them.
A report keeps the keys it uses, in its own order (Report.sections)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    hint: str
    narrative: bool = False  # written by staff, kept with the report


SECTIONS = (
    Section(
        "status", "Returns by status", "How many agencies were asked, and where their returns have got to."
    ),
    Section(
        "themes",
        "Findings by theme",
        "Agencies' self-ratings beside the partnership's moderated ratings, and how moderation changed them.",
    ),
    Section("amber_red", "Themes most often Amber or Red", "Where agencies most need to improve."),
    Section("sectors", "By sector", "Ratings by the kind of agency."),
    Section("localities", "By locality", "Ratings by the area agencies work in."),
    Section("movement", "Movement since the previous cycle", "Which ratings improved or got worse."),
    Section(
        "actions", "Action plans", "How many actions agencies set, how many are done and how many overdue."
    ),
    Section(
        "meetings", "What the assurance meetings found", "Meetings and scrutiny panels, and what they agreed."
    ),
    Section("good_practice", "Good practice", "Written by you.", narrative=True),
    Section("concerns", "Concerns", "Written by you.", narrative=True),
    Section("method", "Method", "Who was asked, the response rate and how ratings were moderated."),
)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}
SECTION_KEYS = tuple(s.key for s in SECTIONS)
