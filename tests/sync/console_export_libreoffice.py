# The console's .xlsx export read back by LibreOffice: converted headless to CSV, its first sheet must give exactly
# the rows of the CSV export of the same responses, Welsh letters included ("ŵyl" stays "ŵyl"). The only
# differences allowed are the ones each format means to have: LibreOffice writes a date-time in its cell's format
# (2026-11-01 10:00:00 where the CSV has 2026-11-01T10:00:00Z), and the CSV neutralises a formula-like text with a
# leading apostrophe that the .xlsx does not need (its cells are strings, never formulas).
# hub_tests writes both files (its hidden test "[.export-sample]"). Exits 77 (skipped) only when soffice is missing.
import argparse
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

P = argparse.ArgumentParser()
P.add_argument("--hub-tests", required=True)
ARGS = P.parse_args()
SKIPPED = 77
FAILURES = []


def check(condition, what):
    print(("ok:   " if condition else "FAIL: ") + what, flush=True)
    if not condition:
        FAILURES.append(what)
    return condition


def csv_rows(text):
    return list(csv.reader(io.StringIO(text, newline="")))


UTC_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})Z$")
NEUTRALISED = re.compile(r"^'[=+\-@\t\r]")


def as_libreoffice_shows(header, row):
    shown = []
    for name, cell in zip(header, row):
        if name in ("started_at", "submitted_at"):
            cell = UTC_TIME.sub(r"\1 \2", cell)
        if NEUTRALISED.match(cell):
            cell = cell[1:]
        shown.append(cell)
    return shown


def main():
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("skipped: soffice (LibreOffice) is not installed")
        return SKIPPED
    unzip = shutil.which("unzip")
    with tempfile.TemporaryDirectory(prefix="soundings-lo-") as work:
        env = dict(os.environ, SOUNDINGS_EXPORT_SAMPLE_DIR=work)
        # From its own folder, where its test data is found (as CTest runs it).
        hub_tests = os.path.abspath(ARGS.hub_tests)
        made = subprocess.run([hub_tests, "[.export-sample]"], env=env, capture_output=True, text=True,
                              timeout=300, cwd=os.path.dirname(hub_tests))
        if not check(made.returncode == 0, "hub_tests wrote the sample export"):
            print(made.stdout[-4000:], made.stderr[-2000:])
            return 1
        xlsx = os.path.join(work, "responses.xlsx")
        with open(os.path.join(work, "responses.csv"), encoding="utf-8", newline="") as f:
            exported = f.read()
        check(exported.startswith("\ufeff"), "the CSV export starts with a byte order mark")
        expected = csv_rows(exported.lstrip("\ufeff"))
        check(len(expected) == 5, "the CSV export has a header and four rows")

        if unzip:
            strings = subprocess.run([unzip, "-p", xlsx, "xl/sharedStrings.xml"], capture_output=True,
                                     timeout=60).stdout.decode("utf-8")
            check("ŵ ŷ â ê î ô û ë ï Ŵ Ŷ" in strings, "the workbook's shared strings hold the Welsh letters")
            sheet = subprocess.run([unzip, "-p", xlsx, "xl/worksheets/sheet1.xml"], capture_output=True,
                                   timeout=60).stdout.decode("utf-8")
            check("<f>" not in sheet, "no cell of the responses sheet is a formula")
            # started_at and submitted_at (columns H and I) hold numbers with a style: dates, not strings.
            for ref in ("H2", "I2", "I5"):
                cell = re.search(r'<c r="%s"[^>]*>' % ref, sheet)
                check(cell is not None and 't="' not in cell.group(0) and ' s="' in cell.group(0),
                      f"cell {ref} is a formatted number (a date-time), not text")

        # A profile of this run's own, so that runs in parallel (and a desktop session) never share one.
        profile = os.path.join(work, "profile")
        out = os.path.join(work, "out")
        try:
            converted = subprocess.run(
                [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                 "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", out, xlsx],
                capture_output=True, text=True, timeout=180)
        except subprocess.TimeoutExpired:
            check(False, "LibreOffice converted the workbook within 180 s")
            return 1
        result = os.path.join(out, "responses.csv")
        if not check(converted.returncode == 0 and os.path.exists(result), "LibreOffice converted the workbook"):
            print(converted.stdout, converted.stderr)
            return 1
        with open(result, encoding="utf-8", newline="") as f:
            read_back = csv_rows(f.read())

        check(read_back[0] == expected[0], "the same header row")
        check(len(read_back) == len(expected), f"the same number of rows ({len(read_back)} and {len(expected)})")
        header = expected[0]
        for got, want in zip(read_back[1:], expected[1:]):
            shown = as_libreoffice_shows(header, want)
            if not check(got == shown, f"response {want[0]} reads back as exported"):
                for name, a, b in zip(header, got, shown):
                    if a != b:
                        print(f"  {name}: LibreOffice {a!r}, export {b!r}")
        text = "\n".join(",".join(row) for row in read_back)
        check("ŵyl" in text and "Åµ" not in text, "\"ŵyl\" stays \"ŵyl\"")
        times = [row[header.index("submitted_at")] for row in read_back[1:]]
        check(all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", t) for t in times),
              "submitted_at reads back as a date-time in the yyyy-mm-dd hh:mm:ss format")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
