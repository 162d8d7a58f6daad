#!/usr/bin/env python3
"""An ML team's retrain worker for HitlLoop, in Python with pika and requests.

It waits on a queue of its own bound to HitlLoop.Contracts:RetrainRequested, downloads the snapshot's SFT file with
the team's API key, checks its SHA-256 against the request's contentHash, trains (replace train() with your own),
and publishes HitlLoop.Contracts:RetrainCompleted with the new model's metrics on the frozen eval split and the
serving model's. TrainingOrchestrator's evaluation gate then decides promote or reject (RetrainEvaluated).

    HITL_AMQP_URI=amqp://guest:guest@localhost:5672/ HITL_ML_API_KEY=demo-ml-key python3 worker.py [--once]
"""

import argparse
import hashlib
import json
import os
import sys
from datetime import datetime, timezone
from urllib.parse import quote, urljoin

import pika
import requests

REQUESTED = "HitlLoop.Contracts:RetrainRequested"
COMPLETED = "HitlLoop.Contracts:RetrainCompleted"


def download(url, api_key, expected_hash):
    """Streams the file, hashing it as it arrives; refuses it unless the hash is the one the request named."""
    digest, examples = hashlib.sha256(), []
    with requests.get(url, headers={"Authorization": f"Bearer {api_key}"}, stream=True, timeout=60) as answer:
        answer.raise_for_status()
        pending = b""
        for chunk in answer.iter_content(chunk_size=64 * 1024):
            digest.update(chunk)
            pending += chunk
            *lines, pending = pending.split(b"\n")
            examples.extend(json.loads(line) for line in lines if line)
    actual = "sha256:" + digest.hexdigest()
    if actual != expected_hash:
        raise ValueError(f"{url} hashes to {actual}, not {expected_hash}: not training on it")
    return examples


def train(examples, _base_model):
    """Stands in for fine-tuning: returns the new model's and the serving model's metrics on the eval split."""
    evaluated = [e for e in examples if e["metadata"].get("split") == "eval"] or examples
    baseline = 0.70
    return {"accuracy": round(baseline + 0.05, 4), "evalExamples": len(evaluated)}, {"accuracy": baseline, "evalExamples": len(evaluated)}


def report(dataset_url, api_key, request_id, step, note):
    """Tells TrainingOrchestrator how far the request got: acknowledge, then training."""
    url = urljoin(dataset_url, f"/api/retrain-requests/{quote(request_id, safe='')}/{step}")
    requests.post(url, json={"note": note}, headers={"Authorization": f"Bearer {api_key}"}, timeout=30).raise_for_status()


def handle(channel, request, api_key, model_prefix):
    sft = next(f for f in request["formats"] if f["format"] == "sft-jsonl" and f.get("split") in (None, "all"))
    report(sft["url"], api_key, request["requestId"], "acknowledge", "python worker")
    examples = download(sft["url"], api_key, request["contentHash"])
    report(sft["url"], api_key, request["requestId"], "training", f"{len(examples)} examples verified")
    if len(examples) != request["counts"]["examples"]:
        raise ValueError(f"expected {request['counts']['examples']} examples, got {len(examples)}")
    metrics, baseline = train(examples, request.get("baseModelVersion"))
    print(f"fine-tuned {request.get('baseModelVersion') or 'the base model'} on {request['datasetId']}", flush=True)
    completed = {
        "requestId": request["requestId"],
        "newModelVersion": f"{model_prefix}-{request['datasetId']}",
        "metrics": metrics,
        "baselineMetrics": baseline,
        "promoted": True,
        "completedAt": datetime.now(timezone.utc).isoformat(),
    }
    channel.basic_publish(
        exchange=COMPLETED,
        routing_key="",
        body=json.dumps(completed),
        properties=pika.BasicProperties(content_type="application/json", delivery_mode=2),
    )
    print(f"trained {completed['newModelVersion']} on {len(examples)} examples of {request['datasetId']}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="exit after the first retrain request")
    parser.add_argument("--queue", default="ml-team-python-retrain-requested")
    parser.add_argument("--model-prefix", default="support-bot-py")
    args = parser.parse_args()

    api_key = os.environ["HITL_ML_API_KEY"]
    connection = pika.BlockingConnection(pika.URLParameters(os.environ.get("HITL_AMQP_URI", "amqp://guest:guest@localhost:5672/")))
    channel = connection.channel()
    # Declarations are idempotent and match the services' own, so the worker may start first.
    for exchange in (REQUESTED, COMPLETED):
        channel.exchange_declare(exchange, exchange_type="fanout", durable=True)
    channel.queue_declare(args.queue, durable=True)
    channel.queue_bind(args.queue, REQUESTED)
    channel.confirm_delivery()
    print(f"waiting on {args.queue}", flush=True)

    failed = False
    for method, _properties, body in channel.consume(args.queue, inactivity_timeout=None):
        envelope = json.loads(body)
        # MassTransit's envelope holds the event in "message"; a raw JSON event is the body itself.
        request = envelope.get("message", envelope)
        try:
            handle(channel, request, api_key, args.model_prefix)
            channel.basic_ack(method.delivery_tag)
        except Exception as error:  # noqa: BLE001 - a bad request is reported and left for a person
            print(f"retrain request {request.get('requestId')} failed: {error}", file=sys.stderr, flush=True)
            channel.basic_nack(method.delivery_tag, requeue=False)
            failed = True
        if args.once:
            break

    channel.cancel()
    connection.close()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
