#!/usr/bin/env bash
# Runs every test: unit, consumer, HTTP, store contract, RabbitMQ integration, end-to-end and browser.
# RabbitMQ: HITL_RABBITMQ_URI, else a private node of the local rabbitmq-server, else Testcontainers.
# MongoDB: HITL_MONGO_URI, else Testcontainers where Docker runs, else those tests are reported skipped.
set -euo pipefail
cd "$(dirname "$0")"
# The services switch the bus library's usage reports off in code; this covers the tests' own buses too.
export MASSTRANSIT_USAGE_TELEMETRY=false
dotnet build HitlLoop.sln -c Release
# axe-core for the browser tests' accessibility checks (skipped, and said so, without npm or the registry).
if command -v npm >/dev/null; then
  npm ci --prefix tests/HitlLoop.IntegrationTests --no-audit --no-fund --silent || echo "axe-core could not be installed: the accessibility checks will be skipped" >&2
fi
# No package with a known vulnerability, direct or transitive, as far as the configured feeds report.
if dotnet list HitlLoop.sln package --vulnerable --include-transitive | grep -B2 -A20 "has the following vulnerable packages"; then
  echo "Vulnerable packages found: update them before anything else." >&2
  exit 1
fi
dotnet test HitlLoop.sln -c Release --no-build "$@"
