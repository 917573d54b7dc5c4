#!/usr/bin/env bash
# Runs one of the real-window kiosk tests (a Python driver here) under Xvfb with Mesa's software renderer.
# Usage: under_xvfb.sh DRIVER.py [driver options...]; the driver gets --work and --fbdir added.
set -euo pipefail
driver="$1"
shift
if ! command -v xvfb-run >/dev/null || ! command -v xdotool >/dev/null; then
  echo "SKIP: xvfb-run or xdotool missing (deploy/install-deps.sh installs them)"
  exit 77
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/fb"
here="$(cd "$(dirname "$0")" && pwd)"
# XVFB_SCREEN (WxHxDEPTH) makes the screen larger, for portrait windows.
# -fbdir exposes the screen as a file the driver reads screenshots from; -noreset keeps the server between clients.
LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s "-screen 0 ${XVFB_SCREEN:-1920x1080x24} -noreset -fbdir $work/fb" \
  python3 "$here/$driver" "$@" --work "$work/run" --fbdir "$work/fb"
