# Screenshots of every kiosk screen from the real program at a given window size, language and text size,
# for people to look at (the layout rules themselves are checked headless by test_layout.cpp).
# Run with: XVFB_SCREEN=1920x1280x24 under_xvfb.sh layout_shots.py --kiosk K --assets A --shots DIR --size 800x1280
import argparse
import base64
import os
import shutil
import sqlite3
import subprocess
import time

from kiosk_driver import Kiosk, run_main
from xwd_to_png import read_xwd, write_png

P = argparse.ArgumentParser()
P.add_argument("--kiosk", required=True)
P.add_argument("--assets", required=True)
P.add_argument("--shots", required=True)
P.add_argument("--size", default="1920x1080")
P.add_argument("--langs", default="cy,en")
P.add_argument("--work", required=True)
P.add_argument("--fbdir", required=True)
ARGS = P.parse_args()
WIDTH, HEIGHT = (int(v) for v in ARGS.size.split("x"))


def shot(k, name):
    """The window's corner of the X screen (the window sits at 0,0 with no window manager)."""
    time.sleep(0.15)
    _, _, rows = read_xwd(os.path.join(ARGS.fbdir, "Xvfb_screen0"))
    write_png(os.path.join(ARGS.shots, f"{ARGS.size}-{name}.png"), WIDTH, HEIGHT, [r[:WIDTH * 3] for r in rows[:HEIGHT]])
    print("screenshot", name, flush=True)


def prepare():
    shutil.rmtree(ARGS.work, ignore_errors=True)
    os.makedirs(os.path.join(ARGS.work, "consultations"))
    os.makedirs(ARGS.shots, exist_ok=True)
    for f in os.listdir(os.path.join(ARGS.assets, "consultations")):
        shutil.copy(os.path.join(ARGS.assets, "consultations", f), os.path.join(ARGS.work, "consultations"))
    data = os.path.join(ARGS.work, "data")
    subprocess.run([ARGS.kiosk, "--data", data, "--set-pin"], input=b"4821\n", check=True)
    db = sqlite3.connect(os.path.join(data, "device.sqlite"))
    db.execute("INSERT INTO settings (key, value) VALUES ('seal_public_key', ?)",
               (base64.b64encode(os.urandom(32)).decode(),))
    db.commit()
    db.close()
    return data, os.path.join(ARGS.work, "consultations")


def influencing(k, tag):
    k.tap("card:influencing-decisions")
    shot(k, f"intro-{tag}")
    k.tap("start")
    shot(k, f"page1-{tag}")
    k.tap("leave")
    shot(k, f"leave-{tag}")
    k.tap("leave:no")
    k.tap("option:can_influence:agree")
    k.tap("option:area_feeling:unhappy")
    k.tap("field:area_improve")
    k.type("Mwy o fysiau")
    shot(k, f"keyboard-{tag}")
    k.tap("key:done")
    shot(k, f"page1-answered-{tag}")
    k.tap("next")
    k.tap("scale:likely_to_take_part:7")
    k.tap("option:more_involved:yes")
    shot(k, f"page2-{tag}")
    k.tap("field:times_contacted")
    k.type("3")
    shot(k, f"keyboard-number-{tag}")
    k.tap("key:done")
    k.tap("date:last_meeting:day")
    shot(k, f"date-day-{tag}")
    k.tap("pick:day:14")
    shot(k, f"date-month-{tag}")
    k.tap("pick:month:9")
    shot(k, f"date-decade-{tag}")
    k.tap("pick:decade:2020")
    shot(k, f"date-year-{tag}")
    k.tap("pick:year:2024")
    shot(k, f"page2-answered-{tag}")
    k.tap("next")
    k.tap("field:newsletter_email")
    k.type("dewi@post")
    k.tap("key:.cymru")
    shot(k, f"keyboard-email-{tag}")
    k.tap("key:done")
    shot(k, f"page3-{tag}")
    k.tap("next")
    shot(k, f"page4-equality-{tag}")
    for _ in range(8):  # the equality block's pages
        if k.doc["screen"] != "page":
            break
        k.tap("next")
    shot(k, f"review-{tag}")
    k.tap("submit")
    k.wait(lambda d: d["screen"] == "thanks", "the thank-you screen")
    shot(k, f"thanks-{tag}")
    k.tap("finish")


def involvement(k, tag):
    k.tap("card:involvement-strategy")
    k.tap("start")
    for _ in range(4):
        k.tap("next")
    k.tap("rank:priorities_ranking:go_to_people")
    k.tap("rank:priorities_ranking:tell_results")
    shot(k, f"ranking-{tag}")
    k.tap("next")
    k.tap("next")
    k.tap("option:keep_in_touch:yes")
    shot(k, f"contact-{tag}")
    k.tap("leave")
    k.tap("leave:yes")


def staff(k, tag, large):
    k.long_press_at(20, 20, 3.6)
    k.wait(lambda d: d["screen"] == "staff_pin", "the PIN pad")
    if large != k.doc["large_text"]:  # leaving a consultation put the text size back
        k.tap("toggle:large_text")
    shot(k, f"staff-pin-{tag}")
    for d in "4821":
        k.tap("pin:" + d)
    k.tap("pin:ok")
    k.wait(lambda d: d["screen"] == "staff", "the staff screen")
    shot(k, f"staff-{tag}")
    k.tap("staff:close")


def idle(data, consultations, lang, large, tag):
    k = Kiosk(ARGS.kiosk, ARGS.work, data, None, lang, ["--windowed", ARGS.size, "--idle", "4"])
    try:
        k.tap("lang:" + lang)
        if large:
            k.tap("toggle:large_text")
        k.tap("card:library-opening-hours")
        k.tap("start")
        k.wait(lambda d: d["idle_warning"], "the idle warning", timeout=15)
        shot(k, f"idle-{tag}")
    finally:
        k.close()


def main():
    data, consultations = prepare()
    loaded = False
    for lang in ARGS.langs.split(","):
        for large in (False, True):
            tag = f"{lang}-{'large' if large else 'normal'}"
            k = Kiosk(ARGS.kiosk, ARGS.work, data, None if loaded else consultations, lang,
                      ["--windowed", ARGS.size])
            loaded = True
            try:
                k.tap("lang:" + lang)
                if large:
                    k.tap("toggle:large_text")
                shot(k, f"attract-{tag}")
                influencing(k, tag)
                involvement(k, tag)
                staff(k, tag, large)
            finally:
                k.close()
            idle(data, consultations, lang, large, tag)
    return 0


run_main(main)
