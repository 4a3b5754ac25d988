# s11portal web, Celery worker and Celery beat all run from this one image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=s11portal.settings.production \
    S11_VAR_DIR=/app/var \
    PRIVATE_MEDIA_ROOT=/data/private

# WeasyPrint needs Pango and HarfBuzz; PDFs need real fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-liberation fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so code changes do not reinstall them. pyproject.toml has
# packages = [], so this installs the dependencies; the code runs from /app.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Static files are collected into the image (served by WhiteNoise). The key is
# only for this build step; a real one comes from the environment at run time.
RUN SECRET_KEY=collectstatic-build-only python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 --home-dir /app s11 \
    && mkdir -p /data/private /app/var \
    && chown -R s11 /data /app/var

USER s11
EXPOSE 8000
# gunicorn.conf.py: 2 workers on 0.0.0.0:8000 (GUNICORN_WORKERS, GUNICORN_BIND), access log with resume tokens redacted.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "s11portal.wsgi"]
