#!/usr/bin/env bash
# soundings-kiosk --screenshot under xvfb-run, in Welsh and in English: exits 0, writes a PNG of a drawn
# attract screen (not blank), and the two languages differ. A store with no staff PIN shows the setup screen
# instead (screenshot-setup-cy.png, -en.png), drawn too.
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
shoot() {  # DATA_DIR LANG PNG
  LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s "-screen 0 1920x1080x24 -noreset" \
    "$kiosk" --data "$1" --consultations "$assets/consultations" --lang "$2" --screenshot "$3"
}
for lang in cy en; do
  rm -f "$out/screenshot-attract-$lang.png" "$out/screenshot-setup-$lang.png"
  shoot "$work/new-$lang" "$lang" "$out/screenshot-setup-$lang.png"
  echo 4821 | "$kiosk" --data "$work/data-$lang" --set-pin >/dev/null
  shoot "$work/data-$lang" "$lang" "$out/screenshot-attract-$lang.png"
done
here="$(cd "$(dirname "$0")" && pwd)"
for what in attract setup; do
python3 - "$out/screenshot-$what-cy.png" "$out/screenshot-$what-en.png" "$what" <<PY
import sys
sys.path.insert(0, "$here")
from xwd_to_png import read_png_rgb_rows
a, b, what = sys.argv[1], sys.argv[2], sys.argv[3]
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
assert rows_a != rows_b, f"the Welsh-first and English-first {what} screens are identical"
print(f"{what} screens drawn: cy {len(colours_a)} colours, en {len(colours_b)} colours, and they differ")
PY
done
