#!/usr/bin/env bash
# SIGTERM and SIGINT against the real kiosk under Xvfb (see stop_test.py).
# Usage: stop_test.sh KIOSK_EXE ASSETS_DIR
set -euo pipefail
kiosk="$1" assets="$2"
if ! command -v xvfb-run >/dev/null || ! command -v xdotool >/dev/null; then
  echo "SKIP: xvfb-run or xdotool missing (deploy/install-deps.sh installs them)"
  exit 77
fi
here="$(cd "$(dirname "$0")" && pwd)"
LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s "-screen 0 1920x1080x24 -noreset" \
  python3 "$here/stop_test.py" --kiosk "$kiosk" --assets "$assets"
