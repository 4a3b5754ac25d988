"""The one function that turns HTML into a PDF (WeasyPrint).

Every PDF the service makes (a return, submitted or draft; the reference
sheets; the summary report; an action plan) goes through `pdf_render`, so
each is tagged PDF/UA-1 and none can make the server fetch anything: the
URL fetcher serves only data: URIs and the project's own static files
(named as /static/… paths), and refuses every other URL before any
connection is made. A template or a value that names
http://127.0.0.1:…/ or file:///etc/passwd gets nothing.

The same input gives the same bytes: WeasyPrint names table header cells in
the structure tree by Python object ids, which differ between runs, so
`_stable_ids` renumbers them.
"""

from urllib.parse import unquote, urlsplit

import pydyf
from django.conf import settings
from django.contrib.staticfiles import finders

PDF_VARIANT = "pdf/ua-1"
# Relative and root-relative URLs in a template resolve against this origin,
# which never answers: the fetcher maps its /static/ paths to files on disk.
BASE_URL = "https://s11portal.invalid/"


class ExternalFetchRefusedError(ValueError):
    pass


def pdf_url_fetcher(url: str, *args, **kwargs):
    """WeasyPrint's URL fetcher: data: URIs and our static files only."""
    from weasyprint.urls import default_url_fetcher  # heavy (Pango): loaded only when a PDF is made

    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    static_prefix = BASE_URL.rstrip("/") + "/" + settings.STATIC_URL.strip("/") + "/"
    if url.startswith(static_prefix):
        relative = unquote(urlsplit(url).path)[len(urlsplit(static_prefix).path) :]
        found = finders.find(relative) if relative and ".." not in relative.split("/") else None
        if found:
            with open(found, "rb") as handle:
                return {"string": handle.read(), "filename": relative.rsplit("/", 1)[-1]}
    raise ExternalFetchRefusedError(f"PDFs fetch nothing from outside (asked for {url[:80]})")


def _stable_ids(document, pdf) -> None:
    """Replace the structure elements' memory-address IDs with ordinals."""
    ids: dict[bytes | str, str] = {}

    def ordinal(value) -> pydyf.String:
        key = value.string if isinstance(value, pydyf.String) else value
        return pydyf.String(ids.setdefault(key, f"s11-{len(ids) + 1}"))

    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Dictionary) or obj.get("Type") != "/StructElem":
            continue
        if "ID" in obj:
            obj["ID"] = ordinal(obj["ID"])
        attributes = obj.get("A")
        if isinstance(attributes, pydyf.Dictionary) and "Headers" in attributes:
            attributes["Headers"] = pydyf.Array(ordinal(h) for h in attributes["Headers"])


def pdf_render(html: str) -> bytes:
    """A tagged, accessible PDF (PDF/UA-1) of `html`, fetching nothing."""
    from weasyprint import HTML  # heavy import (Pango), only where PDFs are made

    return HTML(string=html, base_url=BASE_URL, url_fetcher=pdf_url_fetcher).write_pdf(
        pdf_variant=PDF_VARIANT, finisher=_stable_ids
    )
