#!/usr/bin/env python3
"""Scores the prediction changes of wm-predict-replay against a simulated run's truth.

    wm-predict-replay --db gateway.db --inventory inventory.json > changes.jsonl
    python3 tests/bench/predict_score.py truth.jsonl changes.jsonl [--list false|dup|missed]

A prediction that opens while none of its machine and kind is open is a ticket; it
matches the truth line of the same machine and kind whose window [onset - slack,
cleared + slack] holds its time, as wm-sim score does. Per predicted kind: truth lines
(failure within the replayed period), tickets, true, duplicate and false tickets,
precision, recall, median lead (failure - opened) in hours, false tickets per 1000
machine-days. Only the predictors: the desk's rules (codes, sensors) are not replayed.
"""
import argparse
import collections
import datetime
import json
import statistics

SLACK_MS = 30 * 60_000
KINDS = ["filter_clogging", "membrane_degradation", "water_quality", "pump_fault", "heater_fault"]


def ms(text):
    return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("truth")
    ap.add_argument("changes")
    ap.add_argument("--machines", type=int, default=0, help="fleet size (default: from changes)")
    ap.add_argument("--list", choices=["false", "dup", "missed", "late"], action="append", default=[])
    ap.add_argument("--kind", action="append", default=[])
    args = ap.parse_args()

    changes = [json.loads(line) for line in open(args.changes)]
    first = min(c["at"] for c in changes) if changes else 0
    last = max(c["at"] for c in changes) if changes else 0
    truth = collections.defaultdict(list)
    lines = []
    for line in open(args.truth):
        t = json.loads(line)
        if t["kind"] not in KINDS:
            continue
        t["onset_ms"] = ms(t["onset"])
        t["failure_ms"] = ms(t["failure"]) if t.get("failure") else None
        t["end_ms"] = ms(t["cleared"]) if t.get("cleared") else last + SLACK_MS
        t["matched"] = None
        truth[(t["machine"], t["kind"])].append(t)
        lines.append(t)

    open_now = set()
    tickets = []
    for c in changes:
        key = (c["machine"], c["kind"])
        if c["change"] == "opened" and key not in open_now:
            open_now.add(key)
            tickets.append(c)
        elif c["change"] == "cleared":
            open_now.discard(key)

    per = {k: collections.Counter() for k in KINDS}
    leads = collections.defaultdict(list)
    listed = []
    for t in tickets:
        kind = t["kind"]
        per[kind]["tickets"] += 1
        cands = [x for x in truth.get((t["machine"], kind), [])
                 if x["onset_ms"] - SLACK_MS <= t["at"] <= x["end_ms"] + SLACK_MS]
        fresh = [x for x in cands if x["matched"] is None]
        if fresh:
            x = min(fresh, key=lambda x: x["onset_ms"])
            x["matched"] = t
            per[kind]["true"] += 1
            if x["failure_ms"]:
                leads[kind].append((x["failure_ms"] - t["at"]) / 3.6e6)
                if x["failure_ms"] < t["at"] and "late" in args.list:
                    listed.append(("late", t, x))
        elif cands:
            per[kind]["dup"] += 1
            if "dup" in args.list:
                listed.append(("dup", t, cands[0]))
        else:
            per[kind]["false"] += 1
            if "false" in args.list:
                listed.append(("false", t, None))
    machines = args.machines or len({c["machine"] for c in changes}) or 1
    days = (last - first) / 86_400_000
    print(f"{days:.2f} days x {machines} machines = {days * machines:.0f} machine-days")
    print(f"{'kind':22} {'truth':>5} {'tickets':>7} {'true':>5} {'dup':>4} {'false':>5} "
          f"{'precision':>9} {'recall':>6} {'lead_h':>7} {'false/1kmd':>10}")
    for kind in KINDS:
        ls = [x for x in lines if x["kind"] == kind and x["failure_ms"] and x["failure_ms"] <= last]
        found = sum(1 for x in ls if x["matched"] is not None)
        p = per[kind]
        precision = p["true"] / p["tickets"] if p["tickets"] else float("nan")
        recall = found / len(ls) if ls else float("nan")
        lead = statistics.median(leads[kind]) if leads[kind] else float("nan")
        print(f"{kind:22} {len(ls):5} {p['tickets']:7} {p['true']:5} {p['dup']:4} {p['false']:5} "
              f"{precision:9.3f} {recall:6.3f} {lead:7.1f} {1000 * p['false'] / (days * machines):10.2f}")
        if "missed" in args.list:
            for x in ls:
                if x["matched"] is None:
                    listed.append(("missed", None, x))
    for what, t, x in listed:
        if args.kind and ((t or x)["kind"] not in args.kind):
            continue
        when = lambda v: datetime.datetime.fromtimestamp(v / 1000, datetime.timezone.utc).strftime("%m-%dT%H:%M")
        if t:
            rel = f" onset{(t['at'] - x['onset_ms']) / 3.6e6:+.0f}h fail{(t['at'] - x['failure_ms']) / 3.6e6:+.0f}h" if x and x["failure_ms"] else ""
            print(f"{what:6} {t['kind']:20} {t['machine']} {when(t['at'])}{rel} | {t['evidence'][:120]}")
        else:
            print(f"{what:6} {x['kind']:20} {x['machine']} onset {x['onset']} failure {x['failure']}")


if __name__ == "__main__":
    main()
