"""Web API calls per second through Python's slack_sdk.WebClient (for `vigil-bench webapi-python`).

chat.postMessage to one channel, sequentially and from N threads sharing one WebClient (the simulator's post rate
rule is off). Prints one JSON object on stdout. Environment: SLACK_BOT_TOKEN, SLACK_API_URL, BENCH_CHANNEL,
BENCH_CALLS (per mode), BENCH_THREADS.
"""

import json
import os
import threading
import time

from slack_sdk import WebClient


def percentile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 1))))
    return ordered[rank - 1]


def run(client, channel, calls, threads):
    latencies = []
    errors = [0]
    lock = threading.Lock()
    counter = [0]

    def worker():
        local = []
        local_errors = 0
        while True:
            with lock:
                if counter[0] >= calls:
                    break
                counter[0] += 1
                n = counter[0]
            start = time.perf_counter()
            try:
                client.chat_postMessage(channel=channel, text=f"bench message {n}")
            except Exception:  # noqa: BLE001 - counted, not raised
                local_errors += 1
            local.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(local)
            errors[0] += local_errors

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    seconds = time.perf_counter() - started
    return {
        "threads": threads,
        "calls": calls,
        "errors": errors[0],
        "seconds": seconds,
        "per_second": calls / seconds,
        "p50_ms": percentile(latencies, 0.50),
        "p99_ms": percentile(latencies, 0.99),
    }


def main():
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    channel = os.environ.get("BENCH_CHANNEL", "C0SIMOPS")
    calls = int(os.environ.get("BENCH_CALLS", "2000"))
    threads = int(os.environ.get("BENCH_THREADS", "8"))
    client.auth_test()
    results = [run(client, channel, calls, 1), run(client, channel, calls, threads)]
    print(json.dumps({"results": results}))


if __name__ == "__main__":
    main()
