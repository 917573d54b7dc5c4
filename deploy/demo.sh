#!/usr/bin/env bash
# Runs Soundings end to end on this machine: a head-office hub on an embedded SQLite file with the
# demo consultations published, a kiosk enrolled with it that syncs every response it takes, and a
# field tablet's data folder with an officer and a walk list, ready for `soundings-kiosk --field`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

bash deploy/install-deps.sh

BUILD_DIR="${SOUNDINGS_BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target soundings-hub soundings-sync soundings-kiosk soundings-loadgen

case "$BUILD_DIR" in /*) BUILD="$BUILD_DIR" ;; *) BUILD="$ROOT/$BUILD_DIR" ;; esac
HUB="$BUILD/sync/hub/soundings-hub"
SYNC="$BUILD/sync/agent/soundings-sync"
KIOSK="$BUILD/kiosk/soundings-kiosk"
LOADGEN="$BUILD/sync/loadgen/soundings-loadgen"

# A fresh demo each run, kept under the build folder so it never mixes with real data.
DEMO="${SOUNDINGS_DEMO_DIR:-$BUILD/demo}"
rm -rf "$DEMO"
mkdir -p "$DEMO/hub" "$DEMO/kiosk" "$DEMO/tablet"

PORT="${SOUNDINGS_DEMO_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
URL="http://127.0.0.1:$PORT"

echo "== Publishing the demo consultations at head office"
for f in assets/consultations/*.json; do
  "$HUB" publish --data "$DEMO/hub" "$f"
done

# A console account is never defaulted either: make an administrator for this demo and say its password.
CONSOLE_EMAIL="demo@soundings.invalid"
CONSOLE_PASSWORD="${SOUNDINGS_DEMO_CONSOLE_PASSWORD:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')}"
echo "$CONSOLE_PASSWORD" | "$HUB" user add --data "$DEMO/hub" --email "$CONSOLE_EMAIL" --role admin

echo "== Starting the hub on $URL (data in $DEMO/hub)"
"$HUB" serve --data "$DEMO/hub" --listen "127.0.0.1:$PORT" >"$DEMO/hub.log" 2>&1 &
HUB_PID=$!
cleanup() { kill "$HUB_PID" 2>/dev/null || true; wait "$HUB_PID" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
for _ in $(seq 1 50); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen('$URL/api/v1/health', timeout=1)" 2>/dev/null; then break; fi
  sleep 0.1
done

echo "== Enrolling the kiosk"
CODE="$("$HUB" enrol-code --data "$DEMO/hub" --name "Demo kiosk, Wrexham Library" | tail -n 1)"
"$SYNC" --data "$DEMO/kiosk" --enrol "$URL" "$CODE" --name "Demo kiosk, Wrexham Library"
"$SYNC" --data "$DEMO/kiosk" --once >/dev/null || true   # pull the published consultations

# A staff PIN is required and never defaulted: make one for this demo and say it.
PIN="${SOUNDINGS_DEMO_PIN:-$(python3 -c 'import secrets; print(f"{secrets.randbelow(10**6):06d}")')}"
echo "$PIN" | "$KIOSK" --data "$DEMO/kiosk" --set-pin >/dev/null

echo "== Setting up a field tablet: an officer, a walk list, the tablet enrolled and assigned the list"
OFFICER_PIN="${SOUNDINGS_DEMO_OFFICER_PIN:-$(python3 -c 'import secrets; print(f"{secrets.randbelow(10**6):06d}")')}"
echo "$OFFICER_PIN" | "$HUB" staff add --data "$DEMO/hub" --id demo.officer --name "Demo Officer"
"$HUB" walklist import --data "$DEMO/hub" --name "Bryn estate (demo)" assets/walklists/demo-bryn-estate.csv
TABLET_CODE="$("$HUB" enrol-code --data "$DEMO/hub" --name "Demo field tablet" --field | tail -n 1)"
ENROLLED="$("$SYNC" --data "$DEMO/tablet" --enrol "$URL" "$TABLET_CODE" --name "Demo field tablet")"
echo "$ENROLLED"
TABLET_ID="$(echo "$ENROLLED" | sed -n 's/.*(device \([^)]*\)).*/\1/p')"
"$HUB" walklist assign --data "$DEMO/hub" --name "Bryn estate (demo)" --device "$TABLET_ID"
"$SYNC" --data "$DEMO/tablet" --once >/dev/null || true   # the consultations, the staff list and the walk list

