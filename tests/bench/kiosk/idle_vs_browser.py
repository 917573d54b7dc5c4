# Idle CPU of the kiosk's attract screen against Chromium showing the same screen as a web page, side by side.
#
# Each run starts two X servers (Xvfb, 1920x1080, Mesa's software renderer for both), the kiosk on one and a
# Chromium kiosk window on the other, at the same time, so both see the same machine. The page is built from
# the same consultations and strings, and its "you said, we did" card changes on the same 8 s cycle. After a
# warm-up, CPU time (utime + stime, every process of each program) is read over the same window. The kiosk's
# frames come from its --stats line; Chromium's are not counted.
#
# Usage: idle_vs_browser.py --kiosk EXE --assets DIR [--runs 3] [--seconds 60] [--work DIR]
import argparse
import html
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

P = argparse.ArgumentParser()
P.add_argument("--kiosk", required=True)
P.add_argument("--assets", required=True)
P.add_argument("--runs", type=int, default=3)
P.add_argument("--seconds", type=int, default=60)
P.add_argument("--warmup", type=int, default=15)
P.add_argument("--work", default=None)
P.add_argument("--browser", default=shutil.which("chromium") or "chromium")
ARGS = P.parse_args()

TICKS = os.sysconf("SC_CLK_TCK")
PIN = "4821"
CYCLE_SECONDS = 8  # KioskConfig::attract_cycle


def tree(pid):
    """pid and every descendant."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def cpu_seconds(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass  # gone since the listing
    return total / TICKS


def tree_cpu(pid):
    return cpu_seconds(tree(pid))


def attract_page(assets, lang_first="cy"):
    """The attract screen as a web page: the same words, the same layout, the same card cycle."""
    strings = json.load(open(os.path.join(assets, "strings", "kiosk.json"), encoding="utf-8"))
    second = "en" if lang_first == "cy" else "cy"

    def s(key, lang):
        return html.escape(strings[key][lang])

    cards, feedback, council = [], [], ""
    folder = os.path.join(assets, "consultations")
    for name in sorted(os.listdir(folder)):
        c = json.load(open(os.path.join(folder, name), encoding="utf-8"))
        cards.append(f'<button class="card"><b>{html.escape(c["title"][lang_first])}</b>'
                     f'<span class="muted">{html.escape(c["title"][second])}</span>'
                     f'<span>{s("kiosk.attract.closes", lang_first).replace("{date}", c["closes"])}</span></button>')
        council = council or f'{html.escape(c["council"][lang_first])}<br>{html.escape(c["council"][second])}'
        if "feedback" in c:
            f = c["feedback"]
            feedback.append({"title": c["title"][lang_first], "we_did": f["we_did"][lang_first]})
    return f"""<!doctype html><html lang="{lang_first}"><head><meta charset="utf-8"><style>
