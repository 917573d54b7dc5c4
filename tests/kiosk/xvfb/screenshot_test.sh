#!/usr/bin/env bash
# soundings-kiosk --screenshot under xvfb-run, in Welsh and in English: exits 0, writes a PNG of a drawn
# attract screen (not blank), and the two languages differ.
# Usage: screenshot_test.sh KIOSK_EXE ASSETS_DIR OUT_DIR
set -euo pipefail
kiosk="$1" assets="$2" out="$3"
if ! command -v xvfb-run >/dev/null; then
  echo "SKIP: xvfb-run missing (deploy/install-deps.sh installs it)"
  exit 77
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
for lang in cy en; do
  rm -f "$out/screenshot-attract-$lang.png"
  LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s "-screen 0 1920x1080x24 -noreset" \
    "$kiosk" --data "$work/data-$lang" --consultations "$assets/consultations" --lang "$lang" \
    --screenshot "$out/screenshot-attract-$lang.png"
done
here="$(cd "$(dirname "$0")" && pwd)"
python3 - "$out/screenshot-attract-cy.png" "$out/screenshot-attract-en.png" <<PY
import sys
sys.path.insert(0, "$here")
from xwd_to_png import read_png_rgb_rows
a, b = sys.argv[1], sys.argv[2]
def summary(path):
    w, h, ch, rows = read_png_rgb_rows(path)
    assert (w, h) == (1920, 1080), f"{path}: {w}x{h}, expected 1920x1080"
    # The top of the screen holds the welcome and the language choice: many colours if drawn.
    colours = set()
    for r in rows[:300:3]:
        for x in range(0, len(r), ch * 7):
            colours.add(bytes(r[x:x + 3]))
    return rows, colours
rows_a, colours_a = summary(a)
rows_b, colours_b = summary(b)
assert len(colours_a) > 8, f"{a} looks blank ({len(colours_a)} colours)"
assert len(colours_b) > 8, f"{b} looks blank ({len(colours_b)} colours)"
assert rows_a != rows_b, "the Welsh-first and English-first attract screens are identical"
print(f"attract screens drawn: cy {len(colours_a)} colours, en {len(colours_b)} colours, and they differ")
PY
