#!/usr/bin/env bash
# Measures a floor: the pre-trade check with most controls cut out (a patch from scripts/floor/), against the full
# check of the same commit, both builds in one `--compare` process. It answers "how fast could the check be if only
# these parts remained?", which bounds what tuning the rest could ever win. The patched build never ships.
#
# usage: scripts/floor-check.sh <patch> [sw|mt|owned] [seconds]
#   e.g. scripts/floor-check.sh scripts/floor/validation-only.patch sw 15
# Builds HEAD (with uncommitted changes) and HEAD + patch into /tmp/cb-floor/{full,floor}; prints --compare's lines.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
patch="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
mode="${2:-sw}"
seconds="${3:-15}"
out=/tmp/cb-floor
rm -rf "$out" && mkdir -p "$out"
build() { # <source dir> <output name>
    dotnet build -c Release "$1/benchmarks/CircuitBreaker.Benchmarks" -o "$out/$2" > "$out/$2.log" 2>&1 \
        || { tail -20 "$out/$2.log"; exit 1; }
}
mkdir -p "$out/src-floor"
tar -C "$root" --exclude=bin --exclude=obj --exclude=.git --exclude=BenchmarkDotNet.Artifacts -cf - . | tar -C "$out/src-floor" -xf -
(cd "$out/src-floor" && patch -p1 --quiet < "$patch")
build "$root" full
build "$out/src-floor" floor
dotnet "$out/full/CircuitBreaker.Benchmarks.dll" --compare "$out/full" "$out/floor" "$mode" "$seconds" | tail -3
