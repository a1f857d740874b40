"""A cheap HTTP/1.1 load generator, used where `wrk` is not installed.

Run as its own process (it shares the machine's cores with the server, so it must not share
the server's event loop or GIL):

    python bench/_http_loadgen.py --port 8000 --requests FILE --concurrency 50 --duration 5

FILE holds one request per line, `METHOD\\tPATH\\tX-Hub-Signature-256\\tJSON body` (the last two
may be empty; `wrk_requests.lua` reads the same file). Every request is built into its final
bytes before the clock starts; each of the `concurrency` keep-alive connections then sends one
request, reads the status line, headers and Content-Length body, and sends the next; no HTTP
library in the loop.
It stops after `duration` seconds or when every line was sent once (never twice: a repeated
webhook is a cheaper duplicate, not the load we mean to measure), and prints one JSON line
shaped like the wrk script's report.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import time
from collections.abc import Iterator

TIMEOUT_SECONDS = 10.0


def build_requests(host: str, port: int, lines: list[str]) -> list[bytes]:
    requests = []
    for line in lines:
        method, path, signature, body = line.rstrip("\n").split("\t", 3)
        head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        if signature:
            head += f"X-Hub-Signature-256: {signature}\r\n"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body.encode())}\r\n"
        requests.append((head + "\r\n" + body).encode())
    return requests


class Results:
    def __init__(self) -> None:
        self.latencies_us: list[int] = []
        self.errors = collections.Counter({"connect": 0, "read": 0, "status": 0, "timeout": 0})
        self.statuses: collections.Counter[int] = collections.Counter()


async def _connection(
    host: str, port: int, pending: Iterator[bytes], deadline: float, results: Results
) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    for request in pending:
        if time.perf_counter() >= deadline:
            break
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            assert reader is not None
            started = time.perf_counter()
            async with asyncio.timeout(TIMEOUT_SECONDS):
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = _content_length(head)
                await reader.readexactly(length)
            results.latencies_us.append(int((time.perf_counter() - started) * 1e6))
        except TimeoutError:
            results.errors["timeout"] += 1
            writer = _close(writer)
            continue
        except ConnectionRefusedError:
            results.errors["connect"] += 1
            writer = _close(writer)
            continue
        except (OSError, asyncio.IncompleteReadError, ValueError):
            results.errors["read"] += 1
            writer = _close(writer)
            continue
        status = int(head[9:12])
        results.statuses[status] += 1
        if not 200 <= status < 400:
            results.errors["status"] += 1
        if b"connection: close" in head.lower():
            writer = _close(writer)
    _close(writer)


def _content_length(head: bytes) -> int:
    lowered = head.lower()
    start = lowered.index(b"content-length:") + len(b"content-length:")
    return int(lowered[start : lowered.index(b"\r\n", start)])


def _close(writer: asyncio.StreamWriter | None) -> None:
    if writer is not None:
        writer.close()


def percentile(sorted_values: list[int], fraction: float) -> int:
    if not sorted_values:
        return 0
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


async def run(args: argparse.Namespace) -> dict[str, object]:
    with open(args.requests) as handle:
        requests = build_requests(args.host, args.port, handle.readlines())
    pending = iter(requests)  # one shared iterator: each request is sent by one connection
    results = Results()
    started = time.perf_counter()
    deadline = started + args.duration
    await asyncio.gather(
        *(
            _connection(args.host, args.port, pending, deadline, results)
            for _ in range(args.concurrency)
        )
    )
    elapsed = time.perf_counter() - started
    latencies = sorted(results.latencies_us)
    done = len(latencies)
    return {
        "requests": done,  # complete responses, whatever their status, as wrk counts them
        "duration_us": int(elapsed * 1e6),
        "errors": dict(results.errors),
        "statuses": {str(code): count for code, count in sorted(results.statuses.items())},
        "latency_us": {
            "p50": percentile(latencies, 0.50),
            "p95": percentile(latencies, 0.95),
            "p99": percentile(latencies, 0.99),
            "max": latencies[-1] if latencies else 0,
            "mean": round(sum(latencies) / done, 1) if done else 0.0,
        },
        "exhausted": next(pending, None) is None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--requests", required=True, help="file of pre-signed webhooks")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds")
    args = parser.parse_args()
    try:
        import uvloop  # the cheaper loop leaves more CPU to the server we measure
    except ImportError:
        loop_name = "asyncio"
        report = asyncio.run(run(args))
    else:
        loop_name = "uvloop"
        report = uvloop.run(run(args))
    report["loop"] = loop_name
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
