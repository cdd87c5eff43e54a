# copbot's image: `docker build -t copbot .`, then see docker-compose.yml (PostgreSQL) or README
# ("Running in a container"). The config file is mounted at /config/copbot.toml; secrets come from the
# environment only (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, DISCORD_TOKEN, DATABASE_URL).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: install copbot and its dependencies into a virtual environment -------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/copbot
COPY pyproject.toml README.md ./
COPY bot/ bot/
COPY adapters/ adapters/
COPY storage/ storage/
RUN /opt/copbot/bin/pip install --no-cache-dir .

# --- runtime: the virtual environment only, run by an unprivileged user ----------------------------------
FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 copbot \
    && useradd --system --uid 10001 --gid copbot --home-dir /data --no-create-home --shell /usr/sbin/nologin copbot \
    && mkdir -p /data /config \
    && chown copbot:copbot /data
COPY --from=build /opt/copbot /opt/copbot
# /data holds the SQLite file (the default [database] url is relative: /data/copbot.db) and Discord's
# command-sync state; mount a volume there. DATABASE_URL, when set, points copbot at PostgreSQL instead.
ENV PATH=/opt/copbot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    COPBOT_CONFIG=/config/copbot.toml \
    COPBOT_STATE_DIR=/data
WORKDIR /data
VOLUME ["/data"]
USER 10001:10001
# 8080: [health] port (/healthz, /metrics). 3000: [slack] port in HTTP mode (which then serves both).
EXPOSE 8080 3000
# `copbot healthcheck` reads the same config and asks /healthz on whichever port serves it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["copbot", "healthcheck"]
# copbot stops on SIGTERM: it finishes the work in flight and exits within 10 s (Docker's default grace).
STOPSIGNAL SIGTERM
ENTRYPOINT ["copbot"]
CMD ["run"]
