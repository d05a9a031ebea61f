#!/usr/bin/env python3
"""Start-up, idle RSS and the cost of the first streams, one JVM flag set at a time (bench/footprint.sh runs this).

For every configuration, interleaved over the rounds so that the load of a shared machine hits all of them alike:
  start-up   exec -> first HTTP 200 on GET /api/version (a fresh TCP connection every 5 ms), and the CPU time the
             process had used by then (the figure a loaded machine disturbs least)
  idle RSS   VmRSS after GET /, /api/tags, one /api/chat and one /v1/chat/completions, then a 2 s pause
  cold CPU   proxy CPU (utime+stime of every thread) per 1,000 chunks over the first STREAMS concurrent /api/chat
             streams after start-up; "jit" is the part of it spent in the JIT compiler threads
  warm CPU   the same over the last of WARM_BATCHES more batches
  peak RSS   VmHWM at the end; after RSS: VmRSS 2 s after the last batch
Prints one table (median and min-max per figure) and writes the raw samples as JSON next to it.
Everything binds to 127.0.0.1; every process it starts is stopped by its id.
"""
import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

CLK = os.sysconf("SC_CLK_TCK")
MODEL = "qwen/qwen3-4b"


def proc_status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    """(all threads, JIT compiler threads) CPU seconds of a live process."""
    total = jit = 0.0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except FileNotFoundError:
            continue  # the thread ended between listing and reading: its time is in the process's own stat
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        t = (int(fields[11]) + int(fields[12])) / CLK
        if "CompilerThre" in name or name.startswith("C1 ") or name.startswith("C2 "):
            jit += t
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    total = (int(fields[11]) + int(fields[12])) / CLK
    return total, jit


