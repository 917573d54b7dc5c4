#!/usr/bin/env bash
# Runs the real-window kiosk test under Xvfb with xdotool; screenshots land in the build tree.
# Usage: run_walk.sh KIOSK_EXE ASSETS_DIR FIXTURES_DIR OUT_DIR
set -euo pipefail
kiosk="$1" assets="$2" fixtures="$3" out="$4"
if ! command -v xvfb-run >/dev/null || ! command -v xdotool >/dev/null; then
  echo "SKIP: xvfb-run or xdotool missing (deploy/install-deps.sh installs them)"
  exit 77
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/fb" "$out"
here="$(cd "$(dirname "$0")" && pwd)"
# Mesa's software renderer; -fbdir exposes the screen as a file the test reads screenshots from.
LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s "-screen 0 1920x1080x24 -noreset -fbdir $work/fb" \
  python3 "$here/drive.py" --kiosk "$kiosk" --assets "$assets" --fixtures "$fixtures" \
  --work "$work/run" --fbdir "$work/fb" --shots "$out"
