#!/usr/bin/env python3
"""./wm bench ingest: the gateway's ingest rate against a bare Paho subscriber.

On one local Mosquitto (the project's deploy configuration, loopback, free port):
  A. wm-bench-subscriber (a Paho client that only counts) receives a flood of N
     wm-json-v1 telemetry messages from M machines published by `wm-sim flood`;
  B. wm-gateway (fresh database, inventory of the same M machines) receives the same
     flood; its rate is read from its own /metrics (messages decoded and applied).
Both rates are timed from the first message to the last. Prints both and the ratio.
"""
import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port}")


def metrics(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
            text = r.read().decode()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def process_cpu(pid):
    """CPU seconds (user + system) used so far by a process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_broker(root, work):
    """Mosquitto with the project's configuration on a free loopback port."""
    port = free_port()
    conf = open(os.path.join(root, "deploy", "mosquitto.conf.in")).read()
    conf = conf.replace("@PORT@", str(port)).replace("@DATA_DIR@", work)
    path = os.path.join(work, "mosquitto.conf")
    open(path, "w").write(conf)
    proc = subprocess.Popen(["mosquitto", "-c", path], stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(work, "mosquitto.log"), "w"))
    wait_port(port)
    return proc, port


def flood(build, uri, inventory, count, qos):
    out = subprocess.run([f"{build}/simulator/wm-sim", "flood", "--mqtt", uri, "--inventory",
                          inventory, "--count", str(count), "--qos", str(qos)],
                         check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def run_bare(build, uri, inventory, count, qos):
    sub = subprocess.Popen([f"{build}/tests/bench/wm-bench-subscriber", "--mqtt", uri,
                            "--count", str(count), "--qos", "1"],
                           stdout=subprocess.PIPE, text=True)
    assert sub.stdout.readline().strip() == "ready"
    pub = flood(build, uri, inventory, count, qos)
    line = sub.stdout.read().strip()
    sub.wait(timeout=120)
    # "received N messages in T s (R msg/s)"
    parts = line.split()
    return int(parts[1]), float(parts[4]), pub, float(parts[9])


def run_gateway(build, uri, inventory, count, qos, work):
    http = free_port()
    db = os.path.join(work, "bench.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    gw = subprocess.Popen([f"{build}/gateway/wm-gateway", "serve", "--mqtt", uri, "--http",
                           f"127.0.0.1:{http}", "--db", db, "--inventory", inventory,
                           "--client-id", "wm-bench-gateway", "--log-level", "warn"],
                          stdout=subprocess.DEVNULL,
                          stderr=open(os.path.join(work, "gateway.log"), "w"))
    deadline = time.time() + 30
    while metrics(http).get("wm_mqtt_connected") != 1:
        if time.time() > deadline or gw.poll() is not None:
            raise SystemExit("gateway did not connect; see " + os.path.join(work, "gateway.log"))
        time.sleep(0.05)
    key = 'wm_messages_decoded_total{kind="telemetry"}'
    cpu_before = process_cpu(gw.pid)  # start-up (inventory, schema) is not ingest
    samples = []
    import threading
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("pub", flood(build, uri, inventory,
                                                                         count, qos)))
    t.start()
    last_change = time.time()
    last = 0
    while True:
        m = metrics(http)
        now = time.time()
        n = m.get(key, 0)
        if n != last:
            samples.append((now, n))
            last, last_change = n, now
        if n >= count or now - last_change > 5:
            break
        time.sleep(0.1)
    t.join()
    m = metrics(http)
    rss_kb = 0
    cpu = process_cpu(gw.pid) - cpu_before
    with open(f"/proc/{gw.pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                rss_kb = int(line.split()[1])
    gw.send_signal(signal.SIGTERM)
    gw.wait(timeout=30)
    if len(samples) < 2:
        return int(last), 0.0, result.get("pub", ""), m, rss_kb, cpu
    # From the first observed sample to the last: the first poll already holds messages
    # received before it, so count only what arrived between the two.
    (t0, n0), (t1, n1) = samples[0], samples[-1]
    secs = (t1 - t0) * (n1 / (n1 - n0)) if n1 > n0 else 0.0
    return int(n1), secs, result.get("pub", ""), m, rss_kb, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("build")
    ap.add_argument("root")
    ap.add_argument("--messages", type=int, default=200000)
    ap.add_argument("--devices", type=int, default=10000)
    ap.add_argument("--qos", type=int, default=0, choices=(0, 1))
    ap.add_argument("--runs", type=int, default=1)
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="wm-bench-")
    inventory = os.path.join(work, "inventory.json")
    subprocess.run([f"{a.build}/simulator/wm-sim", "inventory", "--devices", str(a.devices),
                    "--seed", "1", "--out", inventory], check=True, stdout=subprocess.DEVNULL)
    print(f"ingest benchmark: {a.messages} telemetry messages from {a.devices} machines, "
          f"QoS {a.qos}, {a.runs} run(s), {os.cpu_count()} cores")
    bare_rates, gw_rates, ratios = [], [], []
    broker = None
    try:
        for run in range(a.runs):
            # A fresh broker per run: no session or queue of an earlier run weighs on it.
            broker_dir = os.path.join(work, f"broker-{run}")
            os.mkdir(broker_dir)
            broker, port = start_broker(a.root, broker_dir)
            uri = f"tcp://127.0.0.1:{port}"
            n, secs, pub, cpu = run_bare(a.build, uri, inventory, a.messages, a.qos)
            bare = n / secs if secs > 0 else 0
            print(f"  run {run + 1} bare subscriber: {n} msgs in {secs:.2f} s = {bare:,.0f} msg/s, "
                  f"{cpu / max(n, 1) * 1e6:.1f} us CPU/msg   [publisher: {pub}]")
            n2, secs2, pub2, m, rss, cpu2 = run_gateway(a.build, uri, inventory, a.messages, a.qos,
                                                        work)
            gw = n2 / secs2 if secs2 > 0 else 0
            batches = m.get("wm_store_batch_rows_count", 0)
            rows = m.get("wm_store_batch_rows_sum", 0)
            print(f"  run {run + 1} gateway:         {n2} msgs in {secs2:.2f} s = {gw:,.0f} msg/s, "
                  f"{cpu2 / max(n2, 1) * 1e6:.1f} us CPU/msg   [publisher: {pub2}]")
            print(f"      store: {int(batches)} transactions, {rows / max(batches, 1):,.0f} rows each, "
                  f"{m.get('wm_store_batch_seconds_sum', 0) / max(batches, 1) * 1000:.1f} ms each; "
                  f"quarantined {sum(v for k, v in m.items() if k.startswith('wm_messages_quarantined_total'))}; "
                  f"peak RSS {rss / 1024:.0f} MiB")
            bare_rates.append(bare)
            gw_rates.append(gw)
            ratios.append(gw / bare if bare else 0)
            broker.send_signal(signal.SIGTERM)
            broker.wait(timeout=30)
            broker = None
    finally:
        if broker is not None:
            broker.send_signal(signal.SIGTERM)
            broker.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    def fmt(xs, f="{:,.0f}"):
        return " / ".join(f.format(x) for x in (min(xs), statistics.median(xs), max(xs)))
    print("result (min / median / max):")
    print(f"  bare Paho subscriber  {fmt(bare_rates)} msg/s")
    print(f"  wm-gateway ingest     {fmt(gw_rates)} msg/s")
    print(f"  ratio gateway/bare    {fmt(ratios, '{:.3f}')}   (target >= 0.8 at QoS 0)")
    complete = all(r > 0 for r in gw_rates)
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
