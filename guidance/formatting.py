"""Safe formatting for what partnership admins write for the public. The
formatter itself is core.formatting, shared with the reports' narrative
sections and the children's summary."""

from core.formatting import guidance_html

__all__ = ["guidance_html"]
