"""`geo serve`: the maps on localhost, rebuilt whenever a layer or recipe changes."""

import sys

NAME = "serve"
HELP = (
    "Build, serve the output on http://127.0.0.1:PORT/ (this machine only), and build again whenever a layer or "
    "recipe changes: the open page reloads, and a failed build's error shows in the terminal and on the page."
)
EXAMPLE = "geo serve --port 8000"
OPTIONS = ("layers", "maps", "out", "port")


def run(args) -> int:
    from pathlib import Path

    from geo.serve import start

    server, _, stop = start(Path(args.layers), Path(args.maps), Path(args.out), args.port)
    print(f"serving {args.out} on http://127.0.0.1:{args.port}/ (ctrl-c stops)", file=sys.stderr, flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.shutdown()
    return 0
