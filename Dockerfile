# Production image: gunicorn serving Django; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 1000 cbec

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# collectstatic needs settings; a throwaway key is fine for that one step.
RUN SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var /srv/media && chown -R cbec:cbec /app/var /srv/media

USER cbec
EXPOSE 8000
CMD ["gunicorn", "cbec_supervision.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
