# First start on the real window: a store with no staff PIN opens on the setup screen, the corner press opens
# nothing, staff set the language order, the venue and the PIN by touch, and only then is it a kiosk; the staff
# screen's Exit asks first. Screenshots of each step land in --shots.
import argparse
import os
import shutil
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from kiosk_driver import Checks, Kiosk, run_main  # noqa: E402

P = argparse.ArgumentParser()
P.add_argument("--kiosk", required=True)
P.add_argument("--assets", required=True)
P.add_argument("--shots", required=True)
P.add_argument("--work", required=True)
P.add_argument("--fbdir", required=True)
P.add_argument("--size", default="1920x1080")
P.add_argument("--lang", default="cy", help="the language read first as the kiosk starts (--lang)")
P.add_argument("--choose", default="en", help="the language order staff choose on the setup screen")
ARGS = P.parse_args()
check = Checks()


def settings(data):
    db = sqlite3.connect(os.path.join(data, "device.sqlite"))
    try:
        return dict(db.execute("SELECT key, value FROM settings").fetchall())
    finally:
        db.close()


def main():
    shutil.rmtree(ARGS.work, ignore_errors=True)
    os.makedirs(ARGS.work)
    os.makedirs(ARGS.shots, exist_ok=True)
    data = os.path.join(ARGS.work, "data")
    tag = f"{ARGS.lang}-{ARGS.size}"
    k = Kiosk(ARGS.kiosk, ARGS.work, data, os.path.join(ARGS.assets, "consultations"), ARGS.lang,
              fbdir=ARGS.fbdir, shots=ARGS.shots, first_screen="setup", size=ARGS.size)
    try:
        k.settle(k.frame() - 1)
        k.shot(f"setup-language-{tag}")
        k.long_press_at(20, 20, 3.6)
        k.settle(k.frame() - 1)
        check(k.doc["screen"] == "setup", f"the corner press leaves the setup screen alone ({k.doc['screen']})")
        if k.doc["high_contrast"]:  # on a narrow screen the corner holds the contrast toggle: a tap, no more
            k.tap("toggle:high_contrast")
        k.tap("setup:lang:" + ARGS.choose)
        k.tap("setup:next")
        k.type("Tŷ Pawb")
        for _ in range(4):
            k.tap("key:left")  # the cursor before "Pawb"
        k.type("Llyfrgell ")
        k.tap("key:accent:acute")
        k.shot(f"setup-venue-{tag}")
        k.tap("key:done")
        k.tap("setup:next")
        for d in "2580":
            k.tap("pin:" + d)
        k.shot(f"setup-pin-{tag}")
        k.tap("pin:ok")
        for d in "2581":
            k.tap("pin:" + d)
        k.tap("pin:ok")
        k.shot(f"setup-pin-mismatch-{tag}")
        check(k.doc["screen"] == "setup", "two different PINs keep the setup screen")
        for pin in ("2580", "2580"):
            for d in pin:
                k.tap("pin:" + d)
            k.tap("pin:ok")
        k.wait(lambda d: d["screen"] == "attract", "the attract screen after setup", timeout=20)
        k.settle(k.frame() - 1)
        k.shot(f"setup-done-attract-{tag}")

        k.long_press_at(20, 20, 3.6)
        k.wait(lambda d: d["screen"] == "staff_pin", "the PIN pad")
        k.settle(k.frame() - 1)
        for d in "2580":
            k.tap("pin:" + d)
        k.tap("pin:ok")
        k.wait(lambda d: d["screen"] == "staff", "the staff screen")
        k.settle(k.frame() - 1)
        k.shot(f"staff-{tag}")
        k.tap("staff:exit")
        k.shot(f"staff-exit-confirm-{tag}")
        check(k.proc.poll() is None and k.find("exit:cancel") is not None, "Exit asks before closing")
        k.tap("exit:cancel")
        check(k.proc.poll() is None and k.doc["screen"] == "staff", "Cancel keeps the kiosk on the staff screen")
        k.tap("staff:exit")
        k.tap("exit:close")
        k.proc.wait(timeout=10)
        check(k.proc.returncode == 0, "Close ends the kiosk with status 0")
    finally:
        k.close()
    # Read once the kiosk has closed its store.
    stored = settings(data)
    check(stored.get("lang_first") == ARGS.choose, f"the language order is stored: {stored.get('lang_first')}")
    check(stored.get("venue") == "Tŷ Llyfrgell Pawb", f"the venue is stored: {stored.get('venue')}")
    check(stored.get("staff_pin_hash", "").startswith("$argon2"), "a hash of the PIN is stored, not the PIN")
    return check.report("first start")


if __name__ == "__main__":
    run_main(main)
