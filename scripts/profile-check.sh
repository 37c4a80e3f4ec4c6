#!/usr/bin/env bash
# Samples the pre-trade check with perf while `--compare` runs one build against itself, keeping the perf map and
# the JIT's disassembly (with code bytes) of the named methods, then prints an instruction-level profile.
#
# usage: scripts/profile-check.sh [build dir] [method substring] [sw|mt] [seconds]
#   build dir: a Release output of benchmarks/CircuitBreaker.Benchmarks (default: its bin/Release/net10.0)
#   method:    e.g. "PreTradeGate::CheckNew", "OrderTable::TryInsert", "PreTradeGate::Reserve" (default CheckNew)
# Needs perf (cpu-clock sampling works in VMs without hardware counters). Output in /tmp/cb-profile/.
# Then: scripts/perf-annotate.py /tmp/cb-profile/perf.data /tmp/cb-profile/perf.map /tmp/cb-profile/jit.txt <method> [N] [--all]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../benchmarks/CircuitBreaker.Benchmarks/bin/Release/net10.0}"
method="${2:-PreTradeGate::CheckNew}"
mode="${3:-sw}"
seconds="${4:-8}"
out=/tmp/cb-profile
mkdir -p "$out"
rm -f "$out/jit.txt"
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 \
       DOTNET_JitDisasm="CheckNew CheckCancel Reserve TryInsert Find GetOrAdd *b__0*" \
       DOTNET_JitDisasmWithCodeBytes=1 DOTNET_JitStdOutFile="$out/jit.txt"
dotnet "$build/CircuitBreaker.Benchmarks.dll" --compare "$build" "$build" "$mode" $((seconds + 4)) > "$out/run.txt" 2>&1 &
pid=$!
sleep 4 # warm-up: tiered JIT reaches optimised code
perf record -F 5000 -e cpu-clock -p "$pid" -o "$out/perf.data" -- sleep "$seconds" > /dev/null 2>&1
wait "$pid"
cp "/tmp/perf-$pid.map" "$out/perf.map"
cat "$out/run.txt"
python3 "$here/perf-annotate.py" "$out/perf.data" "$out/perf.map" "$out/jit.txt" "$method" 25
