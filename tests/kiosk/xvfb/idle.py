# Idle on the attract screen: the real window draws a picture only when it changes. The pointer is moved
# over empty background again and again (each move wakes the frame loop, as another thread's news does);
# the kiosk's --stats must show those wake-ups cost no drawing, and that what it drew is what the screen
# needed: the first frames and one per "you said, we did" card change.
import argparse
import json
import os
import re
import signal
import subprocess
import time

from kiosk_driver import Checks, Kiosk, run_main

P = argparse.ArgumentParser()
P.add_argument("--kiosk", required=True)
P.add_argument("--assets", required=True)
P.add_argument("--work", required=True)
P.add_argument("--fbdir", required=True)
ARGS = P.parse_args()

CARD_SECONDS = 8        # KioskConfig::attract_cycle
STARTUP_FRAMES = 13     # the first frames and at most ten settling ones (platform_glfw.cpp)
MOVES = 30
check = Checks()


def main():
    os.makedirs(ARGS.work, exist_ok=True)
    data = os.path.join(ARGS.work, "data")
    subprocess.run([ARGS.kiosk, "--data", data, "--set-pin"], input="4821\n", text=True, check=True,
                   capture_output=True)
    log_path = os.path.join(ARGS.work, "kiosk.log")
    with open(log_path, "w") as log:
        k = Kiosk(ARGS.kiosk, ARGS.work, data, os.path.join(ARGS.assets, "consultations"), "cy",
                  extra=["--stats"], stderr=log)
        started = time.monotonic()
        try:
            loops_before = k.frame()
            for i in range(MOVES):
                x, y = (40, 1040) if i % 2 == 0 else (60, 1050)  # empty background: nothing there reacts
                subprocess.run(["xdotool", "mousemove", "--sync", str(x), str(y)], check=True)
                time.sleep(0.05)
            loops = k.frame() - loops_before
            # Stay for two card changes: each must be drawn.
            time.sleep(max(0.0, 2 * CARD_SECONDS + 1.5 - (time.monotonic() - started)))
        finally:
            k.proc.send_signal(signal.SIGTERM)
            k.proc.wait(timeout=20)
        seconds = time.monotonic() - started
    m = re.search(r"soundings-kiosk stats: (\{.*\})", open(log_path).read())
    check(m is not None, "the kiosk printed no stats line")
    if not m:
        return check.report("kiosk_xvfb_idle")
    stats = json.loads(m.group(1))
    unchanged = stats.get("unchanged_frames", 0)
    needed = STARTUP_FRAMES + int(seconds // CARD_SECONDS) + 1
    print(f"{seconds:.1f} s on the attract screen: {loops} wake-ups from {MOVES} pointer moves; "
          f"frames drawn {stats['frames']}, unchanged and not drawn {unchanged} "
          f"(allowed at most {needed} drawn)", flush=True)
    changes = int(seconds // CARD_SECONDS)
    check(stats["frames"] >= 1 + changes, f"{stats['frames']} frames drawn: the {changes} card changes were not all drawn")
    check(loops >= MOVES, f"the pointer moves woke the frame loop only {loops} times")
    check(stats["frames"] <= needed,
          f"{stats['frames']} frames drawn for {seconds:.1f} s with nothing changing but the card; at most {needed}")
    check(unchanged >= MOVES, f"only {unchanged} wake-ups were recognised as unchanged")
    return check.report("kiosk_xvfb_idle")


run_main(main)
