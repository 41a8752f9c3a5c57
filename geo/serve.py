"""`geo serve`: the built maps on localhost, built again whenever a layer or recipe changes.

The server builds into its output directory, serves it at http://127.0.0.1:PORT/, and looks at the
layers and recipes twice a second.  When a file changes it builds again: the open page reloads
itself once the new build is in, and a build that fails leaves the last good one served, with the
error in the terminal and over the page.  The reloading is added to the pages as they are served,
never to the files in the output directory.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from geo.errors import GeoError

STATE_PATH = "/__geo_serve__/state"
LOOK_EVERY_S = 0.5
# Polls the state; reloads when the build changes; shows a failed build's error (as text) over the page.
WATCHER = b"""<script>(function () {
  var version = null, box = null;
  function show(error) {
    if (!error) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("pre");
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;z-index:100000;left:0;right:0;bottom:0;max-height:50%;" +
        "overflow:auto;margin:0;padding:12px;background:#fff3f0;color:#8a1c00;" +
        "border-top:3px solid #D55E00;font:13px/1.4 monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "geo serve: the last build failed; this is the build before it.\\n\\n" + error;
  }
  function look() {
    fetch("/__geo_serve__/state", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (version !== null && s.version !== version) { location.reload(); return; }
      version = s.version; show(s.error);
    }).catch(function () {}).then(function () { setTimeout(look, 1000); });
  }
  look();
})();</script>"""


class Watched:
    """The build the server shows: its number, and the error of the last build if it failed."""

    def __init__(self, layers: Path, maps: Path, out: Path):
        self.layers, self.maps, self.out = layers, maps, out
        self.version, self.error = 0, None
        self.lock = threading.Lock()

    def stamp(self) -> tuple:
        """What the build depends on, as (path, size, modified) of every file under the layers and recipes."""
        return tuple(
            (str(p), p.stat().st_size, p.stat().st_mtime_ns)
            for root in (self.layers, self.maps)
            for p in sorted(root.rglob("*"))
            if p.is_file()
        )

    def build(self) -> None:
        from geo.build import build

        started = time.monotonic()
        try:
            build(self.layers, self.maps, self.out)
        except GeoError as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - a server keeps serving the last good build
            error = f"unexpected error: {type(exc).__name__}: {exc}"
        else:
            error = None
        with self.lock:
            self.error = error
            if error is None:
                self.version += 1
        if error is None:
            print(f"built {self.out} in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
        else:
            print(
                f"geo serve: the build failed (the previous one is still served):\n{error}", file=sys.stderr, flush=True
            )

    def state(self) -> bytes:
        with self.lock:
            return json.dumps({"version": self.version, "error": self.error}).encode()


class Handler(SimpleHTTPRequestHandler):
    watched: Watched

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = self.path.split("?", 1)[0]
        if path == STATE_PATH:
            self.reply(self.watched.state(), "application/json")
            return
        if path.endswith(".html") or path.endswith("/"):
            file = Path(self.translate_path(path))
            file = file / "index.html" if file.is_dir() else file
            if file.is_file():
                page = file.read_bytes()
                at = page.rfind(b"</body>")
                at = at if at >= 0 else len(page)
                self.reply(page[:at] + WATCHER + page[at:], "text/html; charset=utf-8")
                return
        super().do_GET()

    def reply(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's name
        pass  # the terminal is for builds and errors


def start(layers: Path, maps: Path, out: Path, port: int) -> tuple[ThreadingHTTPServer, Watched, threading.Event]:
    """Build once, serve `out` on 127.0.0.1:`port`, and rebuild on changes until the event is set."""
    watched = Watched(layers, maps, out)
    seen = watched.stamp()  # before the first build: a change made while it runs is built next
    watched.build()
    out.mkdir(parents=True, exist_ok=True)
    handler = type("Served", (Handler,), {"watched": watched})
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(out)))
    except OSError as exc:
        raise GeoError(f"--port {port}: cannot listen there ({exc.strerror}); choose another port") from None
    stop = threading.Event()

    def watch() -> None:
        nonlocal seen
        while not stop.wait(LOOK_EVERY_S):
            now = watched.stamp()
            if now != seen:
                seen = now
                watched.build()

    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=watch, daemon=True).start()
    return server, watched, stop
