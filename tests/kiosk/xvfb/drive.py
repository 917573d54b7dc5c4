# Real-window kiosk test: runs soundings-kiosk on an X server (Xvfb), taps through with real X input events
# (xdotool), saves screenshots of every screen from the server's framebuffer, then checks the store.
import argparse
import base64
import json
import os
import shutil
import sqlite3
import subprocess
import time

from kiosk_driver import Checks, Kiosk, run_main

P = argparse.ArgumentParser()
P.add_argument("--kiosk", required=True)
P.add_argument("--assets", required=True)
P.add_argument("--fixtures", required=True)
P.add_argument("--work", required=True)
P.add_argument("--fbdir", required=True)
P.add_argument("--shots", required=True)
ARGS = P.parse_args()

check = Checks()


def every_type_pass(k, lang):
    k.tap("lang:" + lang)
    k.shot(f"attract-{lang}")
    k.tap("card:every-type")
    check(k.doc["screen"] == "intro", f"{lang}: intro after the card")
    k.shot(f"intro-{lang}")
    k.tap("start")
    # Page 1: a required single choice blocks Next until answered.
    k.tap("next")
    check(k.doc["screen"] == "page", f"{lang}: a required question keeps the page")
    k.shot(f"required-{lang}")
    k.tap("option:transport:other")
    check(k.doc["keyboard"], f"{lang}: 'other' opens the keyboard")
    k.type("Beic")
    k.shot(f"keyboard-other-{lang}")
    k.tap("key:done")
    k.tap("option:services:library")
    k.tap("option:services:parks")
    k.shot(f"choices-{lang}")
    k.tap("next")
    k.tap("option:agree:agree")
    k.tap("option:feeling:4")
    k.tap("scale:likely:8")
    k.shot(f"scales-{lang}")
    k.tap("next")
    k.tap("field:short")
    for key in ["key:ŵ", "key:ŷ", "key:â"]:
        k.tap(key)
    k.type(" dda")
    k.shot(f"keyboard-welsh-{lang}")
    k.tap("key:done")
    k.tap("field:visits")
    k.type("12")
    k.shot(f"keyboard-number-{lang}")
    k.tap("key:done")
    k.tap("field:postcode")
    k.type("LL11 1AY")
    k.tap("key:done")
    k.shot(f"typing-{lang}")
    k.tap("next")
    k.tap("date:moved_in:day")
    k.shot(f"date-day-{lang}")
    k.tap("pick:day:14")
    k.shot(f"date-month-{lang}")
    k.tap("pick:month:3")
    k.shot(f"date-decade-{lang}")
    k.tap("pick:decade:1980")
    k.tap("pick:year:1985")
    for option in ["bins", "roads", "buses"]:
        k.tap(f"rank:priorities:{option}")
    k.tap("consent:quote_ok")
    k.shot(f"when-{lang}")
    k.tap("next")
    k.tap("field:email")
    k.type("sian")
    k.tap("key:@")
    k.type("enghraifft")
    k.tap("key:.cymru")
    k.shot(f"keyboard-email-{lang}")
    k.tap("key:done")
    k.tap("contact:contact:name")
    k.type("Si")
    k.tap("key:â")
    k.type("n")
    k.tap("key:done")
    k.tap("contact:contact:email")
    k.type("sian")
    k.tap("key:@")
    k.type("enghraifft")
    k.tap("key:.wales")
    k.tap("key:done")
    k.tap("contact:contact:lang:" + lang)
    k.tap("contact:contact:consent:email_updates")
    k.shot(f"contact-{lang}")
    k.tap("next")
    check(k.doc["screen"] == "review", f"{lang}: review after the last page")
    k.shot(f"review-{lang}")
    k.tap("submit")
    k.wait(lambda d: d["screen"] == "thanks", "the thank-you screen")
    k.settle(k.frame() - 1)
    k.shot(f"thanks-{lang}")
    k.tap("finish")
    check(k.doc["screen"] == "attract", f"{lang}: back to the attract screen")


