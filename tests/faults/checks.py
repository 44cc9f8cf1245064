"""What a fault campaign checks at its end, reading the topics with confluent_kafka (Debian's
Python client), never through Parcours: every acknowledged command's events exactly once, no
command with two outcomes, no gap or repeated seq in any journey, hash chains whole; then
`parcours audit verify`, and every instance's digest against a fresh rebuild's."""
import collections
import hashlib
import json
import os
import tempfile
import time
import uuid

from confluent_kafka import Consumer, TopicPartition

from fleet import http

ZERO_HASH = "0" * 64


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(envelope):
    body = {k: v for k, v in envelope.items() if k != "hash"}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def read_topic(brokers, topic, timeout=120):
    """Every committed record of a topic: (partition, offset, key, value)."""
    c = Consumer({"bootstrap.servers": brokers, "group.id": "chaos-check-" + uuid.uuid4().hex,
                  "isolation.level": "read_committed", "enable.auto.commit": False,
                  "enable.partition.eof": True, "auto.offset.reset": "earliest"})
    md = c.list_topics(topic, timeout=30)
    parts = sorted(md.topics[topic].partitions)
    ends = {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=30)[1] for p in parts}
    c.assign([TopicPartition(topic, p, 0) for p in parts])
    done = {p for p in parts if ends[p] == 0}
    out = []
    deadline = time.time() + timeout
    while len(done) < len(parts) and time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == -191 and m.offset() >= ends[m.partition()]:
                done.add(m.partition())
            continue
        out.append((m.partition(), m.offset(), m.key().decode() if m.key() else None,
                    m.value().decode() if m.value() is not None else None))
        if m.offset() + 1 >= ends[m.partition()]:
            done.add(m.partition())
    c.close()
    if len(done) < len(parts):
        raise RuntimeError(f"{topic}: not read to its end in {timeout} s")
    return out


def check_log(settings, commands):
    """Checks the events and replies topics against what the clients were told."""
    problems = []
    events = [json.loads(v) for (_, _, _, v) in read_topic(settings.brokers,
                                                           settings.topic("journey-events"))]
    by_command = collections.defaultdict(list)
    by_journey = collections.defaultdict(list)
    for e in events:
        by_command[e["commandid"]].append(e)
        by_journey[e["subject"]].append(e)
    acknowledged = [c for c in commands if c.acknowledged]
    lost = [c.key for c in acknowledged if not by_command.get(c.key)]
    duplicated = [c.key for c in acknowledged if len(by_command.get(c.key, [])) > 1]
    for c in acknowledged:
        seqs = sorted(e["seq"] for e in by_command.get(c.key, []))
        for body in c.bodies:
            told = sorted(ev["seq"] for ev in (body or {}).get("events", []))
            if told != seqs:
                problems.append(f"{c.key}: answered seq {told}, the log has {seqs}")
                break
    # Two outcomes: every answer the processor gave a command id must agree.
    replies = collections.defaultdict(list)
    for (_, _, key, value) in read_topic(settings.brokers, settings.topic("replies")):
        r = json.loads(value)
        replies[r["command_id"]].append(r)
    two_outcomes = []
    for key, rs in replies.items():
        outcomes = {canonical(sorted(ev["seq"] for ev in r["body"].get("events", [])))
                    if r["status"] in (200, 201) else f"status {r['status']}" for r in rs}
        if len(outcomes) > 1:
            two_outcomes.append(key)
    for c in commands:
        if len({canonical(b) for b in c.bodies}) > 1:
            two_outcomes.append(c.key)
    # Journeys: seq 1..n once each, chains whole.
    gaps = []
    for j, evs in by_journey.items():
        evs.sort(key=lambda e: e["seq"])
        if [e["seq"] for e in evs] != list(range(1, len(evs) + 1)):
            gaps.append(j)
            continue
        prev = ZERO_HASH
        for e in evs:
            if e["prevhash"] != prev or event_hash(e) != e["hash"]:
                gaps.append(j)
                break
            prev = e["hash"]
    acknowledged_keys = {c.key for c in acknowledged}
    orphans = [k for k in by_command if k.startswith("c-") and k not in acknowledged_keys]
    return {
        "events": len(events),
        "acknowledged": len(acknowledged),
        "unanswered": sum(1 for c in commands if c.status is None),
        "rejected": collections.Counter(c.status for c in commands
                                        if c.status is not None and not c.acknowledged),
        "lost": lost,
        "duplicated": duplicated,
        "two_outcomes": sorted(set(two_outcomes)),
        "broken_journeys": gaps,
        "orphan_events": orphans,
        "answer_mismatches": problems,
    }


def check_audit(settings):
    r = settings.run("audit", "verify", timeout=900)
    return {"exit": r.returncode, "report": r.stdout[-2000:], "stderr": r.stderr[-2000:]}


def check_digests(settings, instances, admin_token, total_events, timeout=180):
    """Every instance's live digest, once it has projected every event, against a rebuild's."""
    out = os.path.join(tempfile.mkdtemp(prefix="chaos-rebuild-", dir=settings.workdir), "rb")
    r = settings.run("rebuild", "--out", out, timeout=900)
    if r.returncode != 0:
        return {"rebuild": None, "error": r.stderr[-2000:], "instances": {}}
    rebuilt = json.loads(r.stdout)
    live = {}
    for inst in instances:
        deadline = time.time() + timeout
        d = None
        while time.time() < deadline:
            try:
                status, d = http(inst.port, "GET", "/v1/admin/digest", token=admin_token,
                                 timeout=30)
            except OSError:
                status, d = None, None
            if status == 200 and d and d.get("events") == rebuilt["events"]:
                break
            time.sleep(0.5)
        live[inst.name] = d
    return {"rebuild": rebuilt, "instances": live,
            "equal": all(d and d.get("digest") == rebuilt["digest"] for d in live.values()),
            "total_events": total_events}
