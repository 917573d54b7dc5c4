#!/usr/bin/env bash
# Times `soundings-hub migrate` of a SQLite hub holding N responses (default 100,000) into a throwaway
# PostgreSQL 15 cluster (tests/support/postgres-cluster.sh: durable defaults, fsync and synchronous commit on).
#
#   tests/bench/migrate/migrate-100k.sh BUILD_DIR [N]
#
# The responses are written straight into hub.sqlite (about 500 bytes of canonical JSON each, eight
# devices), so only the migration is timed; its check (counts and hashes of every table) is included.
set -euo pipefail

readonly BUILD=${1:?usage: migrate-100k.sh BUILD_DIR [N]}
readonly COUNT=${2:-100000}
readonly SOURCE=$(cd "$(dirname "$0")/../../.." && pwd)
readonly HUB="$BUILD/sync/hub/soundings-hub"
readonly WORK=/tmp/soundings-migrate-bench-$$
readonly CLUSTER=/tmp/soundings-pg-bench-$$

[ -x "$HUB" ] || { echo "no $HUB: build the soundings-hub target first" >&2; exit 2; }
cleanup() {
  "$SOURCE/tests/support/postgres-cluster.sh" stop "$CLUSTER" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/hub"
"$HUB" publish --data "$WORK/hub" "$SOURCE/tests/sync/data/town-square.json" >/dev/null
sqlite3 "$WORK/hub/hub.sqlite" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $COUNT),
u(i, id) AS (SELECT i, lower(printf('%s-%s-4%s-a%s-%s', hex(randomblob(4)), hex(randomblob(2)),
             substr(hex(randomblob(2)), 2), substr(hex(randomblob(2)), 2), hex(randomblob(6)))) FROM n)
INSERT INTO responses (id, consultation_id, consultation_version, submitted_at, body, body_hash, received_from, received_at)
SELECT id, 'town-square', 1, printf('2026-11-%02dT%02d:%02d:%02dZ', 1 + i % 28, i % 24, i % 60, (i * 7) % 60),
  printf('{"answers":{"comments":"Mwy o goed, os gwelwch yn dda, a seddi ger y ffynnon %d","favourite":{"option":"trees"},'
         || '"rating":%d,"wanted":{"options":["seats","fountain"]}},"channel":"kiosk","consultation_id":"town-square",'
         || '"consultation_version":1,"device_id":"kiosk-%d","format":1,"id":"%s","language":"cy",'
         || '"page_seconds":{"about-you":20,"views":95},"sealed":null,"started_at":"2026-11-%02dT%02d:%02d:00Z",'
         || '"submitted_at":"2026-11-%02dT%02d:%02d:%02dZ","venue":"Llyfrgell Wrecsam"}',
         i, i % 11, i % 8, id, 1 + i % 28, i % 24, i % 60, 1 + i % 28, i % 24, i % 60, (i * 7) % 60),
  randomblob(32), printf('device-%d', i % 8), '2026-12-01T09:00:00Z'
FROM u;
SQL

readonly ADMIN=$("$SOURCE/tests/support/postgres-cluster.sh" start "$CLUSTER")
psql "$ADMIN" -qc "CREATE DATABASE bench"
readonly TARGET=${ADMIN/\/postgres\?//bench?}
echo "migrating $COUNT responses from $WORK/hub/hub.sqlite ($(du -h "$WORK/hub/hub.sqlite" | cut -f1))"
start=$(date +%s.%N)
"$HUB" migrate --data "$WORK/hub" --to "$TARGET"
end=$(date +%s.%N)
awk -v n="$COUNT" -v s="$start" -v e="$end" 'BEGIN { printf "migrate of %d responses, check included: %.2f s\n", n, e - s }'