body {{ margin: 0; background: #f3f2ee; color: #1b1b1b; font-family: 'DejaVu Sans', sans-serif; font-size: 28px; }}
main {{ width: 1680px; margin: 0 auto; padding-top: 16px; display: grid; grid-template-columns: 1100px 1fr; gap: 24px; }}
button {{ font: inherit; background: #fff; border: 2px solid #555; border-radius: 14px; min-height: 96px; padding: 0 32px; }}
.card {{ display: flex; flex-direction: column; text-align: left; gap: 8px; padding: 24px; border-left: 14px solid #0b4f6c; }}
.cards {{ display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }}
.muted {{ color: #505050; }} h1 {{ font-size: 56px; margin: 16px 0; }}
#feedback {{ background: #fff; border: 2px solid #555; border-radius: 14px; padding: 24px; }}
</style></head><body><main>
<div><div>{council}</div><h1>{s("kiosk.attract.welcome", lang_first)} · {s("kiosk.attract.welcome", second)}</h1>
<h2>{s("kiosk.attract.have_your_say", lang_first)}</h2><div class="muted">{s("kiosk.attract.have_your_say", second)}</div>
<h2>{s("kiosk.attract.open_consultations", lang_first)}</h2><div class="cards">{''.join(cards)}</div></div>
<div><button>{s("kiosk.high_contrast", lang_first)} / {s("kiosk.high_contrast", second)}</button>
<button>{s("kiosk.large_text", lang_first)} / {s("kiosk.large_text", second)}</button>
<p>{s("kiosk.attract.choose_language", lang_first)} / {s("kiosk.attract.choose_language", second)}</p><button>Cymraeg</button> <button>English</button>
<section id="feedback"><h2>{s("kiosk.attract.you_said_we_did", lang_first)}</h2>
<p class="muted" id="fb-title"></p><p id="fb-body"></p></section></div>
</main><script>
const cards = {json.dumps(feedback, ensure_ascii=False)};
let i = 0;
function show() {{
  document.getElementById("fb-title").textContent = cards[i].title;
  document.getElementById("fb-body").textContent = cards[i].we_did;
  i = (i + 1) % cards.length;
}}
show();
setInterval(show, {CYCLE_SECONDS * 1000});
</script></body></html>"""


def start_x(display):
    proc = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp", "-noreset"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(f"/tmp/.X11-unix/X{display}"):
            return proc
        time.sleep(0.05)
    raise RuntimeError(f"Xvfb :{display} did not start")


def free_display():
    for n in range(140, 400):
        if not os.path.exists(f"/tmp/.X{n}-lock") and not os.path.exists(f"/tmp/.X11-unix/X{n}"):
            return n
    raise RuntimeError("no free X display number")


def one_run(work, page):
    env = dict(os.environ, LIBGL_ALWAYS_SOFTWARE="1", GALLIUM_DRIVER="llvmpipe")
    d1 = free_display()
    x1 = start_x(d1)
    d2 = free_display()
    x2 = start_x(d2)
    data = tempfile.mkdtemp(dir=work, prefix="kiosk-")
    subprocess.run([ARGS.kiosk, "--data", data, "--set-pin"], input=PIN + "\n", text=True, check=True,
                   capture_output=True)
    kiosk_log = open(os.path.join(data, "stderr.log"), "w+")
    kiosk = subprocess.Popen([ARGS.kiosk, "--data", data, "--consultations", os.path.join(ARGS.assets, "consultations"),
                              "--lang", "cy", "--windowed", "1920x1080", "--stats"],
                             env=dict(env, DISPLAY=f":{d1}"), stderr=kiosk_log)
    profile = tempfile.mkdtemp(dir=work, prefix="chromium-")
    browser = subprocess.Popen([ARGS.browser, "--kiosk", "--no-first-run", "--no-default-browser-check",
                                "--disable-gpu", f"--user-data-dir={profile}", "--window-size=1920,1080",
                                "--window-position=0,0", "--no-sandbox", "--disable-background-networking",
                                "--disable-component-update", "--disable-sync", "--password-store=basic",
                                "file://" + page],
                               env=dict(env, DISPLAY=f":{d2}"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(ARGS.warmup)
        k0, b0, t0 = tree_cpu(kiosk.pid), tree_cpu(browser.pid), time.monotonic()
        time.sleep(ARGS.seconds)
        k1, b1, t1 = tree_cpu(kiosk.pid), tree_cpu(browser.pid), time.monotonic()
        browser_processes = len(tree(browser.pid))
    finally:
        kiosk.send_signal(signal.SIGTERM)
        browser.send_signal(signal.SIGTERM)
        kiosk.wait(timeout=30)
        try:
            browser.wait(timeout=30)
        except subprocess.TimeoutExpired:
            browser.kill()
        for x in (x1, x2):
            x.terminate()
            x.wait(timeout=10)
    kiosk_log.seek(0)
    m = re.search(r"soundings-kiosk stats: (\{.*\})", kiosk_log.read())
    stats = json.loads(m.group(1)) if m else {}
    elapsed = t1 - t0
    run_seconds = ARGS.warmup + ARGS.seconds
    return {
        "kiosk_cpu_percent": round(100.0 * (k1 - k0) / elapsed, 3),
        "chromium_cpu_percent": round(100.0 * (b1 - b0) / elapsed, 3),
        "chromium_processes": browser_processes,
        "kiosk_frames": stats.get("frames"),
        "kiosk_frames_per_idle_minute": round(60.0 * stats.get("frames", 0) / run_seconds, 1),
        "card_changes_per_minute": round(60.0 / CYCLE_SECONDS, 1),
        "kiosk_frame_ms_p50": round(stats.get("frame_ms_p50", 0), 1),
    }


def main():
    for tool in ("Xvfb", ARGS.browser):
        if not shutil.which(tool):
            sys.exit(f"idle-vs-browser: {tool} is missing (apt-get install xvfb chromium)")
    work = ARGS.work or tempfile.mkdtemp(prefix="soundings-idle-")
    os.makedirs(work, exist_ok=True)
    page = os.path.join(work, "attract.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write(attract_page(ARGS.assets))
    runs = []
    for n in range(ARGS.runs):
        r = one_run(work, page)
        print(f"run {n + 1}: " + json.dumps(r), flush=True)
        runs.append(r)
    kiosk = statistics.median(r["kiosk_cpu_percent"] for r in runs)
    browser = statistics.median(r["chromium_cpu_percent"] for r in runs)
    print(json.dumps({"runs": len(runs), "seconds_each": ARGS.seconds,
                      "kiosk_cpu_percent_median": kiosk, "chromium_cpu_percent_median": browser,
                      "kiosk_at_or_below_chromium": kiosk <= browser}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
