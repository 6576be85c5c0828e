#!/usr/bin/env python3
"""replay_server.py - a local HTTP server that answers like a beacon node by
replaying recorded Beacon-API responses, with fault injection for tests.

Usage:
  replay_server.py --dir DIR [--port N] [--port-file F] [--log F]
                   [--fault PATH=KIND]...

DIR/routes.json lists the recorded responses:

  {"routes": [
     {"method": "GET", "paths": ["/eth/v1/beacon/headers/head", ...],
      "file": "header.json", "status": 200,
      "headers": {"Content-Type": "application/json"}},
     {"method": "GET", "paths": ["/eth/v2/debug/beacon/states/head"],
      "accept": "application/octet-stream", "file": "state.ssz",
      "headers": {"Content-Type": "application/octet-stream",
                  "Eth-Consensus-Version": "deneb"}},
     {"method": "POST", "paths": ["/eth/v1/beacon/states/head/validators"],
      "validators_file": "validators.json"}
  ]}

A route with "accept" only answers requests whose Accept header names that
type (a node serving the debug state answers JSON or SSZ by Accept). A
"validators_file" route answers POST .../validators by filtering the recorded
list with the request body's "ids" (decimal index or 0x pubkey) and
"statuses" (exact labels or the groups active/pending/exited/withdrawal), as
a beacon node does. Unknown paths get 404 with a Beacon-API error body.

Faults (PATH is an exact request path or "*" for every path):
  500 / 503 / status:CODE   answer with that HTTP status and an error body
  truncate[:N]              declare the full Content-Length, send N bytes
                            (default: half) and close the connection
  slow:SECONDS              wait before answering
  malformed                 replace the body with broken JSON
  reset                     close the connection without answering
  no-version                drop the Eth-Consensus-Version header
  as-json                   serve the body with Content-Type application/json

Binds 127.0.0.1 on the given port (default 0: a free port chosen by the
kernel) and prints "replay_server: listening on 127.0.0.1:PORT" on stdout.
Each request is logged as one line: METHOD PATH accept=... -> STATUS [fault].
Python 3 standard library only.
"""
import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATUS_GROUPS = {
    "active": ("active_ongoing", "active_exiting", "active_slashed"),
    "pending": ("pending_initialized", "pending_queued"),
    "exited": ("exited_unslashed", "exited_slashed"),
    "withdrawal": ("withdrawal_possible", "withdrawal_done"),
}


def load_routes(directory):
    with open(os.path.join(directory, "routes.json"), encoding="utf-8") as f:
        spec = json.load(f)
    routes = []
    for i, r in enumerate(spec.get("routes", [])):
        paths = r.get("paths") or ([r["path"]] if "path" in r else [])
        if not paths:
            raise SystemExit(f"routes.json: route {i} has no path")
        route = {
            "method": r.get("method", "GET").upper(),
            "paths": set(paths),
            "accept": r.get("accept"),
            "status": int(r.get("status", 200)),
            "headers": dict(r.get("headers", {})),
            "file": None,
            "validators": None,
        }
        if "file" in r:
            route["file"] = os.path.join(directory, r["file"])
            if not os.path.isfile(route["file"]):
                raise SystemExit(f"routes.json: route {i}: missing file {r['file']}")
        if "validators_file" in r:
            with open(os.path.join(directory, r["validators_file"]), encoding="utf-8") as f:
                route["validators"] = json.load(f)
            route["headers"].setdefault("Content-Type", "application/json")
        routes.append(route)
    return routes


def parse_faults(items):
    faults = {}
    for item in items:
        path, sep, kind = item.partition("=")
        if not sep or not path or not kind:
            raise SystemExit(f"--fault {item!r}: expected PATH=KIND")
        faults[path] = kind
    return faults


def error_body(code, message):
    return json.dumps({"code": code, "message": message}).encode()


