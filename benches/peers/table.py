"""Turns the harness's results (one JSON line per client run, with its `round`) into the
markdown table run.sh prints and writes to target/peers/results.md.

    python3 table.py RESULTS.jsonl MACHINE.txt

Per client and mode: the median requests/s, the median CPU seconds per 1,000 requests and the
peak RSS over the rounds. Then the issue's pairs, as ratios taken round by round (the two ran
back to back in the same round) and their median: throughput (>1: instagraph faster) and CPU per
request (instagraph's over the peer's: <1, instagraph spends less). Then the stream line.
"""

import json
import statistics
import sys

ORDER = [
    "rust-bare",
    "rust-instagraph",
    "node-fetch",
    "node-instagraph",
    "node-fb-sdk",
    "node-fb-sdk-typed",
    "python-requests",
    "python-pyfacebook",
    "python-pyfacebook-typed",
    "python-instagraph",
]
MODES = ["seq", "c16"]
# Issue 14's goals, per (instagraph client, peer, mode): (throughput at least, CPU ratio at most).
GOALS = {
    ("rust-instagraph", "rust-bare", "seq"): (0.97, 1.05),
    ("rust-instagraph", "rust-bare", "c16"): (0.97, None),
    ("node-instagraph", "node-fetch", "seq"): (1.2, None),
    ("node-instagraph", "node-fetch", "c16"): (3.0, None),
    ("python-instagraph", "python-pyfacebook-typed", "seq"): (40.0, None),
    ("python-instagraph", "python-pyfacebook-typed", "c16"): (40.0, None),
}
# Issue 14's memory goal for streaming 100,000 media.
STREAM_RSS_GOAL_MB = 30
# (instagraph client, peer, label) as issue 14 lists them.
PAIRS = [
    ("rust-instagraph", "rust-bare", "instagraph Rust ÷ bare reqwest + serde"),
    ("node-instagraph", "node-fetch", "instagraph npm ÷ Node fetch + JSON.parse"),
    ("node-instagraph", "node-fb-sdk", "instagraph npm ÷ fb-sdk untyped `api.call`"),
    ("node-instagraph", "node-fb-sdk-typed", "instagraph npm ÷ fb-sdk typed `IGUser.getMedia`"),
    ("python-instagraph", "python-pyfacebook-typed", "instagraph Python ÷ pyfacebook typed"),
    ("python-instagraph", "python-pyfacebook", "instagraph Python ÷ pyfacebook dict"),
    ("python-instagraph", "python-requests", "instagraph Python ÷ requests"),
]


def rps(run):
    return run["requests"] / run["wall_s"]


def cpu_per_1000(run):
    return run["cpu_s"] / run["requests"] * 1000


def fmt(x, digits=0):
    return f"{x:,.{digits}f}"


def goal(wanted, speed, cpu):
    """The goal of a pair and whether the medians meet it, e.g. `≥ 0.97×, CPU ≤ 1.05×: no`."""
    if wanted is None:
        return ""
    at_least, cpu_at_most = wanted
    text = f"≥ {at_least:g}×"
    met = statistics.median(speed) >= at_least
    if cpu_at_most is not None:
        text += f", CPU ≤ {cpu_at_most:g}×"
        met = met and statistics.median(cpu) <= cpu_at_most
    return f"{text}: {'met' if met else 'not met'}"


def main(results_path, machine_path):
    runs = [json.loads(line) for line in open(results_path) if line.strip()]
    by = {}
    for run in runs:
        by.setdefault((run["client"], run["mode"]), []).append(run)
    out = []
    with open(machine_path) as machine:
        out.append(machine.read().rstrip())
    rounds = max((r.get("round", 0) for r in runs), default=0)
    out.append("")
    out.append(
        f"GET one media page (25 media, 13 fields, ~12 KB) from nginx on loopback; "
        f"{rounds} alternating rounds, medians."
    )
    out.append("")
    out.append("| client | mode | requests/s | CPU s per 1,000 requests | peak RSS MB | requests × rounds |")
    out.append("|---|---|---:|---:|---:|---|")
    for client in ORDER:
        for mode in MODES:
            got = by.get((client, mode))
            if not got:
                continue
            out.append(
                f"| {client} | {mode} | {fmt(statistics.median(map(rps, got)))} "
                f"| {fmt(statistics.median(map(cpu_per_1000, got)), 3)} "
                f"| {fmt(max(r['max_rss_kb'] for r in got) / 1024, 1)} "
                f"| {got[0]['requests']} × {len(got)} |"
            )
    pairs = []
    for ours, peer, label in PAIRS:
        for mode in MODES:
            mine = {r.get("round"): r for r in by.get((ours, mode), [])}
            theirs = {r.get("round"): r for r in by.get((peer, mode), [])}
            both = sorted(set(mine) & set(theirs), key=lambda x: (x is None, x))
            if not both:
                continue
            speed = [rps(mine[k]) / rps(theirs[k]) for k in both]
            cpu = [cpu_per_1000(mine[k]) / cpu_per_1000(theirs[k]) for k in both]
            pairs.append(
                f"| {label} | {mode} | {statistics.median(speed):.2f}× "
                f"({min(speed):.2f}–{max(speed):.2f}) "
                f"| {statistics.median(cpu):.2f}× ({min(cpu):.2f}–{max(cpu):.2f}) "
                f"| {goal(GOALS.get((ours, peer, mode)), speed, cpu)} | {len(both)} |"
            )
    if pairs:
        out.append("")
        out.append(
            "| pair | mode | throughput ratio (>1: instagraph faster) | CPU per request ratio "
            "(instagraph ÷ peer) | goal | rounds |"
        )
        out.append("|---|---|---:|---:|---|---|")
        out.extend(pairs)
    streams = by.get(("rust-instagraph", "stream"), [])
    if streams:
        s = streams[-1]
        rss = s["max_rss_kb"] / 1024
        met = "met" if rss < STREAM_RSS_GOAL_MB else "not met"
        out.append("")
        out.append(
            f"Stream: instagraph Rust `into_stream()` over {s['items']:,} media "
            f"({s['requests']:,} pages of 100 from nginx): peak RSS {rss:.1f} MB "
            f"(goal < {STREAM_RSS_GOAL_MB} MB: {met}), {s['wall_s']:.2f} s wall, "
            f"{s['cpu_s']:.2f} s CPU."
        )
    print("\n".join(out))


if __name__ == "__main__":
    main(*sys.argv[1:])
