"""Safe formatting for text partnership admins write for the public: no raw
HTML ever. A blank line starts a new paragraph; a block whose every line
starts with "- " is a bulleted list; [words](https://…) or
[words](mailto:…) is a link. Everything else is escaped as text."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_LINK = re.compile(r"\[([^\]\n]{1,200})\]\(((?:https://|mailto:)[^\s()<>\"']{1,500})\)")


def _inline(text: str) -> str:
    escaped = escape(text)  # quotes too: nothing can leave the href attribute
    return _LINK.sub(r'<a class="govuk-link" href="\2">\1</a>', escaped)


def guidance_html(text: str) -> SafeString:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if b.strip()]
    parts = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n")]
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:].strip())}</li>" for line in lines)
            parts.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
        else:
            parts.append(f'<p class="govuk-body">{"<br>".join(_inline(line) for line in lines)}</p>')
    return mark_safe("".join(parts))  # noqa: S308 (built only from escaped text above)
