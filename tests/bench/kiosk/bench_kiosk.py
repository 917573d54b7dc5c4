# Kiosk benchmark on Xvfb with Mesa's software renderer: cold start to first drawn frame, frame times at
# 1920x1080 while a resident taps through, CPU over 30 s idle on the attract screen, peak memory.
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "kiosk", "xvfb"))
from kiosk_driver import Kiosk  # noqa: E402

P = argparse.ArgumentParser()
P.add_argument("--kiosk", required=True)
P.add_argument("--assets", required=True)
P.add_argument("--work", required=True)
P.add_argument("--idle-seconds", type=int, default=30)
P.add_argument("--cold-runs", type=int, default=5)
ARGS = P.parse_args()

PIN = "4821"
TICKS = os.sysconf("SC_CLK_TCK")


def stats_from(stderr_text):
    m = re.search(r"soundings-kiosk stats: (\{.*\})", stderr_text)
    if not m:
        raise RuntimeError("no stats line from the kiosk:\n" + stderr_text[-2000:])
    return json.loads(m.group(1))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def child_of(pid):
    for _ in range(200):
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError("the kiosk did not start under /usr/bin/time")


def staff_exit(k):
    k.long_press_at(20, 20, 3.6)
    k.wait(lambda d: d["screen"] == "staff_pin", "the PIN pad")
    k.settle(k.frame() - 1)
    for d in PIN:
        k.tap("pin:" + d)
    k.tap("pin:ok")
    k.wait(lambda d: d["screen"] == "staff", "the staff screen")
    k.settle(k.frame() - 1)
    k.tap("staff:exit")
    k.proc.wait(timeout=20)


def main():
    shutil.rmtree(ARGS.work, ignore_errors=True)
    os.makedirs(ARGS.work)
    data = os.path.join(ARGS.work, "data")
    consultations = os.path.join(ARGS.assets, "consultations")
    subprocess.run([ARGS.kiosk, "--data", data, "--set-pin"], input=(PIN + "\n").encode(), check=True,
                   stdout=subprocess.DEVNULL)
    results = {}

    # 1. Cold start to the first drawn frame (measured inside from main(), and outside until the
    #    first frame's tap-target file appears), median of several starts.
    inside, outside = [], []
    for i in range(ARGS.cold_runs):
        shot = os.path.join(ARGS.work, f"cold-{i}.png")
        t0 = time.monotonic()
        run = subprocess.run([ARGS.kiosk, "--data", data, "--consultations", consultations, "--lang", "cy",
                              "--windowed", "1920x1080", "--screenshot", shot, "--stats"],
                             capture_output=True, text=True, check=True)
        del t0
        inside.append(stats_from(run.stderr)["first_frame_ms"])
    for i in range(ARGS.cold_runs):
        log = open(os.path.join(ARGS.work, f"start-{i}.log"), "w")
        k = Kiosk(ARGS.kiosk, ARGS.work, data, consultations, "cy", stderr=log)
        outside.append(k.first_seen * 1000)
        k.close()
    results["first_frame_ms_median"] = round(statistics.median(inside), 1)
    results["first_frame_ms_max"] = round(max(inside), 1)
    results["start_to_first_frame_seen_ms_median"] = round(statistics.median(outside), 1)

    # 2. Frame times at 1920x1080 while someone taps through a consultation and types.
    log_path = os.path.join(ARGS.work, "frames.log")
    with open(log_path, "w") as log:
        k = Kiosk(ARGS.kiosk, ARGS.work, data, consultations, "cy", ["--stats"], stderr=log)
        try:
            for lang in ["en", "cy", "en"]:
                k.tap("lang:" + lang)
            k.tap("card:library-opening-hours")
            k.tap("start")
            k.tap("option:library_used:wrexham")
            k.tap("option:hours_feeling:happy")
            k.tap("toggle:large_text")
            k.tap("toggle:high_contrast")
            k.tap("toggle:large_text")
            k.tap("toggle:high_contrast")
            k.tap("next")
            k.tap("option:proposal_agree:disagree")
            k.tap("field:proposal_effect")
            k.type("Mae angen oriau hwyr ar ddydd Iau")
            k.tap("key:done")
            k.tap("option:preferred_times:evening")
            k.tap("option:preferred_times:saturday")
            k.tap("next")
            k.tap("submit")
            k.wait(lambda d: d["screen"] == "thanks", "the thank-you screen")
            k.settle(k.frame() - 1)
            k.tap("finish")
            staff_exit(k)
        finally:
            k.close()
    frames = stats_from(open(log_path).read())
    results["frames_drawn"] = frames["frames"]
    results["frame_ms_mean"] = round(frames["frame_ms_mean"], 2)
    results["frame_ms_p50"] = round(frames["frame_ms_p50"], 2)
    results["frame_ms_p95"] = round(frames["frame_ms_p95"], 2)
    results["frame_ms_max"] = round(frames["frame_ms_max"], 2)

    # 3. Idle on the attract screen (the "you said, we did" card changes every 8 s), under
    #    /usr/bin/time -v for the peak resident set.
    time_log = os.path.join(ARGS.work, "time.log")
    targets = os.path.join(ARGS.work, "targets.json")
    if os.path.exists(targets):
        os.remove(targets)
    with open(os.path.join(ARGS.work, "idle.log"), "w") as log:
        timer = subprocess.Popen(["/usr/bin/time", "-v", "-o", time_log, ARGS.kiosk, "--data", data, "--consultations",
                                  consultations, "--lang", "cy", "--windowed", "1920x1080", "--tap-targets", targets,
                                  "--stats"], stderr=log)
        pid = child_of(timer.pid)
        k = Kiosk.__new__(Kiosk)  # attach to the running kiosk
        k.targets_file, k.proc, k.doc, k.fbdir, k.shots = targets, timer, None, None, None
        k.doc = k.wait(lambda d: d["screen"] == "attract", "the attract screen", timeout=30)
        time.sleep(2)
        frame0, cpu0, t0 = k.frame(), cpu_seconds(pid), time.monotonic()
        time.sleep(ARGS.idle_seconds)
        frame1, cpu1, t1 = k.frame(), cpu_seconds(pid), time.monotonic()
        hwm_kb = status_kb(pid, "VmHWM")
        rss_kb = status_kb(pid, "VmRSS")
        k.doc = k.read()
        staff_exit(k)
        timer.wait(timeout=20)
    results["idle_seconds"] = round(t1 - t0, 1)
    results["idle_cpu_percent_of_one_core"] = round(100.0 * (cpu1 - cpu0) / (t1 - t0), 3)
    results["idle_frames_drawn"] = frame1 - frame0
    results["idle_rss_mb"] = round(rss_kb / 1024, 1)
    results["peak_rss_mb_after_idle"] = round(hwm_kb / 1024, 1)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(time_log).read())
    results["peak_rss_mb_time_v_whole_run"] = round(int(m.group(1)) / 1024, 1) if m else None

    targets_met = {
        "first frame <= 300 ms": results["first_frame_ms_median"] <= 300,
        "frame <= 16 ms (p95)": results["frame_ms_p95"] <= 16,
        "idle CPU <= 1% of one core": results["idle_cpu_percent_of_one_core"] <= 1.0,
        "peak RSS <= 80 MB": (results["peak_rss_mb_time_v_whole_run"] or 0) <= 80,
    }
    print(json.dumps(results, indent=2))
    for name, ok in targets_met.items():
        print(("met     " if ok else "MISSED  ") + name)
    with open(os.path.join(ARGS.work, "results.json"), "w") as f:
        json.dump({"results": results, "targets_met": targets_met}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
