#!/usr/bin/env python3
"""Writes PublicAPI.Unshipped.txt for each packable project from the build's RS0016/RS0017 diagnostics.

Usage: python3 scripts/public-api-baseline.py [--shipped]
Builds the solution, collects every 'Symbol ... is not part of the declared public API' (RS0016) per project and
adds it to the project's PublicAPI.Unshipped.txt (or Shipped with --shipped); removes entries the build reports as
removed (RS0017). Review the diff: it is the change to the public surface.
"""
import collections, os, re, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
target = "PublicAPI.Shipped.txt" if "--shipped" in sys.argv else "PublicAPI.Unshipped.txt"
out = subprocess.run(["dotnet", "build", os.path.join(root, "CircuitBreaker.sln"), "-c", "Release", "--no-incremental",
                      "-p:TreatWarningsAsErrors=false", "-p:ContinuousIntegrationBuild=false"],
                     capture_output=True, text=True).stdout
added = collections.defaultdict(set)
removed = collections.defaultdict(set)
for line in out.splitlines():
    m = re.search(r"(RS001[67]): Symbol '(.*)' is (?:not part of the declared public API|part of the declared API, but is either not public or could not be found).*\[(.*\.csproj)\]", line)
    if not m:
        continue
    (added if m.group(1) == "RS0016" else removed)[os.path.dirname(m.group(3))].add(m.group(2))
for proj in sorted(set(added) | set(removed)):
    path = os.path.join(proj, target)
    lines = open(path).read().splitlines() if os.path.exists(path) else ["#nullable enable"]
    header = [l for l in lines if l.startswith("#")]
    body = set(l for l in lines if l and not l.startswith("#"))
    body |= added[proj]
    body -= removed[proj]
    with open(path, "w") as f:
        f.write("\n".join(header + sorted(body, key=lambda s: (s.lstrip("~"), s))) + "\n")
    print(f"{os.path.relpath(path, root)}: +{len(added[proj])} -{len(removed[proj])}")