def http(port, method, path, body=None, timeout=10.0):
    """One request on a fresh connection; returns (status, body bytes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        data = body.encode() if body else b""
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        s.sendall(head.encode() + b"\r\n" + data)
        chunks = []
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
    raw = b"".join(chunks)
    status = int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/") else 0
    return status, raw


def chat(stream):
    return json.dumps({"model": MODEL, "stream": stream, "messages": [{"role": "user", "content": "Say something."}]})


async def one_stream(port, tokens):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    data = chat(True).encode()
    writer.write(f"POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
                 f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    # Chunked NDJSON: one content line per token, then the final done:true line.
    content = raw.count(b'"done":false')
    ok = raw.startswith(b"HTTP/1.1 200") and content == tokens and b'"done":true' in raw
    return ok, content


async def batch(port, streams, tokens):
    results = await asyncio.gather(*(one_stream(port, tokens) for _ in range(streams)), return_exceptions=True)
    good = [r for r in results if not isinstance(r, BaseException) and r[0]]
    return len(good), sum(r[1] for r in good)


def start(cmd, env, log):
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(10)


def java_pid(p):
    """The launcher execs java, so the process id stays the same; a wrapper that forks would be found here."""
    return p.pid


def run_once(cfg, args, log):
    env = dict(os.environ)
    env.update(cfg.get("env", {}))
    t0 = time.monotonic_ns()
    p = start(cfg["cmd"] + ["--backend", args.backend, "--listen", f"127.0.0.1:{args.port}"], env, log)
    try:
        startup = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and p.poll() is None:
            try:
                if http(args.port, "GET", "/api/version", timeout=2)[0] == 200:
                    startup = (time.monotonic_ns() - t0) / 1e6
                    startup_cpu = cpu_seconds(p.pid)[0] * 1000
                    break
            except OSError:
                pass
            time.sleep(0.005)
        if startup is None:
            raise RuntimeError(f"{cfg['label']}: no 200 within 60 s (exit {p.poll()}); see {log.name}")
        pid = java_pid(p)
        rss_start = proc_status(pid, "VmRSS")
        for method, path, body in (("GET", "/", None), ("GET", "/api/tags", None), ("POST", "/api/chat", chat(False)),
                                   ("POST", "/v1/chat/completions", chat(False))):
            status, _ = http(args.port, method, path, body)
            if status != 200:
                raise RuntimeError(f"{cfg['label']}: {method} {path} answered {status}")
        time.sleep(2)
        idle = proc_status(pid, "VmRSS")
        figures = {"startup_ms": round(startup, 1), "startup_cpu_ms": round(startup_cpu),
                   "rss_at_start_mb": round(rss_start / 1024, 1),
                   "idle_rss_mb": round(idle / 1024, 1)}
        if args.streams > 0:
            def measured_batch():
                c0, j0 = cpu_seconds(pid)
                good, chunks = asyncio.run(batch(args.port, args.streams, args.tokens))
                c1, j1 = cpu_seconds(pid)
                if good != args.streams:
                    raise RuntimeError(f"{cfg['label']}: {args.streams - good} of {args.streams} streams failed")
                return (c1 - c0) * 1000 / (chunks / 1000), (j1 - j0) * 1000 / (chunks / 1000)
            cold, cold_jit = measured_batch()
            warm = warm_jit = None
            for _ in range(args.warm_batches):
                warm, warm_jit = measured_batch()
            time.sleep(2)
            figures.update({"cold_ms_per_1k_chunks": round(cold, 1), "cold_jit_ms_per_1k_chunks": round(cold_jit, 1),
                            "warm_ms_per_1k_chunks": round(warm, 1), "warm_jit_ms_per_1k_chunks": round(warm_jit, 1),
                            "cold_over_warm": round(cold / warm, 2) if warm else None,
                            "peak_rss_mb": round(proc_status(pid, "VmHWM") / 1024, 1),
                            "after_rss_mb": round(proc_status(pid, "VmRSS") / 1024, 1),
                            "threads": proc_status(pid, "Threads")})
        return figures
    finally:
        stop(p)


def fmt(values):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    med = statistics.median(values)
    lo, hi = min(values), max(values)
    digits = 0 if med >= 100 else 1
    return f"{med:.{digits}f} ({lo:.{digits}f}–{hi:.{digits}f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", required=True, help="JSON file: [{label, cmd: [...], env: {...}}]")
    ap.add_argument("--backend", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--streams", type=int, default=200)
    ap.add_argument("--tokens", type=int, default=50)
    ap.add_argument("--warm-batches", type=int, default=5)
    ap.add_argument("--out", required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    with open(args.configs) as f:
        configs = json.load(f)
    samples = {c["label"]: [] for c in configs}
    load = [os.getloadavg()]
    with open(args.log, "ab") as log:
        for r in range(args.rounds):
            for c in configs:
                figures = run_once(c, args, log)
                samples[c["label"]].append(figures)
                print(f"round {r + 1} {c['label']}: {figures}", file=sys.stderr, flush=True)
            load.append(os.getloadavg())
    keys = ["startup_ms", "startup_cpu_ms", "idle_rss_mb", "peak_rss_mb", "after_rss_mb", "cold_ms_per_1k_chunks",
            "cold_jit_ms_per_1k_chunks", "warm_ms_per_1k_chunks", "cold_over_warm", "threads"]
    heads = ["start-up ms", "start-up CPU ms", "idle RSS MB", "peak RSS MB", "RSS after MB", "cold CPU ms/1k chunks",
             "of it JIT", "warm CPU ms/1k chunks", "cold/warm", "threads"]
    print("| configuration | " + " | ".join(heads) + " |")
    print("|---|" + "---|" * len(heads))
    for c in configs:
        s = samples[c["label"]]
        print(f"| {c['label']} | " + " | ".join(fmt([x.get(k) for x in s]) for k in keys) + " |")
    print(f"\nmedian (min–max) of {args.rounds} interleaved rounds; load average 1/5/15 min before and after each "
          f"round: " + "; ".join(" ".join(f"{v:.1f}" for v in l) for l in load))
    with open(args.out, "w") as f:
        json.dump({"configs": configs, "samples": samples, "loadavg": load}, f, indent=1)


if __name__ == "__main__":
    main()
