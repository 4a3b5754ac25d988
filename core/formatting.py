"""Safe formatting for text staff write for others to read (a partnership's
public guidance, a report's narrative sections, the children's summary): no
raw HTML ever. A blank line starts a new paragraph; a block whose every line
starts with "- " is a bulleted list; [words](https://…) or [words](mailto:…)
is a link. Everything else is escaped as text.

`text_blocks` gives the same structure as data, for outputs that are not
HTML (a Word document)."""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_LINK = re.compile(r"\[([^\]\n]{1,200})\]\(((?:https://|mailto:)[^\s()<>\"']{1,500})\)")


def _inline(text: str) -> str:
    escaped = escape(text)  # quotes too: nothing can leave the href attribute
    return _LINK.sub(r'<a class="govuk-link" href="\2">\1</a>', escaped)


@dataclass(frozen=True)
class TextBlock:
    """A paragraph (its lines) or a bulleted list (its items)."""

    kind: str  # "paragraph" or "list"
    lines: tuple[str, ...]


def text_blocks(text: str) -> list[TextBlock]:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if b.strip()]
    out = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n")]
        if all(line.startswith("- ") for line in lines):
            out.append(TextBlock("list", tuple(line[2:].strip() for line in lines)))
        else:
            out.append(TextBlock("paragraph", tuple(lines)))
    return out


def link_parts(line: str) -> list[tuple[str, str]]:
    """A line as (text, href) runs, href "" for plain text."""
    parts, at = [], 0
    for match in _LINK.finditer(line):
        if match.start() > at:
            parts.append((line[at : match.start()], ""))
        parts.append((match.group(1), match.group(2)))
        at = match.end()
    if at < len(line):
        parts.append((line[at:], ""))
    return parts


def guidance_html(text: str) -> SafeString:
    parts = []
    for block in text_blocks(text):
        if block.kind == "list":
            items = "".join(f"<li>{_inline(line)}</li>" for line in block.lines)
            parts.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
        else:
            parts.append(f'<p class="govuk-body">{"<br>".join(_inline(line) for line in block.lines)}</p>')
    return mark_safe("".join(parts))  # noqa: S308 (built only from escaped text above)
