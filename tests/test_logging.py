import logging

from s11portal.logging_filters import RedactResumeTokens, redact


def test_resume_tokens_are_redacted_from_request_lines():
    token = "Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4"
    assert redact(f'"GET /csap/r/{token}/ HTTP/1.1" 302 0') == '"GET /csap/r/[redacted]/ HTTP/1.1" 302 0'
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /csap/r/{token}/ HTTP/1.1", "302", "0"),
        None,
    )
    RedactResumeTokens().filter(record)
    assert token not in record.getMessage()
    gunicorn = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, "%(r)s", ({"r": f"GET /csap/r/{token}/"},), None
    )
    RedactResumeTokens().filter(gunicorn)
    assert token not in gunicorn.getMessage()


def test_other_paths_are_left_alone():
    assert redact("GET /csap/return/themes/leadership/") == "GET /csap/return/themes/leadership/"
