#!/usr/bin/env bash
# Slow-connections benchmark: serves a real hub, holds 200 connections trickling bytes for 30 s
# while probing health every 100 ms, and drains a device of 1,000 responses meanwhile.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: slow_clients.sh --hub-bin FILE --sync-bin FILE --loadgen-bin FILE --load-bin FILE --assets DIR
                       [--connections N] [--seconds S] [--count N]
  --connections N  slow connections held open (default 200, of which 20 trickle a body)
  --seconds S      how long they are held and health is probed every 100 ms (default 30)
  --count N        responses the device drains meanwhile (default 1000)
Build in Release first, then run build-release/tests/bench/slow_clients/bench-slow-clients.
USAGE
}

HUB_BIN="" SYNC_BIN="" LOADGEN_BIN="" LOAD_BIN="" ASSETS="" CONNECTIONS=200 SECONDS_HELD=30 COUNT=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --hub-bin) HUB_BIN="$2"; shift 2 ;;
    --sync-bin) SYNC_BIN="$2"; shift 2 ;;
    --loadgen-bin) LOADGEN_BIN="$2"; shift 2 ;;
    --load-bin) LOAD_BIN="$2"; shift 2 ;;
    --assets) ASSETS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --seconds) SECONDS_HELD="$2"; shift 2 ;;
    --count) COUNT="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "slow_clients.sh: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done
for f in "$HUB_BIN" "$SYNC_BIN" "$LOADGEN_BIN" "$LOAD_BIN"; do
  [[ -x "$f" ]] || { echo "slow_clients.sh: program not found: '$f'" >&2; usage >&2; exit 64; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/soundings-slow.XXXXXX")
HUB_PID="" LOAD_PID=""
cleanup() {
  [[ -n "$LOAD_PID" ]] && kill "$LOAD_PID" 2>/dev/null && wait "$LOAD_PID" 2>/dev/null || true
  [[ -n "$HUB_PID" ]] && kill "$HUB_PID" 2>/dev/null && wait "$HUB_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# As in drain.sh: the demo consultation, open until 2099.
sed -e 's/"closes": "[0-9-]*"/"closes": "2099-12-31"/' \
    -e 's/"date": "[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}"/"date": "2100-03-31"/' \
    "$ASSETS/consultations/influencing-decisions.json" > "$WORK/consultation.json"
export SOUNDINGS_ASSETS="$ASSETS"
"$HUB_BIN" publish --data "$WORK/hub" "$WORK/consultation.json" > /dev/null
CODE=$("$HUB_BIN" enrol-code --data "$WORK/hub" --name "slow bench" | tail -n 1)
"$HUB_BIN" serve --data "$WORK/hub" --listen 127.0.0.1:0 > "$WORK/hub.log" 2>&1 &
HUB_PID=$!
URL=""
for _ in $(seq 1 100); do
  URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/hub.log" | head -n 1 || true)
  [[ -n "$URL" ]] && break
  sleep 0.1
done
[[ -n "$URL" ]] || { echo "slow_clients.sh: the hub did not start:" >&2; cat "$WORK/hub.log" >&2; exit 1; }
PORT=${URL##*:}

"$SYNC_BIN" --data "$WORK/device" --enrol "$URL" "$CODE" --name "slow bench" > /dev/null
"$LOADGEN_BIN" --data "$WORK/device" --consultation "$WORK/consultation.json" --count "$COUNT" --seed 1 > /dev/null

"$LOAD_BIN" --port "$PORT" --connections "$CONNECTIONS" --seconds "$SECONDS_HELD" > "$WORK/load.log" 2>&1 &
LOAD_PID=$!
sleep 3  # every slow connection open and under way before the device starts
DRAIN_START=$(date +%s.%N)
set +e
timeout $((SECONDS_HELD + 30)) "$SYNC_BIN" --data "$WORK/device" --once > "$WORK/sync.log" 2>&1
SYNC_EXIT=$?
DRAIN_END=$(date +%s.%N)
wait "$LOAD_PID"
LOAD_EXIT=$?
set -e
LOAD_PID=""
STORED=$("$HUB_BIN" status --data "$WORK/hub" | grep -o 'total: [0-9]* stored' | head -n 1 | cut -d' ' -f2 || true)
HUB_RSS_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$HUB_PID/status" 2>/dev/null || echo 0)

cat "$WORK/load.log"
printf 'device drain:     %s responses in %.2f s while slow connections were open (agent exit %d: %s)\n' \
  "$COUNT" "$(awk "BEGIN { print $DRAIN_END - $DRAIN_START }")" "$SYNC_EXIT" "$(tail -n 1 "$WORK/sync.log")"
printf 'hub stored:       %s\n' "${STORED:-?}"
printf 'hub peak RSS:     %.1f MB\n' "$(awk "BEGIN { print ${HUB_RSS_KB:-0} / 1024 }")"
[[ $SYNC_EXIT -eq 0 && $LOAD_EXIT -eq 0 && "${STORED:-0}" == "$COUNT" ]]
