"""Open pages of a built site in headless Chromium and record errors, requests and drawn charts."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"

# Without the background-networking flags Chromium contacts Google's hosts at start-up.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class PageReport:
    """What happened while one page loaded."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    charts: int = 0
    drawn_charts: int = 0
    alert_dialogs: list[str] = field(default_factory=list)


@contextlib.contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve ``root`` on a free loopback port and yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def check_page(browser, url: str, *, width: int, height: int, screenshot: Path | None = None) -> PageReport:
    """Load ``url`` at the given viewport and report console errors, requests and charts.

    Requests to any host but the serving one are aborted and recorded, so a page
    that needs the internet fails the check instead of waiting for a time-out.
    """
    report = PageReport(url=url)
    origin = urlsplit(url).netloc
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and report.console_errors.append(message.text))
    page.on("pageerror", lambda error: report.console_errors.append(str(error)))
    page.on("dialog", lambda dialog: (report.alert_dialogs.append(dialog.message), dialog.dismiss()))

    def route(request_route) -> None:
        request_url = request_route.request.url
        if urlsplit(request_url).netloc == origin or request_url.startswith("data:"):
            request_route.continue_()
        else:
            report.foreign_requests.append(request_url)
            request_route.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="networkidle")
    # vega-embed draws asynchronously after the load event.
    page.wait_for_timeout(300)
    report.charts = page.locator(".altair-chart").count()
    report.drawn_charts = page.locator(".altair-chart svg, .altair-chart canvas").count()
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    context.close()
    return report
