#!/usr/bin/env python3
"""Instruction-level profile of JIT-compiled .NET code from `perf record` samples.

perf cannot annotate JIT code by itself: it has no code bytes. This joins three things the runtime can give:
  * the perf map (DOTNET_PerfMapEnabled=1 writes /tmp/perf-<pid>.map: start, size, name of each compiled method),
  * the JIT's own disassembly with code bytes (DOTNET_JitDisasm=<methods>, DOTNET_JitDisasmWithCodeBytes=1,
    DOTNET_JitStdOutFile=<file>), from which each instruction's offset in its method is summed,
  * the sampled instruction pointers (`perf script -F ip`).

usage: perf-annotate.py <perf.data> <perf-PID.map> <jit.txt> <method substring> [top N] [--all]
Prints the share of samples per method, then for the method's optimised (Tier1) listing the N hottest instructions
(or the whole listing with --all). Samples land on the instruction AFTER a stalled one (skid): read a hot line as
"the instruction before this one waited" (a load that missed, a division, a full store buffer).
See docs/performance.md ("Where the time goes") and scripts/profile-check.sh.
"""
import bisect
import collections
import re
import subprocess
import sys


def main(argv):
    args = [a for a in argv if not a.startswith('--')]
    if len(args) < 4:
        print(__doc__)
        return 2
    data, map_file, jit_file, method = args[:4]
    top = int(args[4]) if len(args) > 4 else 30
    show_all = '--all' in argv

    symbols = []
    for line in open(map_file):
        parts = line.split(' ', 2)
        if len(parts) == 3:
            symbols.append((int(parts[0], 16), int(parts[1], 16), parts[2].strip()))
    symbols.sort()
    starts = [s[0] for s in symbols]

    ips = subprocess.run(['perf', 'script', '-i', data, '-F', 'ip'], capture_output=True, text=True, check=True).stdout.split()
    by_method = collections.Counter()
    by_offset = collections.Counter()
    for ip in ips:
        address = int(ip, 16)
        i = bisect.bisect_right(starts, address) - 1
        if i < 0 or address >= symbols[i][0] + symbols[i][1]:
            continue
        start, _, name = symbols[i]
        by_method[name] += 1
        if method in name and 'Tier1' in name:
            by_offset[address - start] += 1
    total = max(len(ips), 1)
    print(f'samples: {len(ips)}')
    for name, n in by_method.most_common(12):
        print(f'{100 * n / total:6.2f}%  {name[:150]}')

    short = method.split('::')[-1].split('(')[0]
    listings = open(jit_file).read().split('; Assembly listing for method ')
    candidates = [l for l in listings
                  if short in l.split('\n')[0] and 'Tier1' in l.split('\n')[0] and 'Instrumented' not in l.split('\n')[0]]
    candidates = [l for l in candidates if 'PlainSync' in l.split('\n')[0]] or candidates
    if not candidates:
        print(f'no optimised listing of {method} in {jit_file} (is it in DOTNET_JitDisasm?)')
        return 1
    body = candidates[-1]
    print(f"\nlisting: {body.split(chr(10))[0]}")
    rows, offset = [], 0
    for line in body.split('\n'):
        m = re.match(r'^\s{7}([0-9A-F]+)\s+(.*)$', line)
        if m and len(m.group(1)) % 2 == 0:
            size = len(m.group(1)) // 2
            rows.append((offset, size, m.group(2).strip()))
            offset += size
        elif line.startswith('G_M'):
            rows.append((None, 0, line.strip()))
    in_method = max(sum(by_offset.values()), 1)
    print(f'method samples: {sum(by_offset.values())} ({100 * sum(by_offset.values()) / total:.1f}% of all)')
    scored = []
    for off, size, text in rows:
        if off is None:
            if show_all:
                print(f'{"":16}{text[:100]}')
            continue
        n = sum(by_offset[x] for x in range(off, off + size))
        scored.append((n, off, text))
        if show_all:
            print(f'{100 * n / in_method:6.1f}% {off:5x}  {text[:110]}')
    if not show_all:
        for n, off, text in sorted(scored, reverse=True)[:top]:
            print(f'{100 * n / in_method:6.1f}% {off:5x}  {text[:120]}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