def main():
    shutil.rmtree(ARGS.work, ignore_errors=True)
    os.makedirs(os.path.join(ARGS.work, "consultations"))
    os.makedirs(ARGS.shots, exist_ok=True)
    for f in os.listdir(os.path.join(ARGS.assets, "consultations")):
        shutil.copy(os.path.join(ARGS.assets, "consultations", f), os.path.join(ARGS.work, "consultations"))
    shutil.copy(os.path.join(ARGS.fixtures, "every-type.json"), os.path.join(ARGS.work, "consultations"))
    shutil.copytree(os.path.join(ARGS.assets, "blocks"), os.path.join(ARGS.work, "blocks"))
    data = os.path.join(ARGS.work, "data")

    # A staff PIN from standard input; a head-office sealing key as enrolment would leave it.
    subprocess.run([ARGS.kiosk, "--data", data, "--set-pin"], input=b"4821\n", check=True)
    db = sqlite3.connect(os.path.join(data, "device.sqlite"))
    db.execute("INSERT INTO settings (key, value) VALUES ('seal_public_key', ?)",
               (base64.b64encode(os.urandom(32)).decode(),))
    db.commit()
    db.close()

    consultations = os.path.join(ARGS.work, "consultations")
    k = Kiosk(ARGS.kiosk, ARGS.work, data, consultations, "cy", fbdir=ARGS.fbdir, shots=ARGS.shots)
    try:
        every_type_pass(k, "en")
        every_type_pass(k, "cy")
        # Large text and high contrast on a question page.
        k.tap("card:library-opening-hours")
        k.tap("start")
        k.tap("toggle:large_text")
        k.shot("large-text-cy")
        k.tap("toggle:high_contrast")
        k.shot("high-contrast-large-cy")
        k.tap("toggle:large_text")
        k.shot("high-contrast-cy")
        k.tap("leave")
        k.shot("leave-cy")
        k.tap("leave:yes")
        check(k.doc["screen"] == "attract", "leaving returns to the attract screen")
        # Staff: long press in the corner, then the PIN.
        k.long_press_at(20, 20, 3.6)
        k.wait(lambda d: d["screen"] == "staff_pin", "the PIN pad")
        k.settle(k.frame() - 1)
        for d in "4821":
            k.tap("pin:" + d)
        k.shot("staff-pin")
        k.tap("pin:ok")
        k.wait(lambda d: d["screen"] == "staff", "the staff screen")
        time.sleep(0.3)
        k.settle(k.frame() - 1)
        k.shot("staff")
        k.tap("staff:exit")
        k.tap("exit:close")  # Exit asks first
        k.proc.wait(timeout=10)
        check(k.proc.returncode == 0, "staff exit ends the kiosk with status 0")
    finally:
        k.close()

    # Idle: a short warning time for the test; the reset still leaves 30 s to continue (A4).
    k = Kiosk(ARGS.kiosk, ARGS.work, data, consultations, "en", ["--idle", "3"], fbdir=ARGS.fbdir, shots=ARGS.shots)
    try:
        k.tap("card:library-opening-hours")
        k.tap("start")
        k.tap("option:library_used:wrexham")
        k.wait(lambda d: d["idle_warning"], "the idle warning", timeout=10)
        k.settle(k.frame() - 1)
        k.shot("idle-warning-en")
        k.tap("idle:continue")
        check(not k.doc["idle_warning"] and k.doc["screen"] == "page", "Continue keeps the page")
        k.wait(lambda d: d["idle_warning"], "the idle warning again", timeout=10)
        k.wait(lambda d: d["screen"] == "attract", "the reset", timeout=40)
        check(not k.doc["idle_warning"], "the attract screen after the reset has no warning")
        k.settle(k.frame() - 1)
        k.shot("after-reset-en")
    finally:
        k.close()

    # The store holds exactly the two submitted responses, in their languages, personal parts sealed.
    db = sqlite3.connect(os.path.join(data, "device.sqlite"))
    rows = [json.loads(b) for (b,) in db.execute("SELECT body FROM responses ORDER BY seq")]
    pending = db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
    db.close()
    check(len(rows) == 2, f"two responses in the store (found {len(rows)})")
    check([r.get("language") for r in rows] == ["en", "cy"], "responses recorded in English then Welsh")
    check(pending == 2, "both responses wait in the outbox")
    for r in rows:
        check(r.get("consultation_id") == "every-type", "the response names its consultation")
        check("sealed" in r.get("personal", {}), "the email is sealed, not stored in plain text")
        check("siân" not in json.dumps(r, ensure_ascii=False) and "sian@" not in json.dumps(r), "no plain email on disk")
        check("ŵŷâ dda" in json.dumps(r["answers"], ensure_ascii=False), "Welsh letters typed on the keyboard are kept")
        check("LL11 1AY" in json.dumps(r["answers"]), "the postcode is recorded")

    return check.report("xvfb kiosk walk")


if __name__ == "__main__":
    run_main(main)
