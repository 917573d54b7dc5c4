# Screenshots of every field tablet screen from the real program (--field), in Welsh and English, for people to
# look at; the layout rules themselves are checked headless by test_layout.cpp ("[layout][field]").
# Run with: XVFB_SCREEN=1920x1280x24 under_xvfb.sh field_shots.py --kiosk K --fixture F --assets A --shots DIR --size 800x1280
import argparse
import os
import shutil
import subprocess
import time

from kiosk_driver import Kiosk, run_main
from xwd_to_png import read_xwd, write_png

P = argparse.ArgumentParser()
P.add_argument("--kiosk", required=True)
P.add_argument("--fixture", required=True)
P.add_argument("--assets", required=True)
P.add_argument("--shots", required=True)
P.add_argument("--size", default="1280x800")
P.add_argument("--work", required=True)
P.add_argument("--fbdir", required=True)
ARGS = P.parse_args()
WIDTH, HEIGHT = (int(v) for v in ARGS.size.split("x"))
PIN = "246810"


def shot(name):
    time.sleep(0.2)
    _, _, rows = read_xwd(os.path.join(ARGS.fbdir, "Xvfb_screen0"))
    write_png(os.path.join(ARGS.shots, f"field-{ARGS.size}-{name}.png"), WIDTH, HEIGHT,
              [r[:WIDTH * 3] for r in rows[:HEIGHT]])
    print("screenshot", name, flush=True)


def start(data, consultations, lang):
    k = Kiosk(ARGS.kiosk, ARGS.work, data, consultations, lang, ["--field"], first_screen="field_sign_in",
              size=ARGS.size)
    k.tap("lang:" + lang) if k.find("lang:" + lang) else None
    return k


def has(k, name, what):
    k.wait(lambda d: any(t["name"] == name for t in d["targets"]), what, timeout=10)


def sign_in(k):
    has(k, "officer:ana", "the officers' names")
    k.tap("officer:ana")
    for d in PIN:
        k.tap("pin:" + d)
    k.tap("pin:ok")
    k.wait(lambda d: d["screen"] == "field_lists", "the lists screen", timeout=30)


def walk(k, lang):
    has(k, "officer:ana", "the officers' names")
    shot(f"sign-in-{lang}")
    k.tap("officer:ana")
    for d in "12":
        k.tap("pin:" + d)
    k.tap("pin:ok")
    shot(f"pin-{lang}")
    k.tap("field:use_passphrase")
    k.type("ffordd")
    shot(f"passphrase-{lang}")
    k.tap("key:done")
    k.tap("field:use_passphrase")
    for d in PIN:
        k.tap("pin:" + d)
    k.tap("pin:ok")
    k.wait(lambda d: d["screen"] == "field_lists", "the lists screen", timeout=30)
    has(k, "list:list-1", "the walk lists")
    shot(f"lists-{lang}")
    k.tap("list:list-1")
    k.wait(lambda d: d["screen"] == "field_list", "the list screen", timeout=10)
    shot(f"list-{lang}")
    k.tap("door:100099990007")
    shot(f"door-{lang}")
    k.tap("outcome:come_back")
    k.tap("comeback:day:1")
    k.tap("comeback:hour:17")
    shot(f"door-come-back-{lang}")
    k.tap("door:note")
    k.type("Ci mawr")
    shot(f"door-note-{lang}")
    k.tap("key:done")
    k.tap("door:save")
    time.sleep(0.5)
    shot(f"door-saved-{lang}")
    k.tap("back")
    k.tap("door:100099990007")
    k.tap("door:survey")
    shot(f"how-given-{lang}")
    k.tap("survey:library-opening-hours")
    k.tap("given:read_out")
    k.tap("given:begin")
    shot(f"privacy-intro-{lang}")
    k.tap("leave")
    k.tap("back")
    k.tap("filter:come_back")
    shot(f"list-come-back-{lang}")
    k.tap("filter:not_visited")
    shot(f"list-not-visited-{lang}")


def main():
    shutil.rmtree(ARGS.work, ignore_errors=True)
    os.makedirs(ARGS.shots, exist_ok=True)
    empty = os.path.join(ARGS.work, "empty")
    consultations = os.path.join(ARGS.assets, "consultations")
    for lang in ("cy", "en"):
        k = start(empty, consultations, lang)
        try:
            shot(f"no-staff-{lang}")
        finally:
            k.close()
    for lang in ("cy", "en"):
        data = os.path.join(ARGS.work, "data-" + lang)
        subprocess.run([ARGS.fixture, "--data", data, "--doors", "40"], check=True)
        k = start(data, consultations, lang)
        try:
            walk(k, lang)
        finally:
            k.close()
        # The check-in reminder: a tablet whose reminder is due a minute after sign-in.
        import sqlite3
        db = sqlite3.connect(os.path.join(data, "device.sqlite"))
        db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('field_check_in_minutes', '1')")
        db.commit()
        db.close()
        k = start(data, None, lang)
        try:
            sign_in(k)
            time.sleep(61)
            shot(f"check-in-{lang}")
        finally:
            k.close()
    return 0


run_main(main)