def filter_validators(recorded, request):
    ids = request.get("ids") or []
    statuses = request.get("statuses") or []
    if not isinstance(ids, list) or not isinstance(statuses, list):
        raise ValueError("ids and statuses must be arrays")
    wanted = set()
    for s in statuses:
        wanted.update(STATUS_GROUPS.get(s, (s,)))
    by_index = {v["index"]: v for v in recorded["data"]}
    by_key = {v["validator"]["pubkey"].lower(): v for v in recorded["data"]}
    if ids:
        chosen = []
        for i in ids:
            v = by_key.get(str(i).lower()) if str(i).startswith("0x") else by_index.get(str(i))
            if v is not None:  # unknown ids are skipped silently, like a node
                chosen.append(v)
    else:
        chosen = list(recorded["data"])
    if wanted:
        chosen = [v for v in chosen if v["status"] in wanted]
    out = {k: recorded[k] for k in recorded if k != "data"}
    out["data"] = chosen
    return json.dumps(out).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "replay-beacon/1"

    def log_message(self, fmt, *args):  # requests are logged by log_request_line
        pass

    def log_request_line(self, status, fault):
        accept = self.headers.get("Accept", "-")
        line = f"{self.command} {self.path} accept={accept} -> {status}"
        if fault:
            line += f" [{fault}]"
        with self.server.log_lock:
            self.server.log.write(line + "\n")
            self.server.log.flush()

    def find_route(self, path):
        accept = self.headers.get("Accept", "")
        candidates = [r for r in self.server.routes
                      if r["method"] == self.command and path in r["paths"]]
        if not candidates:
            return None, 404
        for r in candidates:
            if r["accept"] is None or r["accept"] in accept:
                return r, 200
        return None, 406

    def send(self, status, headers, body, fault, truncate_to=None):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        if truncate_to is not None:
            self.send_header("Connection", "close")
        self.end_headers()
        if truncate_to is None:
            self.wfile.write(body)
        else:
            self.wfile.write(body[:truncate_to])
            self.wfile.flush()
            self.close_connection = True
        self.log_request_line(status, fault)

    def handle_any(self):
        path = self.path.split("?", 1)[0]
        length = int(self.headers.get("Content-Length", "0") or "0")
        req_body = self.rfile.read(length) if length > 0 else b""
        fault = self.server.faults.get(path) or self.server.faults.get("*")
        if fault and fault.startswith("slow:"):
            time.sleep(float(fault.split(":", 1)[1]))
        if fault == "reset":
            self.log_request_line("reset", fault)
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if fault in ("500", "503") or (fault or "").startswith("status:"):
            code = int(fault.split(":", 1)[1]) if ":" in fault else int(fault)
            self.send(code, {"Content-Type": "application/json"},
                      error_body(code, "injected fault"), fault)
            return

        route, code = self.find_route(path)
        if route is None:
            msg = "NOT_FOUND: no recorded response" if code == 404 else \
                "NOT_ACCEPTABLE: no recorded response for this Accept header"
            self.send(code, {"Content-Type": "application/json"}, error_body(code, msg), fault)
            return
        headers = dict(route["headers"])
        if route["validators"] is not None:
            try:
                body = filter_validators(route["validators"],
                                         json.loads(req_body or b"{}"))
            except (ValueError, KeyError, AttributeError) as e:
                self.send(400, {"Content-Type": "application/json"},
                          error_body(400, f"BAD_REQUEST: {e}"), fault)
                return
        else:
            with open(route["file"], "rb") as f:
                body = f.read()
        truncate_to = None
        if fault == "malformed":
            body = body[: max(1, len(body) // 2)] + b"{]"
        elif fault == "no-version":
            headers.pop("Eth-Consensus-Version", None)
        elif fault == "as-json":
            headers["Content-Type"] = "application/json"
        elif fault and fault.startswith("truncate"):
            truncate_to = int(fault.split(":", 1)[1]) if ":" in fault else len(body) // 2
        self.send(route["status"], headers, body, fault, truncate_to)

    do_GET = handle_any
    do_POST = handle_any


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", required=True, help="recording directory with routes.json")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", help="write the bound port to this file")
    ap.add_argument("--log", help="append one line per request (default: stderr)")
    ap.add_argument("--fault", action="append", default=[], metavar="PATH=KIND")
    a = ap.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    server.daemon_threads = True
    server.routes = load_routes(a.dir)
    server.faults = parse_faults(a.fault)
    server.log = open(a.log, "a", encoding="utf-8") if a.log else sys.stderr
    server.log_lock = threading.Lock()
    port = server.server_address[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(f"{port}\n")
        os.replace(tmp, a.port_file)  # readers never see a half-written port
    print(f"replay_server: listening on 127.0.0.1:{port}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    server.server_close()


if __name__ == "__main__":
    main()
