"""A report as an editable Word document (python-docx): boards edit their
annual reports in Word. The same sections, figures and narrative as the
page and the PDF; each chart is given as its table (Word cannot take the
SVG, and a picture of a chart could not be edited). Headings use Word's own
heading styles, so its navigation pane and table of contents work; each
table's header row repeats on a new page and no row splits."""

from __future__ import annotations

import io

from django.template.defaultfilters import date as date_format

from core.dates import UK
from core.formatting import link_parts, text_blocks

from .document import ReportDocument, method_paragraphs


def _docx():
    # python-docx (lxml) is loaded only when a Word document is made.
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    return docx, OxmlElement, qn


def _narrative(document, text: str) -> None:
    for block in text_blocks(text):
        if block.kind == "list":
            for line in block.lines:
                _runs(document.add_paragraph(style="List Bullet"), line)
        else:
            paragraph = document.add_paragraph()
            for number, line in enumerate(block.lines):
                if number:
                    paragraph.add_run().add_break()
                _runs(paragraph, line)


def _runs(paragraph, line: str) -> None:
    for text, href in link_parts(line):
        paragraph.add_run(f"{text} ({href.removeprefix('mailto:')})" if href else text)


def _table(document, header: list[str], rows: list[list], caption: str) -> None:
    _, OxmlElement, qn = _docx()
    document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    properties = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for values in rows:
        row = table.add_row()
        no_split = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(no_split)
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = str(value)
    document.add_paragraph()


def report_docx(doc: ReportDocument) -> bytes:
    docx, _, _ = _docx()
    document = docx.Document()
    core = document.core_properties
    core.title = doc.report.title
    core.author = doc.partnership.name
    core.language = "en-GB"
    core.comments = "Made by s11portal"

    document.add_heading(doc.report.title, level=0)
    document.add_paragraph(doc.subtitle)
    produced = date_format(doc.produced_at.astimezone(UK), "j F Y, g:ia")
    document.add_paragraph(f"Figures as at {produced} (UK time).")
    f = doc.figures

    for section in doc.sections:
        document.add_heading(section.title, level=1)
        key = section.key
        if key == "status":
            _table(
                document,
                ["Status", "Returns"],
                [[label, n] for _s, label, n in f.status.counts] + [["Asked", f.status.asked]],
                f"Returns by status: {f.status.submitted} of {f.status.asked} submitted "
                f"({f.status.response_rate}%)",
            )
            if f.over_time:
                _table(
                    document,
                    ["Cycle", "Asked", "Submitted", "Response rate"],
                    [[p.title, p.asked, p.submitted, f"{p.response_rate}%"] for p in f.over_time],
                    "Response rate over time",
                )
        elif key == "themes":
            _table(
                document,
                ["Theme", "Returns", "Self: Red", "Amber", "Green", "Moderated: Red", "Amber", "Green",
                 "Moderated down", "Same", "Up"],
                [
                    [t.theme.title, t.returns, t.self.red, t.self.amber, t.self.green, t.moderated.red,
                     t.moderated.amber, t.moderated.green, t.moderated_down, t.moderated_same, t.moderated_up]
                    for t in f.themes
                ],
                "Self-ratings and moderated ratings by theme",
            )  # fmt: skip
        elif key == "amber_red":
            _table(
                document,
                ["Theme", "Amber or Red (agreed)", "Red", "Amber", "Of returns"],
                [
                    [t.theme.title, t.agreed.amber_or_red, t.agreed.red, t.agreed.amber, t.returns]
                    for t in f.amber_red
                ],
                "Themes most often rated Amber or Red",
            )
        elif key in ("sectors", "localities"):
            groups = f.sectors if key == "sectors" else f.localities
            _table(
                document,
                ["Sector" if key == "sectors" else "Locality", "Asked", "Submitted", "Response rate",
                 "Red", "Amber", "Green", "Amber or Red"],
                [[g.name, g.asked, g.submitted, f"{g.response_rate}%", g.agreed.red, g.agreed.amber,
                  g.agreed.green, f"{g.agreed.amber_or_red_percent}%"] for g in groups],
                f"Agreed ratings {section.title.lower()}",
            )  # fmt: skip
        elif key == "movement":
            m = f.movement
            if m is None or m.previous is None:
                document.add_paragraph("There is no earlier cycle to compare with.")
            else:
                document.add_paragraph(
                    f"Compared with {m.previous.title}: {m.agencies_compared} agencies submitted "
                    "in both cycles."
                )
                _table(
                    document,
                    ["Theme", "Improved", "Same", "Worse", "Rated for the first time"],
                    [[t.theme.title, t.improved, t.same, t.worse, t.new] for t in m.themes],
                    f"Movement since {m.previous.title}",
                )
        elif key == "actions":
            a = f.actions
            _table(
                document,
                ["Action items", "Number"],
                [["Returns with an action plan", a.returns_with_plans], ["Actions", a.total],
                 ["Completed", a.done], ["In progress", a.in_progress], ["Not started", a.not_started],
                 ["Overdue", a.overdue]],
                "Action plans",
            )  # fmt: skip
        elif key == "meetings_year":
            y = f.meetings_year
            if y is None:
                document.add_paragraph("The year's meetings are rolled up in the whole partnership's report.")
            elif not y.meetings_held:
                document.add_paragraph(f"No assurance meetings or scrutiny panels were held in {y.year}.")
            else:
                document.add_paragraph(
                    f"In {y.year} the partnership held {y.meetings_held} meetings about "
                    f"{y.returns_discussed} returns. They agreed {y.actions_agreed} actions "
                    f"({y.actions_open} still open) and escalated {len(y.escalations)} issues "
                    "to the executive board."
                )
                _table(
                    document,
                    ["Theme", "Returns discussed", "Red after moderation", "Actions agreed", "Actions open",
                     "Escalated"],
                    [[t.title, t.returns_discussed, t.red_moderated, t.actions_agreed, t.actions_open,
                      t.escalations] for t in y.themes],
                    f"Themes across the meetings of {y.year}",
                )  # fmt: skip
                for e in y.escalations:
                    document.add_paragraph(
                        f"Escalated to {e.board}: {e.issue}. {e.reason}", style="List Bullet"
                    )
        elif key == "meetings":
            if not f.meetings:
                document.add_paragraph(
                    "No assurance meetings or scrutiny panels are recorded for this cycle."
                )
            for meeting in f.meetings or []:
                document.add_heading(f"{meeting.kind}, {date_format(meeting.held_on, 'j F Y')}", level=2)
                document.add_paragraph(f"Returns discussed: {meeting.returns_discussed}.")
                if meeting.notes:
                    _narrative(document, meeting.notes)
                if meeting.actions:
                    _table(
                        document,
                        ["Action agreed", "Owner", "Due"],
                        [[a.action, a.owner, date_format(a.due_on, "j F Y")] for a in meeting.actions],
                        "Actions agreed",
                    )
        elif key == "good_practice":
            _narrative(document, doc.report.good_practice or "Not written yet.")
        elif key == "concerns":
            _narrative(document, doc.report.concerns or "Not written yet.")
        elif key == "method":
            for paragraph in method_paragraphs(doc):
                document.add_paragraph(paragraph)
            if doc.report.method_note:
                _narrative(document, doc.report.method_note)

    handle = io.BytesIO()
    document.save(handle)
    return handle.getvalue()
