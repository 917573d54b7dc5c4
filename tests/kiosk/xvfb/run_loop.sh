#!/usr/bin/env bash
# Runs the whole-loop test (hub, enrolment, kiosk window with its sync thread) under Xvfb.
# Usage: run_loop.sh KIOSK_EXE HUB_EXE SYNC_EXE ASSETS_DIR OUT_DIR
set -euo pipefail
kiosk="$1" hub="$2" sync="$3" assets="$4" out="$5"
if ! command -v xvfb-run >/dev/null || ! command -v xdotool >/dev/null; then
  echo "SKIP: xvfb-run or xdotool missing (deploy/install-deps.sh installs them)"
  exit 77
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/fb" "$out"
here="$(cd "$(dirname "$0")" && pwd)"
LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s "-screen 0 1920x1080x24 -noreset -fbdir $work/fb" \
  python3 "$here/loop.py" --kiosk "$kiosk" --hub "$hub" --sync "$sync" --assets "$assets" \
  --work "$work/run" --fbdir "$work/fb" --shots "$out"
