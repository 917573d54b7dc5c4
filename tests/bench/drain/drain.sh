#!/usr/bin/env bash
# Drain benchmark: fills one device store with N responses (soundings-loadgen), serves a hub on
# 127.0.0.1, runs `soundings-sync --once` under /usr/bin/time -v, and prints responses per second
# and the peak RSS of the agent and of the hub.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: drain.sh --hub-bin FILE --sync-bin FILE --loadgen-bin FILE --assets DIR [--count N] [--batch N]
                [--fill-dir DIR] [--keep]
  --count N      responses in the backlog (default 100000)
  --batch N      responses per request (default: the agent's, 500)
  --fill-dir DIR where the backlog is generated (default /dev/shm when present): one durable
                 transaction per response as on a kiosk is slow to repeat 100,000 times on a real
                 disk, so the store is filled on tmpfs and then copied to the disk the drain runs on
  --keep         keep the work folder (printed) instead of removing it
Build in Release first: cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release && cmake --build build-release
then run build-release/tests/bench/drain/bench-drain.
USAGE
}

HUB_BIN="" SYNC_BIN="" LOADGEN_BIN="" ASSETS="" COUNT=100000 BATCH="" FILL_PARENT="" KEEP=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --hub-bin) HUB_BIN="$2"; shift 2 ;;
    --sync-bin) SYNC_BIN="$2"; shift 2 ;;
    --loadgen-bin) LOADGEN_BIN="$2"; shift 2 ;;
    --assets) ASSETS="$2"; shift 2 ;;
    --count) COUNT="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --fill-dir) FILL_PARENT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "drain.sh: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done
for f in "$HUB_BIN" "$SYNC_BIN" "$LOADGEN_BIN"; do
  [[ -x "$f" ]] || { echo "drain.sh: program not found: '$f'" >&2; usage >&2; exit 64; }
done
[[ -x /usr/bin/time ]] || { echo "drain.sh: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
if [[ -z "$FILL_PARENT" ]]; then FILL_PARENT=$([[ -d /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}"); fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/soundings-drain.XXXXXX")
FILL=$(mktemp -d "$FILL_PARENT/soundings-drain-fill.XXXXXX")
HUB_PID=""
cleanup() {
  [[ -n "$HUB_PID" ]] && kill "$HUB_PID" 2>/dev/null && wait "$HUB_PID" 2>/dev/null || true
  rm -rf "$FILL"
  if [[ $KEEP -eq 0 ]]; then rm -rf "$WORK"; else echo "work folder kept: $WORK"; fi
}
trap cleanup EXIT

# The demo consultation (most question types and the Wales equality block), open until 2099 so
# that the hub's closing-date rule never rejects the backlog.
sed -e 's/"closes": "[0-9-]*"/"closes": "2099-12-31"/' \
    -e 's/"date": "[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}"/"date": "2100-03-31"/' \
    "$ASSETS/consultations/influencing-decisions.json" > "$WORK/consultation.json"
export SOUNDINGS_ASSETS="$ASSETS"

"$HUB_BIN" publish --data "$WORK/hub" "$WORK/consultation.json" > "$WORK/publish.log"
CODE=$("$HUB_BIN" enrol-code --data "$WORK/hub" --name "drain bench" | tail -n 1)

"$HUB_BIN" serve --data "$WORK/hub" --listen 127.0.0.1:0 > "$WORK/hub.log" 2>&1 &
HUB_PID=$!
URL=""
for _ in $(seq 1 100); do
  URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/hub.log" | head -n 1 || true)
  [[ -n "$URL" ]] && break
  sleep 0.1
done
[[ -n "$URL" ]] || { echo "drain.sh: the hub did not start:" >&2; cat "$WORK/hub.log" >&2; exit 1; }

"$SYNC_BIN" --data "$FILL" --enrol "$URL" "$CODE" --name "drain bench" > /dev/null
FILL_START=$(date +%s.%N)
"$LOADGEN_BIN" --data "$FILL" --consultation "$WORK/consultation.json" --count "$COUNT" --seed 1 > "$WORK/loadgen.log"
FILL_END=$(date +%s.%N)
mkdir -p "$WORK/device"
cp "$FILL"/device.sqlite* "$WORK/device/"
rm -rf "$FILL"
STORE_BYTES=$(du -cb "$WORK"/device/device.sqlite* | tail -n 1 | cut -f1)

SYNC_ARGS=(--data "$WORK/device" --once)
[[ -n "$BATCH" ]] && SYNC_ARGS+=(--batch "$BATCH")
DRAIN_START=$(date +%s.%N)
set +e
/usr/bin/time -v -o "$WORK/sync.time" "$SYNC_BIN" "${SYNC_ARGS[@]}" > "$WORK/sync.log" 2>&1
SYNC_EXIT=$?
set -e
DRAIN_END=$(date +%s.%N)

STORED=$("$HUB_BIN" status --data "$WORK/hub" | tee "$WORK/status.log" | grep -o 'total: [0-9]* stored' | head -n 1 | cut -d' ' -f2 || true)
# The hub's peak RSS so far (VmHWM), read before it is stopped.
HUB_RSS_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$HUB_PID/status" 2>/dev/null || echo 0)
kill -TERM "$HUB_PID"
wait "$HUB_PID" 2>/dev/null || true
HUB_PID=""

rss_mb() { awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$1"; }
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
SECONDS_TAKEN=$(calc "$DRAIN_END - $DRAIN_START")
FILL_SECONDS=$(calc "$FILL_END - $FILL_START")
printf 'backlog:        %d responses (%.1f MB store), generated in %.1f s\n' "$COUNT" \
  "$(calc "$STORE_BYTES / 1048576")" "$FILL_SECONDS"
printf 'agent:          %s\n' "$(cat "$WORK/sync.log")"
printf 'exit code:      %d\n' "$SYNC_EXIT"
printf 'hub stored:     %s\n' "${STORED:-?}"
printf 'drain time:     %.2f s\n' "$SECONDS_TAKEN"
printf 'throughput:     %.0f responses/s\n' "$(calc "$COUNT / $SECONDS_TAKEN")"
printf 'agent peak RSS: %s MB\n' "$(rss_mb "$WORK/sync.time")"
printf 'hub peak RSS:   %s MB\n' "$(calc "${HUB_RSS_KB:-0} / 1024")"
[[ $SYNC_EXIT -eq 0 ]]
