#!/usr/bin/env bash
# The README's main job: the tabletop drill on the built-in scenarios with the default profile.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project src/CircuitBreaker.Cli -- drill "$@"
