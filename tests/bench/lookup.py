#!/usr/bin/env python3
"""./wm bench lookup: the hotline's one-box look-up under concurrent agents (issue 7).

In a temporary directory, on loopback and free ports:
  1. a Mosquitto with the project's deploy configuration, and wm-gateway with a fresh
     database and a generated inventory of N machines (wm-sim inventory);
  2. an agent token of an operator org (wm-gateway token add);
  3. realistic state: one telemetry message from every machine (wm-sim flood), an active
     fault on a few per cent of them (open tickets, waited for through GET /tickets), cards
     recharged through REST and a few dispenses per card at its home site (some without
     water, so that refunds exist), waited for through /metrics;
  4. wm-bench-lookup: A agents with one keep-alive connection each, look-ups back to back
     in a mix of machine ids (exact and sloppy), site ids, parts of site names, card tokens
     and ticket ids, for S seconds; it prints the latencies and the verdict (p99 < 10 ms).
Everything started is stopped on exit, Ctrl-C included.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

FAULT_CODES = ["E01", "E02", "E03", "E04", "E05", "E06", "E07", "E08"]

# Share of each query kind in the agents' mix (what callers give: the sticker on the
# machine, the card, the place, or the ticket number of an earlier call).
MIX = {"machine": 30, "machine_sloppy": 15, "site_id": 10, "site_name": 15, "card": 20,
       "ticket": 10}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, predicate, timeout, proc=None):
    """Polls predicate until it is true; raises SystemExit naming `what` at the deadline."""
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"{what}: the process ended with status {proc.returncode}")
        if time.time() > deadline:
            raise SystemExit(f"gave up after {timeout} s waiting for {what}")
        time.sleep(0.1)


def port_open(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def metrics(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            text = r.read().decode()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def metric_sum(m, prefix):
    return sum(v for k, v in m.items() if k == prefix or k.startswith(prefix + "{"))


def process_cpu(pid):
    """CPU seconds (user + system) used so far by a process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Api:
    """One keep-alive connection to the gateway's REST API."""

    def __init__(self, port, token):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method, path, body=None):
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None,
                          headers=self.headers)
        r = self.conn.getresponse()
        data = r.read()
        return r.status, json.loads(data) if data else None


def open_tickets(api):
    out, cursor = [], None
    while True:
        path = "/api/v1/tickets?state=open&limit=1000" + (f"&cursor={cursor}" if cursor else "")
        status, page = api.call("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status} {page}")
        out += page["items"]
        cursor = page.get("next")
        if not cursor:
            return out


def publish(build, uri, lines, work, name):
    path = os.path.join(work, f"{name}.tsv")
    with open(path, "w") as f:
        f.writelines(f"{topic}\t{payload}\n" for topic, payload in lines)
    with open(path) as f:
        out = subprocess.run([f"{build}/tests/bench/wm-bench-publish", "--mqtt", uri,
                              "--client-id", f"wm-bench-{name}"], stdin=f, check=True,
                             capture_output=True, text=True).stdout
    return out.strip()


def site_name_part(rng, name):
    """What an agent types for a place: a word or two of its name, in any case.
    "Wanda Plaza (Changping)" gives e.g. "wanda plaza", "Plaza" or "Changping"."""
    segments = [s.strip(" )") for s in name.split("(")]
    words = rng.choice([s for s in segments if s]).split()
    n = min(len(words), rng.choice([1, 2, 2, 3]))
    start = rng.randrange(len(words) - n + 1)
    part = " ".join(words[start:start + n])
    return part.lower() if rng.random() < 0.5 else part


def sloppy(rng, device_id):
    """wm-00123 as people write it: WM00123, wm00123, WM-00123, wm_00123."""
    digits = device_id.split("-", 1)[1]
    return rng.choice(["WM" + digits, "wm" + digits, "WM-" + digits, "wm_" + digits])


