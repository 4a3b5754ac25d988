"""The kinds of download of return data the audit log records (written by
`audits.services.downloads.download_record`) and their words on a return's
history page."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DownloadKind:
    verb: str
    words: str  # for the history page: "Downloaded …"


# what → how it is written. The submitted copy keeps the verb it always had,
# so the downloads recorded before this module read the same.
DOWNLOADS: dict[str, DownloadKind] = {
    "submission_pdf": DownloadKind("submission.pdf_downloaded", "the submitted copy (PDF)"),
    "draft_pdf": DownloadKind("submission.draft_pdf_downloaded", "a draft copy (PDF)"),
    "evidence": DownloadKind("evidence.downloaded", "evidence"),
    "supplementary_evidence": DownloadKind("evidence.supplementary_downloaded", "supplementary evidence"),
    "action_plan_pdf": DownloadKind("action_plan.pdf_downloaded", "the action plan (PDF)"),
    "action_plan_xlsx": DownloadKind("action_plan.xlsx_downloaded", "the action plan (XLSX)"),
    "cycle_export": DownloadKind("cycle.exported", "the cycle's export"),
    "cycle_report_pdf": DownloadKind("cycle.report_downloaded", "the cycle's summary report (PDF)"),
    "cycle_action_plans_xlsx": DownloadKind("cycle.action_plans_exported", "the cycle's action plans (XLSX)"),
    "meeting_pack": DownloadKind("meeting.pack_downloaded", "a meeting's pre-read pack (PDF)"),
}
DOWNLOAD_VERBS = {kind.verb: kind for kind in DOWNLOADS.values()}


def download_words(verb: str, detail: dict) -> str | None:
    """The history page's words for a download, or None if `verb` is not one."""
    kind = DOWNLOAD_VERBS.get(verb)
    if kind is None:
        return None
    words = f"Downloaded {kind.words}"
    if verb == DOWNLOADS["evidence"].verb and detail.get("name"):
        words = f"Downloaded evidence “{detail['name']}”"
        if detail.get("theme"):
            words += f" from “{detail['theme']}”"
    elif detail.get("version"):
        words += f", version {detail['version']}"
    elif detail.get("file"):
        words += f": {detail['file']}"
    return words
