#!/usr/bin/env python3
"""Signs in to a hub's console as a person would (the sign-in form, its cookie) and prints the heading and
the first table of a page: deploy/demo.sh uses it to show the console answering without a browser.

Usage: console-check.py URL EMAIL PATH   (the password on standard input)"""
import html.parser
import http.cookiejar
import sys
import urllib.parse
import urllib.request


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1, self.rows, self._in, self._row = "", [], None, None

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "th", "td"):
            self._in = tag
            if tag != "h1" and self._row is not None:
                self._row.append("")
        elif tag == "tr":
            self._row = []

    def handle_endtag(self, tag):
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "h1":
            self.h1 += data
        elif self._in in ("th", "td") and self._row is not None and self._row:
            self._row[-1] += data.strip()


def main():
    url, email, path = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    password = sys.stdin.readline().rstrip("\n")
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = urllib.parse.urlencode({"email": email, "password": password, "next": path}).encode()
    request = urllib.request.Request(url + "/sign-in", data=form, headers={"Origin": url})
    with opener.open(request, timeout=10) as answer:
        page = Page()
        page.feed(answer.read().decode("utf-8"))
    if not page.rows and "sign-in" in answer.geturl():
        print("console: signing in failed", file=sys.stderr)
        return 1
    print(f"console {path}: {page.h1.strip()}")
    for row in page.rows[:8]:
        print("  " + " | ".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
