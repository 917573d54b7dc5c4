#!/usr/bin/env bash
# Drain benchmark: fills one device store with a backlog (soundings-loadgen), serves a hub on
# 127.0.0.1, runs `soundings-sync --once` under /usr/bin/time -v, and prints records per second
# and the peak RSS of the agent and of the hub. Kiosk responses by default; with --visits, a field
# tablet's door visits (and responses taken at the door with --count). With --postgres or
# --database, each drain runs twice in the same run: into a hub on SQLite, then on PostgreSQL.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: drain.sh --hub-bin FILE --sync-bin FILE --loadgen-bin FILE --assets DIR [--count N] [--visits N]
                [--peer] [--batch N] [--fill-dir DIR] [--keep]
                [--postgres | --database URL] [--rounds N]
  --count N      responses in the backlog (default 100000 on a kiosk; 0 with --visits)
  --visits N     field mode: head office adds an officer and imports a 5,000-door walk list, a field
                 tablet enrols, is assigned the list and syncs once to receive both, then holds N door
                 visits (and --count responses taken at the door, saved in turn with the visits) to
                 drain; the hub must then hold exactly the tablet's visit ids, each once
  --peer         with --visits: in the same run, also drain a kiosk backlog of as many responses as
                 there are visits, on a fresh hub, and print visits/s against responses/s
  --batch N      records per request (default: the agent's, 500)
  --fill-dir DIR where the backlog is generated (default /dev/shm when present): one durable
                 transaction per record as on a kiosk is slow to repeat 100,000 times on a real
                 disk, so the store is filled on tmpfs and then copied to the disk the drain runs on
  --keep         keep the work folder (printed) instead of removing it
  --postgres     also drain into a hub on PostgreSQL, in the same run: a throwaway cluster
                 (tests/support/postgres-cluster.sh) in /tmp/sdpg-drain-PID, stopped at the end;
                 each drain gets a fresh database of its own, fsync and synchronous_commit on
  --database URL the same on an existing cluster: URL names its maintenance database
                 (postgresql:///postgres?host=DIR&user=postgres); CREATE DATABASE rights needed
  --rounds N     with --postgres or --database: N drains on each, SQLite and PostgreSQL in turn
                 (each first in every other round); the medians and ranges are printed at the end
Build in Release first: cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release && cmake --build build-release
then run build-release/tests/bench/drain/bench-drain.
USAGE
}

HUB_BIN="" SYNC_BIN="" LOADGEN_BIN="" ASSETS="" COUNT="" VISITS="" PEER=0 BATCH="" FILL_PARENT="" KEEP=0
PG_URL="" OWN_PG=0 ROUNDS=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --hub-bin) HUB_BIN="$2"; shift 2 ;;
    --sync-bin) SYNC_BIN="$2"; shift 2 ;;
    --loadgen-bin) LOADGEN_BIN="$2"; shift 2 ;;
    --assets) ASSETS="$2"; shift 2 ;;
    --count) COUNT="$2"; shift 2 ;;
    --visits) VISITS="$2"; shift 2 ;;
    --peer) PEER=1; shift ;;
    --batch) BATCH="$2"; shift 2 ;;
    --fill-dir) FILL_PARENT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --postgres) OWN_PG=1; shift ;;
    --database) PG_URL="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "drain.sh: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done
for f in "$HUB_BIN" "$SYNC_BIN" "$LOADGEN_BIN"; do
  [[ -x "$f" ]] || { echo "drain.sh: program not found: '$f'" >&2; usage >&2; exit 64; }
done
for n in "$COUNT" "$VISITS"; do
  [[ -z "$n" || "$n" =~ ^[0-9]+$ ]] || { echo "drain.sh: --count and --visits take a whole number" >&2; exit 64; }
