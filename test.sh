#!/usr/bin/env bash
# Runs every test: unit, consumer, HTTP, store contract, RabbitMQ integration, end-to-end and browser.
# RabbitMQ: HITL_RABBITMQ_URI, else a private node of the local rabbitmq-server, else Testcontainers.
# MongoDB: HITL_MONGO_URI, else Testcontainers where Docker runs, else those tests are reported skipped.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build HitlLoop.sln -c Release
dotnet test HitlLoop.sln -c Release --no-build "$@"