echo
echo "Hub:        $URL   (log: $DEMO/hub.log)"
echo "Console:    $URL/   sign in as $CONSOLE_EMAIL with password $CONSOLE_PASSWORD"
echo "Staff PIN:  $PIN   (long-press the top-left corner of the kiosk for the staff screen)"
echo "Export:     $HUB export --data $DEMO/hub --consultation influencing-decisions --format csv"
echo "Reach:      $HUB reach --data $DEMO/hub --consultation influencing-decisions   (equality answers, counted)"
echo "Tablet:     $KIOSK --field --data $DEMO/tablet --windowed 1280x800"
echo "            sign in as Demo Officer with PIN $OFFICER_PIN; then $HUB coverage --data $DEMO/hub --list 'Bryn estate (demo)'"
echo

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${CI:-}" != "true" ]; then
  echo "== Starting the kiosk (close the window, or use the staff screen's Exit, to stop the demo)"
  echo "   Its own sync thread sends each response as it is saved; head office's count is shown here as it grows."
  # Reports head office's total whenever it changes, while the kiosk runs.
  (
    last=""
    while sleep 1; do
      total="$("$HUB" status --data "$DEMO/hub" 2>/dev/null | sed -n 's/^total: \([0-9]*\) stored.*/\1/p')"
      if [ -n "$total" ] && [ "$total" != "$last" ]; then
        [ -n "$last" ] && echo "   head office has received $total response(s) ($(date +%H:%M:%S))"
        last="$total"
      fi
    done
  ) &
  WATCH_PID=$!
  cleanup() {
    kill "$WATCH_PID" 2>/dev/null || true
    kill "$HUB_PID" 2>/dev/null || true
    wait "$HUB_PID" 2>/dev/null || true
  }
  # SOUNDINGS_DEMO_KIOSK_ARGS: more kiosk options, e.g. "--lang en --fullscreen".
  # shellcheck disable=SC2086
  "$KIOSK" --data "$DEMO/kiosk" --windowed 1920x1080 ${SOUNDINGS_DEMO_KIOSK_ARGS:-}
  kill "$WATCH_PID" 2>/dev/null || true
  echo
  echo "== What head office received"
  "$HUB" status --data "$DEMO/hub"
else
  echo "There is no display here, so the kiosk cannot open a window."
  echo "To see its screens, take screenshots under Xvfb, for example:"
  echo "  xvfb-run -a -s '-screen 0 1920x1080x24' $KIOSK --data $DEMO/kiosk --lang cy --screenshot attract-cy.png"
  echo
  echo "== Instead: three responses taken through the kiosk's session path, synced to the hub"
  "$LOADGEN" --data "$DEMO/kiosk" --consultation assets/consultations/influencing-decisions.json --count 3 --seed 7
  "$SYNC" --data "$DEMO/kiosk" --once
  echo
  echo "== What head office received"
  "$HUB" status --data "$DEMO/hub"
  # Written to files first: a pipe into head would end the writer early (and this script with it).
  "$HUB" export --data "$DEMO/hub" --consultation influencing-decisions --format csv --output "$DEMO/export.csv"
  head -n 4 "$DEMO/export.csv" | cut -c 1-200
  echo "(the whole export: $DEMO/export.csv)"
  echo
  echo "== Reach by equality group (sealed answers opened only to be counted; counts under 5 hidden)"
  "$HUB" reach --data "$DEMO/hub" --consultation influencing-decisions --output "$DEMO/reach.csv"
  head -n 8 "$DEMO/reach.csv"
  echo "(all of it: $DEMO/reach.csv)"
  echo
  echo "== The field tablet: six door visits round its walk list, synced, and head office's coverage"
  "$LOADGEN" --data "$DEMO/tablet" --visits 6 --seed 7
  "$SYNC" --data "$DEMO/tablet" --once
  "$HUB" coverage --data "$DEMO/hub" --list "Bryn estate (demo)"
  echo
  "$HUB" field --data "$DEMO/hub" || true   # exit status 3 would mean an officer is overdue
  echo
  echo "== The console at $URL/, signed in as $CONSOLE_EMAIL (open it in a browser while the hub runs)"
  echo "$CONSOLE_PASSWORD" | python3 deploy/console-check.py "$URL" "$CONSOLE_EMAIL" /
fi
