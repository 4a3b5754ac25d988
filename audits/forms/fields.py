"""The GOV.UK date input, through crispy-forms-gds: one field for a date
(day, month, year) and one for a date and time read as UK time. Render
either with `{% govuk_date_input form.field %}` (audits/templatetags/s11.py).

The messages are the Design System's ("Enter the date the action is due",
"… must include a month", "Year must include 4 numbers", "… must be a real
date"). Only the boxes that are wrong are highlighted: crispy-forms-gds reads
the errors each box's sub-field widget carries (`widget.errors`), and the
error summary links to the first of them (the `first_wrong_box` filter). An
error added later by the form (a date in the past, say) carries no box, so
all three are highlighted."""

import re
from datetime import UTC, date, datetime, time

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError

from core.dates import UK

PARTS = ("day", "month", "year")
TIME_HINT = "like 9am, 5:30pm or 17:00"
_DIGITS = re.compile(r"[0-9]+")  # str.isdigit() would take "²" and other digits int() refuses


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class _WrongBoxes(Exception):
    def __init__(self, message: str, boxes):
        super().__init__(message)
        self.message, self.boxes = message, set(boxes)


def _date_from_parts(day: str, month: str, year: str, *, what: str) -> date:
    """The date typed in three boxes, or _WrongBoxes naming the boxes to
    highlight. `what` names the date in messages ("the date the action is
    due"). No number is too big: the year must have 4 digits and the day
    and month at most 2 before any arithmetic, so 2147483648 is an error,
    never an OverflowError."""
    given = dict(zip(PARTS, (day, month, year), strict=True))
    missing = [index for index, name in enumerate(PARTS) if not given[name]]
    if missing:
        names = " and ".join(PARTS[index] for index in missing)
        raise _WrongBoxes(f"{_capital(what)} must include a {names}", missing)
    not_numbers = [index for index, name in enumerate(PARTS) if not _DIGITS.fullmatch(given[name])]
    if not_numbers:
        raise _WrongBoxes(f"{_capital(what)} must be a real date", not_numbers)
    if len(year) != 4:
        raise _WrongBoxes("Year must include 4 numbers", [2])
    day_wrong = len(day) > 2 or not 1 <= int(day) <= 31
    if len(month) > 2 or not 1 <= int(month) <= 12:
        raise _WrongBoxes(f"{_capital(what)} must be a real date", [0, 1] if day_wrong else [1])
    if day_wrong:
        raise _WrongBoxes(f"{_capital(what)} must be a real date", [0])
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        # 31 2 2030: that day is not in that month.
        raise _WrongBoxes(f"{_capital(what)} must be a real date", [0, 1]) from None


class GovukDateWidget(DateInputWidget):
    def use_required_attribute(self, initial):
        return False  # the Design System asks for no browser validation: our messages instead


class GovukDateField(DateInputField):
    """A date in day, month and year boxes. `what` names it in the messages,
    lower case: `GovukDateField(what="the date the action is due")`."""

    widget = GovukDateWidget

    def __init__(self, *, what: str, required: bool = True, **kwargs):
        self.what = what
        super().__init__(required=required, require_all_fields=False, **kwargs)
        for box in self.widget.widgets[:3]:
            box.attrs["inputmode"] = "numeric"

    def _boxes_wrong(self, message: str, boxes) -> ValidationError:
        for index, sub in enumerate(self.fields):
            sub.widget.errors = [message] if index in boxes else []
        return ValidationError(message, code="invalid")

    def _typed(self, value, count: int) -> list[str]:
        if not isinstance(value, list | tuple):
            value = []
        return [str(v if v is not None else "").strip() for v in [*value, *[""] * count][:count]]

    def clean(self, value):
        for sub in self.fields:
            sub.widget.errors = []
        day, month, year = self._typed(value, 3)
        if not (day or month or year):
            if self.required:
                raise self._boxes_wrong(f"Enter {self.what}", {0, 1, 2})
            return None
        try:
            return _date_from_parts(day, month, year, what=self.what)
        except _WrongBoxes as wrong:
            raise self._boxes_wrong(wrong.message, wrong.boxes) from None


def parse_uk_time(text: str) -> time | None:
    """'5pm', '5:30pm', '5.30 pm', '17:00', '0930', 'midday', 'midnight'."""
    text = text.strip().lower().replace(" ", "").replace(".", ":")
    if text in {"midday", "noon", "12noon"}:
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    match = re.fullmatch(r"([0-9]{1,2})(?::?([0-9]{2}))?(am|pm)?", text)
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def uk_moment(day: date, at: time) -> datetime | None:
    """That wall-clock time in the UK on that day, or None if the clocks
    skipped it (going forward in March). In the October hour that happens
    twice, the first (British Summer Time) is meant."""
    moment = datetime.combine(day, at, tzinfo=UK)
    back = moment.astimezone(UTC).astimezone(UK)
    if (back.hour, back.minute) != (at.hour, at.minute):
        return None
    return moment


class GovukDateTimeWidget(GovukDateWidget):
    """Day, month and year boxes and a time box, in the GOV.UK date input."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widgets.append(
            forms.TextInput(
                attrs={"class": "govuk-input govuk-date-input__input govuk-input--width-5", "label": "Time"}
            )
        )
        self.widgets_names = [f"_{index}" for index in range(len(self.widgets))]  # <name>_3 for the time

    def decompress(self, value):
        if not value:
            return None, None, None, None
        local = value.astimezone(UK)
        return local.day, local.month, local.year, local.strftime("%H:%M")


class GovukDateTimeField(GovukDateField):
    """A date and a time, read as UK time (Europe/London, with its clock
    changes). `what` ends the messages: `what="the cycle opens"` gives
    "Enter the date and time the cycle opens"."""

    widget = GovukDateTimeWidget
    years = (2000, 2100)

    def __init__(self, *, what: str, **kwargs):
        super().__init__(what=what, **kwargs)
        self.fields = (*self.fields, forms.CharField(label="Time", required=False))

    def clean(self, value):
        for sub in self.fields:
            sub.widget.errors = []
        day, month, year, at = self._typed(value, 4)
        if not (day or month or year or at):
            if self.required:
                raise self._boxes_wrong(f"Enter the date and time {self.what}", {0, 1, 2, 3})
            return None
        try:
            when = _date_from_parts(day, month, year, what=f"the date {self.what}")
        except _WrongBoxes as wrong:
            raise self._boxes_wrong(wrong.message, wrong.boxes) from None
        if not self.years[0] <= when.year <= self.years[1]:
            raise self._boxes_wrong(f"Year must be between {self.years[0]} and {self.years[1]}", {2})
        if not at:
            raise self._boxes_wrong(f"Enter the time {self.what}, {TIME_HINT}", {3})
        clock = parse_uk_time(at)
        if clock is None:
            raise self._boxes_wrong(f"Enter the time {self.what} {TIME_HINT}", {3})
        moment = uk_moment(when, clock)
        if moment is None:
            raise self._boxes_wrong(
                f"{at} does not exist on {when.day} {when:%B %Y} because the clocks go forward: "
                "choose another time",
                {3},
            )
        return moment
