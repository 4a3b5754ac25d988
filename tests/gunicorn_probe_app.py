"""A WSGI app for tests that run gunicorn with gunicorn.conf.py: answers 200
to anything, so what is tested is gunicorn's own behaviour (its headers and
its access log), not Django's."""


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