def seed_state(a, build, uri, http_port, token, inventory, work, rng):
    devices = inventory["devices"]
    api = Api(http_port, token)
    # Telemetry once per machine.
    t0 = time.time()
    subprocess.run([f"{build}/simulator/wm-sim", "flood", "--mqtt", uri, "--inventory",
                    os.path.join(work, "inventory.json"), "--count", str(len(devices)),
                    "--qos", "1", "--start", "now", "--client-id", "wm-bench-telemetry"],
                   check=True, capture_output=True)
    key = 'wm_messages_decoded_total{kind="telemetry"}'
    wait_for("telemetry of every machine", lambda: metrics(http_port).get(key, 0) >= len(devices),
             120)
    print(f"  telemetry: {len(devices)} machines in {time.time() - t0:.1f} s")

    # Active faults on a few per cent of the machines: open tickets.
    t0 = time.time()
    now = int(time.time() * 1000)
    faulty = rng.sample(devices, min(a.tickets, len(devices)))
    lines = []
    for i, d in enumerate(faulty):
        event = {"ts": now + i, "seq": 100000 + i, "type": "fault",
                 "code": rng.choice(FAULT_CODES), "active": True}
        lines.append((f"wm/v1/{d['site']}/{d['id']}/event", json.dumps(event)))
    publish(build, uri, lines, work, "faults")
    tickets = []

    def enough_tickets():
        tickets[:] = open_tickets(api)
        return len(tickets) >= len(faulty)
    try:
        wait_for(f"{len(faulty)} open tickets", enough_tickets, 120)
    except SystemExit as e:  # some codes may not open a ticket: go on with what there is
        print(f"  note: {e}; {len(tickets)} open")
    print(f"  tickets: {len(faulty)} machines faulted, {len(tickets)} open tickets in "
          f"{time.time() - t0:.1f} s")

    # Cards recharged through REST (a few agents at once), then dispenses at home sites.
    t0 = time.time()
    cards = [f"c-{n:06d}" for n in range(1, a.cards + 1)]
    failures = []

    def recharge(part):
        mine = Api(http_port, token)
        for c in part:
            status, body = mine.call("POST", f"/api/v1/cards/{c}/recharge",
                                     {"amount_fen": 5000, "ref": f"bench-pay-{c}"})
            if status != 200:
                failures.append((c, status, body))
    threads = [threading.Thread(target=recharge, args=(cards[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"{len(failures)} recharges failed, e.g. {failures[0]}")
    recharge_s = time.time() - t0
    by_site = {}
    for d in devices:
        by_site.setdefault(d["site"], []).append(d)
    sites = sorted(by_site)
    lines, now, seq = [], int(time.time() * 1000), {}
    for c in cards:
        home = by_site[rng.choice(sites)]
        for k in range(a.dispenses_per_card):
            d = rng.choice(home)
            seq[d["id"]] = seq.get(d["id"], 200000) + 1
            requested = rng.choice([300, 500, 600, 1000])
            delivered = 0 if rng.random() < 0.05 else requested
            event = {"ts": now + len(lines), "seq": seq[d["id"]], "type": "dispense",
                     "txn": f"bench-{c}-{k}", "card": c, "charged_fen": requested // 10,
                     "requested_ml": requested, "dispensed_ml": delivered}
            lines.append((f"wm/v1/{d['site']}/{d['id']}/event", json.dumps(event)))
    publish(build, uri, lines, work, "dispenses")
    wait_for(f"{len(lines)} dispenses charged",
             lambda: metric_sum(metrics(http_port), "wm_dispenses_charged_total") >= len(lines),
             180)
    m = metrics(http_port)
    print(f"  cards: {len(cards)} recharged through REST in {recharge_s:.1f} s, "
          f"{len(lines)} dispenses charged, {metric_sum(m, 'wm_refunds_total'):.0f} refunds, "
          f"in {time.time() - t0:.1f} s")
    return tickets, cards


def parse_mix(text):
    mix = {}
    for part in text.split(","):
        kind, _, weight = part.partition(":")
        if kind not in MIX or not weight.isdigit():
            raise SystemExit(f"--mix: expected kind:weight,... with kinds {', '.join(MIX)}; "
                             f"got '{part}'")
        mix[kind] = int(weight)
    return mix


def write_queries(path, inventory, tickets, cards, rng, mix, count=20000):
    devices, sites = inventory["devices"], inventory["sites"]
    kinds = list(mix)
    weights = [mix[k] if (k != "ticket" or tickets) and (k != "card" or cards) else 0
               for k in kinds]
    with open(path, "w") as f:
        for kind in rng.choices(kinds, weights, k=count):
            if kind == "machine":
                q = rng.choice(devices)["id"]
            elif kind == "machine_sloppy":
                q = sloppy(rng, rng.choice(devices)["id"])
            elif kind == "site_id":
                q = rng.choice(sites)["id"]
            elif kind == "site_name":
                q = site_name_part(rng, rng.choice(sites)["name"])
            elif kind == "card":
                q = rng.choice(cards)
            else:
                q = rng.choice(tickets)["id"]
            f.write(f"{kind}\t{q}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build")
    ap.add_argument("root")
    ap.add_argument("--devices", type=int, default=10000)
    ap.add_argument("--agents", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--warmup", type=float, default=2)
    ap.add_argument("--tickets", type=int, default=None,
                    help="machines with an active fault (default: 5%% of the fleet)")
    ap.add_argument("--cards", type=int, default=2000)
    ap.add_argument("--dispenses-per-card", type=int, default=3)
    ap.add_argument("--http-threads", type=int, default=None,
                    help="wm-gateway serve --http-threads (default: the gateway's)")
    ap.add_argument("--think-ms", type=float, default=0,
                    help="pause of each agent between look-ups (default: none, back to back)")
    ap.add_argument("--telemetry-rate", type=float, default=None,
                    help="telemetry messages per second published during the run, as the fleet "
                         "keeps reporting (default: one per machine per minute; 0: none)")
    ap.add_argument("--mix", type=parse_mix, default=MIX,
                    help="query kinds and weights, e.g. site_name:1 (default: "
                         + ",".join(f"{k}:{v}" for k, v in MIX.items()) + ")")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    a = ap.parse_args()
    if a.tickets is None:
        a.tickets = max(1, a.devices // 20)
    if a.telemetry_rate is None:
        a.telemetry_rate = a.devices / 60

    # SIGTERM (and SIGHUP) unwind like Ctrl-C, so that `finally` stops what was started.
    def stop(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)

    rng = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix="wm-bench-lookup-")
    procs = []  # started processes, stopped in reverse order
    try:
        inv_path = os.path.join(work, "inventory.json")
        subprocess.run([f"{a.build}/simulator/wm-sim", "inventory", "--devices", str(a.devices),
                        "--seed", "1", "--protocol-mix", "json:100", "--out", inv_path],
                       check=True, capture_output=True)
        with open(inv_path) as f:
            inventory = json.load(f)

        mqtt_port = free_port()
        conf = open(os.path.join(a.root, "deploy", "mosquitto.conf.in")).read()
        conf = conf.replace("@PORT@", str(mqtt_port)).replace("@DATA_DIR@", work)
        with open(os.path.join(work, "mosquitto.conf"), "w") as f:
            f.write(conf)
        broker = subprocess.Popen(["mosquitto", "-c", os.path.join(work, "mosquitto.conf")],
                                  stdout=subprocess.DEVNULL,
                                  stderr=open(os.path.join(work, "mosquitto.log"), "w"))
        procs.append(broker)
        wait_for(f"mosquitto on port {mqtt_port}", lambda: port_open(mqtt_port), 10, broker)
        uri = f"tcp://127.0.0.1:{mqtt_port}"

        http_port = free_port()
        db = os.path.join(work, "gateway.db")
        cmd = [f"{a.build}/gateway/wm-gateway", "serve", "--mqtt", uri, "--http",
               f"127.0.0.1:{http_port}", "--db", db, "--inventory", inv_path,
               "--client-id", "wm-bench-gateway", "--log-level", "warn"]
        if a.http_threads:
            cmd += ["--http-threads", str(a.http_threads)]
        gw = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(work, "gateway.log"), "w"))
        procs.append(gw)
        wait_for("the gateway's MQTT connection",
                 lambda: metrics(http_port).get("wm_mqtt_connected") == 1, 60, gw)

        operator = next(o["id"] for o in inventory["orgs"] if o["type"] == "operator")
        token = subprocess.run([f"{a.build}/gateway/wm-gateway", "token", "add", "--db", db,
                                "--role", "agent", "--org", operator],
                               check=True, capture_output=True, text=True).stdout.split()[-1]

        threads = a.http_threads or "default"
        print(f"look-up benchmark: {a.devices} machines, {len(inventory['sites'])} sites, "
              f"{a.agents} agents for {a.seconds:g} s, gateway --http-threads {threads}, "
              f"{os.cpu_count()} cores")
        print("seeding:")
        tickets, cards = seed_state(a, a.build, uri, http_port, token, inventory, work, rng)
        queries = os.path.join(work, "queries.tsv")
        write_queries(queries, inventory, tickets, cards, rng, a.mix)
        total = sum(a.mix.values())
        print("mix: " + ", ".join(f"{k} {v * 100 / total:.0f}%" for k, v in a.mix.items()))

        if a.telemetry_rate > 0:
            # The fleet goes on reporting while agents look up: the intake shares the twins'
            # lock with the look-up.
            count = int(a.telemetry_rate * (a.warmup + a.seconds + 30))
            procs.append(subprocess.Popen(
                [f"{a.build}/simulator/wm-sim", "flood", "--mqtt", uri, "--inventory", inv_path,
                 "--count", str(count), "--rate", str(a.telemetry_rate), "--qos", "1",
                 "--seed", "2", "--start", "now", "--client-id", "wm-bench-fleet"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        print(f"during the run: {a.telemetry_rate:.0f} telemetry messages/s from the fleet")
        load_before = os.getloadavg()
        cpu_before = process_cpu(gw.pid)
        requests_before = metric_sum(metrics(http_port), "wm_http_requests_total")
        run = subprocess.run([f"{a.build}/tests/bench/wm-bench-lookup", "--http",
                              f"127.0.0.1:{http_port}", "--token", token, "--queries", queries,
                              "--agents", str(a.agents), "--seconds", str(a.seconds),
                              "--warmup", str(a.warmup), "--think-ms", str(a.think_ms),
                              "--seed", str(a.seed)], capture_output=True, text=True)
        cpu = process_cpu(gw.pid) - cpu_before
        served = metric_sum(metrics(http_port), "wm_http_requests_total") - requests_before - 1
        sys.stdout.write(run.stdout)
        sys.stderr.write(run.stderr)
        print(f"gateway: {cpu / max(served, 1) * 1000:.2f} ms CPU per request "
              f"({served:.0f} requests incl. warm-up, {cpu:.1f} s CPU); machine load average "
              f"before the run {load_before[0]:.2f} (1 min) on {os.cpu_count()} cores")
        return 0 if run.returncode == 0 else 1
    except KeyboardInterrupt:
        return 130
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        if a.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
