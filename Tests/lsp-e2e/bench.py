#!/usr/bin/env python3
"""Latency of `accrue lsp` on a large generated rule file (the standard library only).

Usage: python3 Tests/lsp-e2e/bench.py ACCRUE [LINES] [ROUNDS]

Generates LINES lines of rules (accrue generate rules, seed 1; 100,000 by default) in a temporary folder, opens the
file, then ROUNDS times (5 by default) edits one line and measures the time from sending the change to receiving
its diagnostics (with the server's default debounce, and with none), and each feature's request on that file.
Prints the median and the worst of each, in milliseconds, from the request sent to its answer read (the client's
JSON decoding included), and the median of the server's own time (`accrue/stats`: from the message read to the
answer written; for diagnostics, the check and the publishing, without the debounce). Build with `swift build -c release` for the figures
docs/lsp.md reports.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

accrue = sys.argv[1]
lines = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5

folder = tempfile.mkdtemp(prefix="accrue-lsp-bench-")
path = os.path.join(folder, "big.accrue")
subprocess.run([accrue, "generate", "rules", "--lines", str(lines), "-o", path], check=True)
text = open(path).read()
uri = "file://" + path
rows = text.split("\n")


class Client:
    def __init__(self, debounce):
        self.p = subprocess.Popen([accrue, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next = 0
        self.notes = []
        self.request("initialize", {"processId": None, "rootUri": "file://" + folder, "capabilities": {},
                                    "initializationOptions": {"debounceMilliseconds": debounce, "testLenses": False}})
        self.notify("initialized", {})

    def send(self, m):
        b = json.dumps(m).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b)
        self.p.stdin.flush()

    def read(self):
        n = None
        while True:
            line = self.p.stdout.readline()
            if line in (b"\r\n", b""):
                break
            if line.lower().startswith(b"content-length:"):
                n = int(line.split(b":")[1])
        return json.loads(self.p.stdout.read(n))

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.next += 1
        self.send({"jsonrpc": "2.0", "id": self.next, "method": method, "params": params})
        while True:
            m = self.read()
            if m.get("id") == self.next and "method" not in m:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m["result"]

    def diagnostics(self, version):
        while True:
            m = self.read()
            p = m.get("params") or {}
            if m.get("method") == "textDocument/publishDiagnostics" and p.get("uri") == uri and p.get("version") == version:
                return p["diagnostics"]

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.p.wait(timeout=10)


def ms(t0):
    return (time.perf_counter() - t0) * 1000


def find(needle, start=0):
    for i in range(start, len(rows)):
        if needle in rows[i]:
            return i, rows[i].index(needle)
    raise SystemExit(f"{needle!r} not found")


def report(name, samples, inside=None):
    line = f"{name:34} median {statistics.median(samples):8.1f} ms   worst {max(samples):8.1f} ms"
    if inside:
        line += f"   (in the server: median {statistics.median(inside):7.1f} ms)"
    print(line)


def run(debounce, features):
    c = Client(debounce)
    t0 = time.perf_counter()
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "accrue", "version": 1, "text": text}})
    c.diagnostics(1)
    print(f"-- debounce {debounce} ms: open and first diagnostics {ms(t0):.1f} ms")
    # The edit: a plan's seat price in the middle of the file, changed back and forth.
    mid = len(rows) // 2
    line, col = find("per unit", mid)
    old = rows[line][col:]
    edit = []
    inside = []
    for r in range(rounds):
        new = old.replace("USD", "EUR") if r % 2 == 0 else old
        prev = old if r % 2 == 0 else old.replace("USD", "EUR")
        t0 = time.perf_counter()
        c.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": r + 2},
            "contentChanges": [{"range": {"start": {"line": line, "character": col},
                                          "end": {"line": line, "character": col + len(prev)}}, "text": new}]})
        d = c.diagnostics(r + 2)
        edit.append(ms(t0))
        inside.append(float(c.request("accrue/stats", None)["diagnostics"]))
        assert (len(d) > 0) == (r % 2 == 0), d
    report("diagnostics after a one-line edit", edit, inside)
    if not features:
        c.close()
        return
    doc = {"uri": uri}
    uline, ucol = find("usage api_calls_", mid)
    at = {"textDocument": doc, "position": {"line": uline, "character": ucol + 8}}
    qline, qcol = find("quantity contract.seats", mid)
    dot = {"textDocument": doc, "position": {"line": qline, "character": qcol + len("quantity contract.")}}
    pline, pcol = find("plan plan_", mid)
    plan = {"textDocument": doc, "position": {"line": pline, "character": pcol + 6}}
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": len(rows), "character": 0}}
    requests = [
        ("hover (a metric)", "textDocument/hover", at),
        ("hover (a plan's charges)", "textDocument/hover", plan),
        ("definition", "textDocument/definition", at),
        ("references", "textDocument/references", {**at, "context": {"includeDeclaration": True}}),
        ("rename", "textDocument/rename", {**at, "newName": "renamed_metric"}),
        ("completion (record fields)", "textDocument/completion", dot),
        ("completion (names in scope)", "textDocument/completion", {**dot, "position": {"line": qline, "character": qcol + 9}}),
        ("document symbols", "textDocument/documentSymbol", {"textDocument": doc}),
        ("formatting", "textDocument/formatting", {"textDocument": doc, "options": {"tabSize": 2, "insertSpaces": True}}),
        ("code actions", "textDocument/codeAction", {"textDocument": doc, "range": whole, "context": {"diagnostics": []}}),
        ("semantic tokens", "textDocument/semanticTokens/full", {"textDocument": doc}),
        ("folding ranges", "textDocument/foldingRange", {"textDocument": doc}),
        ("code lens", "textDocument/codeLens", {"textDocument": doc}),
    ]
    for name, method, params in requests:
        samples = []
        inside = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            c.request(method, params)
            samples.append(ms(t0))
            inside.append(float(c.request("accrue/stats", None)[method]))
        report(name, samples, inside)
    c.close()


print(f"{len(rows) - 1} lines, {len(text.encode())} bytes; {rounds} rounds each")
try:
    run(25, True)
    run(0, False)
finally:
    shutil.rmtree(folder, ignore_errors=True)
