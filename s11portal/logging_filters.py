"""Keep resume-link tokens out of logs.

The one request that carries a token (/<partnership>/r/<token>/) redirects
at once to a URL without it, but the request line itself is still logged by
the web server and by Django's development server. This filter rewrites the
token in any log record to [redacted].
"""

import logging
import re

TOKEN_IN_PATH = re.compile(r"(/r/)[A-Za-z0-9_-]{16,}")


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1[redacted]", text)


class RedactResumeTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            # gunicorn's access log passes its atoms as a mapping
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True
