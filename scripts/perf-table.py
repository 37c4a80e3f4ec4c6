#!/usr/bin/env python3
"""Turns the latency harness JSON into the README's performance section (between the perf markers).

Usage: scripts/perf-table.py <harness.json> <command-used> [README.md]
Figures come only from the JSON: nothing here is typed by hand."""
import json, sys

OURS = {"pretrade_check": "circuitbreaker", "ring_1p1c": "ring", "ring_4p1c": "ring", "publish_to_trip": "ring"}

def main():
    data = json.load(open(sys.argv[1]))
    command = sys.argv[2]
    readme = sys.argv[3] if len(sys.argv) > 3 else "README.md"
    rows = data["results"]
    by = {(r["name"], r["impl"]): r for r in rows}
    out = []
    m = data["machine"]
    out.append(f"Measured with `{command}` on {m.get('cores')} cores ({m.get('cpu')}, {m.get('os')}), {data.get('runtime')}, "
               f"1-minute load average {m.get('load_avg_1m')} at start. This VM is small and shared: tails (p99.9, max) move a lot "
               "between runs; compare medians and ratios within one run.")
    out.append("")
    out.append("Ratios (other implementation's median / ours; above 1 means ours is faster; throughput: ours / theirs):")
    out.append("")
    out.append("| workload | vs | p50 ratio | p99 ratio | throughput ratio |")
    out.append("|---|---|---:|---:|---:|")
    for name, ours in OURS.items():
        o = by.get((name, ours))
        if not o: continue
        for (n, impl), r in by.items():
            if n != name or impl == ours: continue
            out.append(f"| {name} | {impl} | {r['p50_ns'] / max(o['p50_ns'], 1e-9):.2f} | {r['p99_ns'] / max(o['p99_ns'], 1e-9):.2f} | "
                       f"{o['ops_per_sec'] / max(r['ops_per_sec'], 1e-9):.2f} |")
    out.append("")
    out.append("Absolute figures (ns per operation; B/op and GCs over the timed part):")
    out.append("")
    out.append("| workload | impl | p50 | p99 | p99.9 | max | mean | M ops/s | B/op | GCs |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        out.append(f"| {r['name']} | {r['impl']} | {r['p50_ns']:,} | {r['p99_ns']:,} | {r['p999_ns']:,} | {r['max_ns']:,} | "
                   f"{r['mean_ns']:,.1f} | {r['ops_per_sec'] / 1e6:.2f} | {r['alloc_bytes_per_op']} | {r['gc_count']} |")
    table = "\n".join(out)
    text = open(readme).read()
    begin, end = "<!-- perf:begin -->", "<!-- perf:end -->"
    if begin not in text or end not in text:
        sys.exit(f"{readme} has no {begin} ... {end} section")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    open(readme, "w").write(head + begin + "\n" + table + "\n" + end + tail)
    print(table)

if __name__ == "__main__":
    main()
