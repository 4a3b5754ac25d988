"""Keep secrets and people's addresses out of logs.

Two kinds of request carry a secret in their path: a resume link
(/<partnership>/r/<token>/) and allauth's password-reset link
(/accounts/password/reset/key/<uid>-<key>/); an agency's open survey link
(/<partnership>/survey/<token>/) is a secret of a kind too, as anyone
holding it can send replies. The first two redirect at once to a URL
without it, but the request line itself is still logged by the web server
(gunicorn's access log) and by Django's development server. `RedactSecrets`
rewrites the secret in any log record to [redacted].

Tracebacks from sending email (the Celery worker's task failures, the
outbox's retries) quote recipients: `SMTPRecipientsRefused({'jo@x.org': …})`,
a refused `"Jo Bloggs <jo@x.org>"`. `RedactEmailAddresses` replaces every
email address, and a quoted display name that goes with it, in the message,
its arguments and the formatted exception text. Django's console handler and
the Celery worker's handlers (s11portal/celery.py) use both filters.
"""

import logging
import re

# A resume link's token (192 bits, urlsafe base64) and a password-reset key
# (allauth: "<uidb36>-<key>", or "<uidb36>-set-password" once it is in the
# session). Each is kept up to the next slash, quote, space or query string.
SECRET_IN_PATH = re.compile(r"(/r/|/survey/)[A-Za-z0-9_-]{16,}|(/password/reset/key/)[^/\s\"'?#]+")
TOKEN_IN_PATH = SECRET_IN_PATH  # the old name

EMAIL_ADDRESS = r"[A-Za-z0-9.!#$%&*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
# 'Jo Bloggs <jo@x.org>' or "Bloggs, Jo <jo@x.org>" inside quotes (a repr in a
# traceback): the name goes too. Otherwise the address alone.
QUOTED_NAME_AND_ADDRESS = re.compile(r"(['\"])[^'\"\n]{0,200}?<" + EMAIL_ADDRESS + r">\1")
ADDRESS = re.compile(EMAIL_ADDRESS)
# Django's refusal of an address it cannot parse names what it did parse:
# 'Invalid address; only Bloggs could be parsed from "Bloggs, Jo <jo@x.org>"'.
PARSED_PART = re.compile(r"(Invalid address; only ).*?( could be parsed from )")
REDACTED_ADDRESS = "[email redacted]"


def _secret(match: re.Match) -> str:
    return f"{match.group(1) or match.group(2)}[redacted]"


def redact(text: str) -> str:
    """The text with resume-link tokens and password-reset keys redacted."""
    return SECRET_IN_PATH.sub(_secret, text)


def redact_addresses(text: str) -> str:
    """The text with every email address (and a quoted name with it) redacted."""
    text = PARSED_PART.sub(rf"\1{REDACTED_ADDRESS}\2", text)
    text = QUOTED_NAME_AND_ADDRESS.sub(lambda m: f"{m.group(1)}{REDACTED_ADDRESS}{m.group(1)}", text)
    return ADDRESS.sub(REDACTED_ADDRESS, text)


class _RewritingFilter(logging.Filter):
    """Applies `rewrite` to a record's message, its arguments (a tuple, or
    the mapping gunicorn's access log passes) and, with `exceptions`, the
    formatted traceback (kept in record.exc_text, which formatters print
    instead of formatting exc_info again)."""

    exceptions = False

    @staticmethod
    def rewrite(text: str) -> str:
        raise NotImplementedError

    def _value(self, value):
        if isinstance(value, str):
            return self.rewrite(value)
        if self.exceptions and isinstance(value, BaseException):
            # "%s" of an exception argument would print the address
            return self.rewrite(str(value))
        return value

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = self.rewrite(record.msg)
        elif self.exceptions and isinstance(record.msg, BaseException):
            record.msg = self.rewrite(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(self._value(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: self._value(v) for k, v in record.args.items()}
        if self.exceptions:
            if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = self.rewrite(record.exc_text)
            if record.stack_info:
                record.stack_info = self.rewrite(record.stack_info)
        return True


class RedactSecrets(_RewritingFilter):
    rewrite = staticmethod(redact)


RedactResumeTokens = RedactSecrets  # the old name


class RedactEmailAddresses(_RewritingFilter):
    exceptions = True
    rewrite = staticmethod(redact_addresses)

    def filter(self, record: logging.LogRecord) -> bool:
        super().filter(record)
        # Celery's task-failure record also keeps its arguments (exc,
        # traceback, args, kwargs) as `data`, for handlers that read fields.
        data = getattr(record, "data", None)
        if isinstance(data, dict):
            record.data = {k: self._value(v) for k, v in data.items()}
        return True
