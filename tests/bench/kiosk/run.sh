#!/usr/bin/env bash
# Runs the kiosk benchmark under Xvfb with Mesa's software renderer (llvmpipe).
# Usage: run.sh KIOSK_EXE ASSETS_DIR [WORK_DIR] [extra bench_kiosk.py options]
set -euo pipefail
kiosk="$1" assets="$2" work="${3:-$(mktemp -d)}"
shift $(( $# >= 3 ? 3 : $# ))
here="$(cd "$(dirname "$0")" && pwd)"
for tool in xvfb-run xdotool /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench-kiosk: $tool is missing (deploy/install-deps.sh installs it)"; exit 1; }
done
LIBGL_ALWAYS_SOFTWARE=1 GALLIUM_DRIVER=llvmpipe xvfb-run -a -s "-screen 0 1920x1080x24 -noreset" \
  python3 "$here/bench_kiosk.py" --kiosk "$kiosk" --assets "$assets" --work "$work" "$@"