done
[[ $PEER -eq 0 || -n "$VISITS" ]] || { echo "drain.sh: --peer goes with --visits" >&2; exit 64; }
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "drain.sh: --rounds takes a whole number from 1" >&2; exit 64; }
[[ $OWN_PG -eq 0 || -z "$PG_URL" ]] || { echo "drain.sh: --postgres or --database, not both" >&2; exit 64; }
[[ -z "$PG_URL" || "$PG_URL" == postgres*://* ]] || { echo "drain.sh: --database takes a postgresql:// URL" >&2; exit 64; }
if [[ $OWN_PG -eq 1 || -n "$PG_URL" ]]; then
  [[ -z "$VISITS" ]] || { echo "drain.sh: --postgres and --database drain a kiosk backlog (no --visits)" >&2; exit 64; }
  command -v psql > /dev/null || { echo "drain.sh: psql is needed (apt-get install postgresql-client)" >&2; exit 1; }
fi
if [[ -z "$COUNT" ]]; then COUNT=$([[ -n "$VISITS" ]] && echo 0 || echo 100000); fi
[[ -x /usr/bin/time ]] || { echo "drain.sh: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
if [[ -n "$VISITS" ]] && ! command -v sqlite3 > /dev/null; then
  echo "drain.sh: sqlite3 is needed to read the tablet's visit ids (apt-get install sqlite3)" >&2; exit 1
fi
if [[ -z "$FILL_PARENT" ]]; then FILL_PARENT=$([[ -d /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}"); fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/soundings-drain.XXXXXX")
FILL=""
HUB_PID=""
PG_DIR=""
PG_DATABASES=()
cleanup() {
  [[ -n "$HUB_PID" ]] && kill "$HUB_PID" 2>/dev/null && wait "$HUB_PID" 2>/dev/null || true
  for name in "${PG_DATABASES[@]}"; do psql "$PG_URL" -qAtc "DROP DATABASE IF EXISTS $name WITH (FORCE)" > /dev/null 2>&1 || true; done
  [[ -n "$PG_DIR" ]] && bash "$(dirname "$0")/../../support/postgres-cluster.sh" stop "$PG_DIR"
  [[ -n "$FILL" ]] && rm -rf "$FILL"
  if [[ $KEEP -eq 0 ]]; then rm -rf "$WORK"; else echo "work folder kept: $WORK"; fi
}
trap cleanup EXIT

# The demo consultation (most question types and the Wales equality block), open until 2099 so
# that the hub's closing-date rule never rejects the backlog.
sed -e 's/"closes": "[0-9-]*"/"closes": "2099-12-31"/' \
    -e 's/"date": "[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}"/"date": "2100-03-31"/' \
    "$ASSETS/consultations/influencing-decisions.json" > "$WORK/consultation.json"
export SOUNDINGS_ASSETS="$ASSETS"

rss_mb() { awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$1"; }
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
now() { date +%s.%N; }
# CPU seconds (user + system) a process has used, and those of the children it has waited for.
cpu_of() { awk -v t="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13 + $14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# CPU seconds of our own PostgreSQL cluster (--postgres): the postmaster, its children alive and those
# it has reaped; 0 without one.
pg_cpu() {
  [[ -n "$PG_DIR" ]] || { echo 0; return; }
  local pm total child
  pm=$(head -n 1 "$PG_DIR/data/postmaster.pid")
  total=$(cpu_of "$pm")
  for child in $(pgrep -P "$pm"); do total=$(calc "$total + $(cpu_of "$child")"); done
  echo "$total"
}

# A council's walk list: 5,000 doors on 125 streets of 40, Welsh and English street names, every
# address quoted for its comma.
walk_list_csv() {
  awk 'BEGIN {
    n = split("Heol Maelor|Ffordd y Castell|Stryd y Brenin|Lôn y Felin|Ffordd Wrecsam|Church Street|Mold Road|" \
              "Heol y Parc|Bryn Awelon|Maes y Dre|Station Road|Ffordd Llanfair|Cae Glas|Heol Ddu|Park Avenue|" \
              "Tan y Bryn|Ffordd Glyndwr|Victoria Road|Heol Offa|Pen y Graig|Brook Street|Ffordd Gwynedd|" \
              "Bryn Hyfryd|Heol Fawr|King Street", streets, "|")
    split("Gwersyllt|Rhosddu|Acton|Brymbo|Coedpoeth", wards, "|")
    printf "uprn,address,street,postcode,ward\r\n"
    for (i = 0; i < 5000; ++i) {
      s = int(i / 40); street = streets[s % n + 1] " (" wards[int(s / n) + 1] ")"; ward = wards[int(s / n) + 1]
      printf "%d,\"%d %s, %s\",%s,LL11 %d%s,%s\r\n", 100000000 + i, i % 40 + 1, streets[s % n + 1], ward, street,
             s % 9 + 1, substr("ABDEFGHJLNPQRSTUWXYZ", s % 20 + 1, 1) "Q", ward
    }
  }'
}

# Starts `soundings-hub serve` on a free port of 127.0.0.1 over $1; sets HUB_PID and HUB_URL.
start_hub() {
  "$HUB_BIN" serve --data "$1" --listen 127.0.0.1:0 > "$1.log" 2>&1 &
  HUB_PID=$!
  HUB_URL=""
  for _ in $(seq 1 100); do
    HUB_URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$1.log" | head -n 1 || true)
    [[ -n "$HUB_URL" ]] && return 0
    sleep 0.1
  done
  echo "drain.sh: the hub did not start:" >&2; cat "$1.log" >&2; exit 1
}

# Stops the hub; sets HUB_RSS_KB to its peak RSS (VmHWM), read just before.
stop_hub() {
  HUB_RSS_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$HUB_PID/status" 2>/dev/null || echo 0)
  kill -TERM "$HUB_PID"
  wait "$HUB_PID" 2>/dev/null || true
  HUB_PID=""
}

# A kiosk's backlog in $FILL: $2 responses. $1 is the hub's folder.
fill_kiosk() {
  local code
  code=$("$HUB_BIN" enrol-code --data "$1" --name "drain bench" | tail -n 1)
  "$SYNC_BIN" --data "$FILL" --enrol "$HUB_URL" "$code" --name "drain bench" > /dev/null
  "$LOADGEN_BIN" --data "$FILL" --consultation "$WORK/consultation.json" --count "$2" --seed 1 >> "$1-loadgen.log"
}

# A field tablet's backlog in $FILL: $2 visits and $3 responses at the door, saved in ten rounds of
# each in turn as an officer's day mixes them. $1 is the hub's folder.
fill_field() {
  local code device round
  echo 48213957 | "$HUB_BIN" staff add --data "$1" --id officer-1 --name "Siân Prys" > /dev/null
  walk_list_csv > "$WORK/doors.csv"
  "$HUB_BIN" walklist import --data "$1" --name "Gwersyllt" "$WORK/doors.csv" > /dev/null
  code=$("$HUB_BIN" enrol-code --data "$1" --name "drain tablet" --field | tail -n 1)
  device=$("$SYNC_BIN" --data "$FILL" --enrol "$HUB_URL" "$code" --name "drain tablet" |
           grep -o '(device [^)]*)' | cut -d' ' -f2 | tr -d ')')
  "$HUB_BIN" walklist assign --data "$1" --name "Gwersyllt" --device "$device" > /dev/null
  "$SYNC_BIN" --data "$FILL" --once > "$1-pull.log"
  for round in $(seq 0 9); do
    local visits=$(( $2 / 10 + (round < $2 % 10 ? 1 : 0) )) responses=$(( $3 / 10 + (round < $3 % 10 ? 1 : 0) ))
    "$LOADGEN_BIN" --data "$FILL" --visits "$visits" --seed $(( round + 1 )) >> "$1-loadgen.log"
    if [[ $responses -gt 0 ]]; then
      "$LOADGEN_BIN" --data "$FILL" --consultation "$WORK/consultation.json" --count "$responses" --field \
        --seed $(( round + 101 )) >> "$1-loadgen.log"
    fi
  done
}

# A fresh, empty PostgreSQL database for the next hub: sets SOUNDINGS_DATABASE, which every
# soundings-hub command reads, to its URL.
use_postgres() {
  local name="drain_$$_${#PG_DATABASES[@]}"
  psql "$PG_URL" -qAtc "CREATE DATABASE $name TEMPLATE template0 ENCODING 'UTF8'" > /dev/null
  PG_DATABASES+=("$name")
  export SOUNDINGS_DATABASE="${PG_URL/\/postgres\?//$name?}"
}

# One measured drain in its own folder $WORK/$1: a fresh hub (on SQLite, or on PostgreSQL when $5 is
# postgresql), a backlog of $3 visits and $4 responses from a $2 (kiosk or field) device, drained
# once. Prints its figures and sets RATE and SECONDS_TAKEN.
measure() {
  local dir="$WORK/$1" kind="$2" visits="$3" responses="$4"
  mkdir -p "$dir"
  unset SOUNDINGS_DATABASE
  [[ "${5:-sqlite}" == postgresql ]] && use_postgres
  "$HUB_BIN" publish --data "$dir/hub" "$WORK/consultation.json" > "$dir/publish.log"
  start_hub "$dir/hub"
  FILL=$(mktemp -d "$FILL_PARENT/soundings-drain-fill.XXXXXX")
  local fill_start fill_end
  fill_start=$(now)
  if [[ $kind == kiosk ]]; then fill_kiosk "$dir/hub" "$responses"; else fill_field "$dir/hub" "$visits" "$responses"; fi
  fill_end=$(now)
  mkdir -p "$dir/device"
  cp "$FILL"/device.sqlite* "$dir/device/"
  rm -rf "$FILL"
  FILL=""
  local store_bytes
  store_bytes=$(du -cb "$dir"/device/device.sqlite* | tail -n 1 | cut -f1)
  if [[ $kind == field ]]; then
    sqlite3 "$dir/device/device.sqlite" "select record_id from outbox where kind = 'visit' and state = 'pending'" |
      sort > "$dir/tablet-visits.txt"
  fi

  local sync_args=(--data "$dir/device" --once) drain_start drain_end sync_exit hub_cpu db_cpu
  [[ -n "$BATCH" ]] && sync_args+=(--batch "$BATCH")
  hub_cpu=$(cpu_of "$HUB_PID")
  db_cpu=$(pg_cpu)
  drain_start=$(now)
  set +e
  /usr/bin/time -v -o "$dir/sync.time" "$SYNC_BIN" "${sync_args[@]}" > "$dir/sync.log" 2>&1
  sync_exit=$?
  set -e
  drain_end=$(now)
  hub_cpu=$(calc "$(cpu_of "$HUB_PID") - $hub_cpu")
  db_cpu=$(calc "$(pg_cpu) - $db_cpu")

  local stored ok=1
  stored=$("$HUB_BIN" status --data "$dir/hub" | tee "$dir/status.log" | grep -o 'total: [0-9]* stored' |
           head -n 1 | cut -d' ' -f2 || true)
  [[ "$stored" == "$responses" ]] || ok=0
  local visit_line=""
  if [[ $kind == field ]]; then
    # Every visit the hub holds, one a line, read back through head office's own export.
    "$HUB_BIN" visits --data "$dir/hub" --format json | grep '^{' | grep -o '"id":"[^"]*"' | cut -d'"' -f4 |
      sort > "$dir/hub-visits.txt"
    local held distinct missing extra
    held=$(wc -l < "$dir/hub-visits.txt")
    distinct=$(sort -u "$dir/hub-visits.txt" | wc -l)
    missing=$(comm -23 "$dir/tablet-visits.txt" "$dir/hub-visits.txt" | wc -l)
    extra=$(comm -13 "$dir/tablet-visits.txt" "$dir/hub-visits.txt" | wc -l)
    visit_line="$held visits ($distinct distinct; of the tablet's $(wc -l < "$dir/tablet-visits.txt"): $missing missing, $extra not the tablet's)"
    [[ $held -eq $visits && $distinct -eq $visits && $missing -eq 0 && $extra -eq 0 ]] || ok=0
  fi
  stop_hub

  local seconds records
  seconds=$(calc "$drain_end - $drain_start")
  records=$(( visits + responses ))
  RATE=$(calc "$records / $seconds")
  SECONDS_TAKEN=$seconds
  echo "== $1"
  if [[ $kind == kiosk ]]; then
    printf 'backlog:        %d responses (%.1f MB store), generated in %.1f s\n' "$responses" \
      "$(calc "$store_bytes / 1048576")" "$(calc "$fill_end - $fill_start")"
  else
    printf 'backlog:        %d visits and %d responses on a field tablet (%.1f MB store), generated in %.1f s\n' \
      "$visits" "$responses" "$(calc "$store_bytes / 1048576")" "$(calc "$fill_end - $fill_start")"
  fi
  printf 'agent:          %s\n' "$(cat "$dir/sync.log")"
  printf 'exit code:      %d\n' "$sync_exit"
  printf 'hub stored:     %s responses\n' "${stored:-?}"
  [[ -n "$visit_line" ]] && printf 'hub holds:      %s\n' "$visit_line"
  printf 'drain time:     %.2f s\n' "$seconds"
  if [[ $kind == kiosk ]]; then
    printf 'throughput:     %.0f responses/s\n' "$RATE"
  elif [[ $responses -eq 0 ]]; then
    printf 'throughput:     %.0f visits/s\n' "$RATE"
  else
    printf 'throughput:     %.0f records/s\n' "$RATE"
  fi
  printf 'agent peak RSS: %s MB\n' "$(rss_mb "$dir/sync.time")"
  printf 'agent CPU:      %s s user, %s s system\n' "$(awk -F': ' '/User time/ {print $2}' "$dir/sync.time")" \
    "$(awk -F': ' '/System time/ {print $2}' "$dir/sync.time")"
  printf 'hub peak RSS:   %.1f MB\n' "$(calc "${HUB_RSS_KB:-0} / 1024")"
  printf 'hub CPU:        %s s (user + system, during the drain)\n' "$hub_cpu"
  [[ "${5:-sqlite}" == postgresql && -n "$PG_DIR" ]] && printf 'database CPU:   %s s (the PostgreSQL server, during the drain)\n' "$db_cpu"
  [[ $ok -eq 1 ]] || echo "WRONG COUNT: the hub does not hold exactly the device's backlog, each record once"
  [[ $sync_exit -eq 0 && $ok -eq 1 ]]
}

# Median and range of the numbers after the format ($1, e.g. %.2f): "median (min-max)".
median_range() {
  local format="$1"
  shift
  printf '%s\n' "$@" | sort -g | awk -v f="$format" '{ v[NR] = $1 }
    END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf f " (" f "-" f ")", m, v[1], v[NR] }'
}

# The same backlog drained into a hub on SQLite and on PostgreSQL, $ROUNDS times each, in turn.
measure_both() {
  local sqlite_times=() postgres_times=() sqlite_rates=() postgres_rates=() round backend
  for round in $(seq 1 "$ROUNDS"); do
    local order=(sqlite postgresql)
    (( round % 2 == 0 )) && order=(postgresql sqlite)
    for backend in "${order[@]}"; do
      measure "round-$round-$backend" kiosk 0 "$COUNT" "$backend"
      if [[ $backend == sqlite ]]; then sqlite_times+=("$SECONDS_TAKEN"); sqlite_rates+=("$RATE")
      else postgres_times+=("$SECONDS_TAKEN"); postgres_rates+=("$RATE"); fi
    done
  done
  echo "machine:        load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
  printf 'SQLite:         drain %s s, %s responses/s (median, range of %d)\n' "$(median_range %.2f "${sqlite_times[@]}")" \
    "$(median_range %.0f "${sqlite_rates[@]}")" "$ROUNDS"
  printf 'PostgreSQL:     drain %s s, %s responses/s (median, range of %d)\n' "$(median_range %.2f "${postgres_times[@]}")" \
    "$(median_range %.0f "${postgres_rates[@]}")" "$ROUNDS"
}

echo "machine:        load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
if [[ $OWN_PG -eq 1 ]]; then
  PG_DIR="/tmp/sdpg-drain-$$"
  PG_URL=$(bash "$(dirname "$0")/../../support/postgres-cluster.sh" start "$PG_DIR")
fi
if [[ -n "$PG_URL" ]]; then
  [[ "$PG_URL" == */postgres\?* ]] || { echo "drain.sh: --database must name the maintenance database: .../postgres?..." >&2; exit 64; }
  echo "PostgreSQL:     $(psql "$PG_URL" -qAtc "SELECT 'version ' || current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', wal_sync_method=' || current_setting('wal_sync_method')")"
  echo "SQLite:         WAL, synchronous=FULL (the hub store's settings)"
  measure_both
  exit
fi
if [[ -z "$VISITS" ]]; then
  measure responses kiosk 0 "$COUNT"
  exit
fi
measure field field "$VISITS" "$COUNT"
VISIT_RATE=$RATE
if [[ $PEER -eq 1 ]]; then
  measure peer-responses kiosk 0 "$VISITS"
  printf 'same run:       %.0f %s/s against %.0f kiosk responses/s (%.2fx)\n' "$VISIT_RATE" \
    "$([[ $COUNT -eq 0 ]] && echo visits || echo records)" "$RATE" "$(calc "$VISIT_RATE / $RATE")"
fi
