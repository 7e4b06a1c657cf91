#!/usr/bin/env bash
# End-to-end check of `wm-sim score`, run by hand (not in CI: it takes minutes of wall
# time and its figures depend on the machine's speed). Builds, starts Mosquitto on a free
# loopback port, the gateway and a simulated fleet with faults for SECONDS of wall time,
# then scores the gateway's tickets and refunds against the ground truth and prints the
# table. Everything lives in a temporary directory that is kept for a look afterwards.
#
#   simulator/score_e2e.sh                      # 200 machines, --faults 2, --speed 600, 180 s
#   DEVICES=500 SECONDS_WALL=300 simulator/score_e2e.sh
#   # slow faults only, 30 simulated days however long that takes, lines counted by failure:
#   DEVICES=500 FAULTS=0 DEGRADATION=1 SIM_DAYS=30 SPEED=1000 SEED=4242 \
#     RECHARGE_FEN=2000000 COUNT_BY=failure simulator/score_e2e.sh
#
# Environment: WM_BUILD_DIR (default build-score), WM_JOBS (2), DEVICES (200), FAULTS (2),
# DEGRADATION (0: slow faults per machine per 30 simulated days), SPEED (600), SECONDS_WALL
# (180), SIM_DAYS (0: when set, the run stops at that much event time instead of after
# SECONDS_WALL), SEED (7), MIX (json:60,hx:30,tb:10), RECHARGE_FEN (100000 per card),
# COUNT_BY (onset or failure: `wm-sim score --count-by`), DRAIN_SECONDS (120: how long the
# gateway may take to catch up after the run).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${WM_BUILD_DIR:-$ROOT/build-score}"
JOBS="${WM_JOBS:-2}"
DEVICES="${DEVICES:-200}"
FAULTS="${FAULTS:-2}"
SPEED="${SPEED:-600}"
SECONDS_WALL="${SECONDS_WALL:-180}"
SEED="${SEED:-7}"
MIX="${MIX:-json:60,hx:30,tb:10}"
DEGRADATION="${DEGRADATION:-0}"
SIM_DAYS="${SIM_DAYS:-0}"
RECHARGE_FEN="${RECHARGE_FEN:-100000}"
COUNT_BY="${COUNT_BY:-onset}"
DRAIN_SECONDS="${DRAIN_SECONDS:-120}"

log() { printf '[score-e2e] %s\n' "$*" >&2; }
run() { log "\$ $*"; "$@"; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_port() {
  local port="$1" i
  for i in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  log "nothing listens on 127.0.0.1:$port"
  exit 1
}

if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
fi
ninja -C "$BUILD_DIR" -j "$JOBS" wm-sim wm-gateway >&2
SIM="$BUILD_DIR/simulator/wm-sim"
GATEWAY="$BUILD_DIR/gateway/wm-gateway"

DIR="$(mktemp -d /tmp/wm-score-XXXXXX)"
PIDS=()
cleanup() {
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[i]}" 2>/dev/null || true
    wait "${PIDS[i]}" 2>/dev/null || true
  done
  log "files kept in $DIR"
}
trap cleanup EXIT INT TERM

mqtt_port="$(free_port)"
http_port="$(free_port)"
mkdir -p "$DIR/broker"
sed -e "s|@PORT@|$mqtt_port|g" -e "s|@DATA_DIR@|$DIR/broker|g" \
  "$ROOT/deploy/mosquitto.conf.in" >"$DIR/broker/mosquitto.conf"
mosquitto -c "$DIR/broker/mosquitto.conf" >"$DIR/broker/mosquitto.log" 2>&1 &
PIDS+=($!)
wait_port "$mqtt_port"

run "$SIM" inventory --devices "$DEVICES" --seed "$SEED" --protocol-mix "$MIX" \
  --out "$DIR/inventory.json" 2>>"$DIR/sim.log"
"$GATEWAY" serve --mqtt "tcp://127.0.0.1:$mqtt_port" --http "127.0.0.1:$http_port" \
  --db "$DIR/gateway.db" --inventory "$DIR/inventory.json" >"$DIR/gateway.log" 2>&1 &
PIDS+=($!)
wait_port "$http_port"
token="$("$GATEWAY" token add --db "$DIR/gateway.db" --role admin --org op-1 | tail -n 1)"

# The simulator's customers tap cards c-000001 ... (wm-sim gives each site 40 cards per
# machine, at least 40): recharge them all, or no sale is charged and nothing refunded.
log "recharging the fleet's cards"
python3 - "$http_port" "$token" "$DIR/inventory.json" "$RECHARGE_FEN" <<'PY'
import http.client, json, sys
port, token, inventory = int(sys.argv[1]), sys.argv[2], json.load(open(sys.argv[3]))
amount = int(sys.argv[4])
cards = 40 * (len(inventory["devices"]) + len(inventory["sites"]))
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
for n in range(1, cards + 1):
    card = "c-%06d" % n
    body = json.dumps({"amount_fen": amount, "ref": "e2e-" + card})
    conn.request("POST", "/api/v1/cards/%s/recharge" % card, body,
                 {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    answer = conn.getresponse()
    text = answer.read()
    if answer.status != 200:
        sys.exit("recharge %s: %d %s" % (card, answer.status, text[:200]))
print("recharged %d cards" % cards, file=sys.stderr)
PY

# Event time starts now and runs SPEED times faster (or slower, when the simulator cannot
# keep up: it logs how far behind it is). The scored period ends 10 minutes of event time
# before the run stopped: at a clean shutdown the machines go offline, which the gateway
# rightly takes for outages that are not faults of the run.
start="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
if [[ "$SIM_DAYS" != "0" ]]; then
  length=(--sim-days "$SIM_DAYS" --duration 0)
else
  length=(--duration "$SECONDS_WALL")
fi
run "$SIM" run --mqtt "tcp://127.0.0.1:$mqtt_port" --inventory "$DIR/inventory.json" \
  --speed "$SPEED" --faults "$FAULTS" --degradation "$DEGRADATION" --seed "$SEED" \
  --start "$start" "${length[@]}" --truth "$DIR/truth.jsonl" 2>>"$DIR/sim.log"
stopped="$(sed -n 's/.*stopped at event time \([^ ]*Z\):.*/\1/p' "$DIR/sim.log" | tail -n 1)"
[[ -n "$stopped" ]] || { log "no stop time in $DIR/sim.log"; exit 1; }
end="$(date -u -d "@$(($(date -u -d "$stopped" +%s) - 600))" +%Y-%m-%dT%H:%M:%SZ)"
log "event time played: $start .. $stopped"

# Let the gateway take what is still queued: its counters stand still and its store
# queue is empty.
metrics() {
  curl -s "http://127.0.0.1:$http_port/metrics" | grep -E '^wm_(messages_decoded_total|store_queue_depth)'
}
previous=""
for _ in $(seq 1 "$DRAIN_SECONDS"); do
  now="$(metrics)"
  [[ "$now" == "$previous" && "$now" == *"wm_store_queue_depth 0"* ]] && break
  previous="$now"
  sleep 1
done

# Score what the gateway made of the run's event time [start, end).
run "$SIM" score --truth "$DIR/truth.jsonl" --api "http://127.0.0.1:$http_port" \
  --token "$token" --from "$start" --until "$end" --count-by "$COUNT_BY" | tee "$DIR/score.txt"
"$SIM" score --truth "$DIR/truth.jsonl" --api "http://127.0.0.1:$http_port" \
  --token "$token" --from "$start" --until "$end" --count-by "$COUNT_BY" --json \
  >"$DIR/score.json" 2>/dev/null
