#!/usr/bin/env bash
# How a user meets us: pack the packages, create a fresh console project that references CircuitBreaker from the
# local package folder, copy in the QuickStart program, build and run it. Exits non-zero if any step fails or the
# quick start does not show the fat-finger rejection and the halt.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet pack "$root/src/CircuitBreaker/CircuitBreaker.csproj" -c Release -o "$work/packages" --nologo -v q
version=$(ls "$work/packages" | sed -n 's/^CircuitBreaker\.\([0-9][0-9.]*\)\.nupkg$/\1/p' | head -n 1)
# The package says where it was built from: git repository metadata with this commit, and the origin's URL when the
# clone has a public (http/https/ssh) origin; a license expression, a readme and embedded symbols.
nuspec=$(python3 -c "import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read('CircuitBreaker.nuspec').decode('utf-8-sig'))" "$work/packages/CircuitBreaker.$version.nupkg")
commit=$(git -C "$root" rev-parse HEAD)
echo "$nuspec" | grep -q "<repository type=\"git\".*commit=\"$commit\"" || { echo "nuspec lacks git repository metadata for $commit"; exit 1; }
origin=$(git -C "$root" remote get-url origin 2>/dev/null || true)
if [[ "$origin" =~ ^(https?|ssh):// || "$origin" =~ ^git@ ]]; then
  echo "$nuspec" | grep -q "<repository type=\"git\" url=" || { echo "nuspec lacks the repository URL of origin $origin"; exit 1; }
fi
echo "$nuspec" | grep -q "<license type=\"expression\">MIT</license>" || { echo "nuspec lacks the license expression"; exit 1; }
echo "$nuspec" | grep -q "<readme>README.md</readme>" || { echo "nuspec lacks the readme"; exit 1; }
# The gallery shows the packed README: no relative link (they break there); absolute to the repository or dropped.
python3 -c "import re, sys, zipfile; t = zipfile.ZipFile(sys.argv[1]).read('README.md').decode('utf-8-sig'); bad = re.findall(r'\]\((?!https?:|#|mailto:)[^)]*\)', t); print(*bad[:3]); sys.exit(1 if bad else 0)" \
  "$work/packages/CircuitBreaker.$version.nupkg" || { echo "the packed README has relative links"; exit 1; }
# Consumers restore into their own package folder: the machine's global folder may hold an older build of this same
# version (every local build is 0.1.0), which would hide what this commit packed.
export_pkgs="$work/nuget-packages"
mkdir "$work/consumer" && cd "$work/consumer"
cat > nuget.config <<CFG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local-packages" value="$work/packages" />
  </packageSources>
</configuration>
CFG
# consumer_project <file.csproj> <Include=Version>...: an executable project with warnings as errors and these packages.
consumer_project() {
  local file=$1; shift
  {
    printf '<Project Sdk="Microsoft.NET.Sdk">\n  <PropertyGroup>\n    <OutputType>Exe</OutputType>\n'
    printf '    <TargetFramework>net10.0</TargetFramework>\n    <Nullable>enable</Nullable>\n'
    printf '    <ImplicitUsings>enable</ImplicitUsings>\n    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>\n'
    printf '  </PropertyGroup>\n  <ItemGroup>\n'
    for ref in "$@"; do printf '    <PackageReference Include="%s" Version="%s" />\n' "${ref%%=*}" "${ref#*=}"; done
    printf '  </ItemGroup>\n</Project>\n'
  } > "$file"
}
consumer_project Consumer.csproj "CircuitBreaker=$version"
cp "$root/samples/QuickStart/Program.cs" Program.cs
NUGET_PACKAGES="$export_pkgs" dotnet run -c Release --nologo > out.txt || { cat out.txt; echo "the quick-start consumer did not build or run"; exit 1; }
cat out.txt
grep -q "fat finger: buy 500 @ 64000        -> REJECTED MaxOrderQuantity" out.txt
grep -q "after halt: buy 0.25 @ 64000       -> REJECTED Halted" out.txt

# Metrics by default: a generic host that calls AddCircuitBreaker and configures OpenTelemetry to listen to the meter
# (AddMeter, as for any library) exports the breaker's instruments; the consumer writes no metrics code of ours.
dotnet pack "$root/src/CircuitBreaker.Extensions.Hosting/CircuitBreaker.Extensions.Hosting.csproj" -c Release -o "$work/packages" --nologo -v q
mkdir "$work/host" && cp nuget.config "$work/host/" && pushd "$work/host" > /dev/null
consumer_project HostConsumer.csproj "CircuitBreaker.Extensions.Hosting=$version" "Microsoft.Extensions.Hosting=10.0.14" \
  "OpenTelemetry.Extensions.Hosting=1.20.1" "OpenTelemetry.Exporter.InMemory=1.20.1"
cat > Program.cs <<'CS'
using CircuitBreaker;
using CircuitBreaker.Extensions.Hosting;
using CircuitBreaker.Limits;
using CircuitBreaker.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

var exported = new List<Metric>();
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddCircuitBreaker(b => b
    .Instrument("BTC-PERP", InstrumentKind.Perpetual, 0.1, 0.001, underlying: "BTC",
        limits: new InstrumentLimits { MaxOrderQuantity = 5, MissingReference = MissingReferencePolicy.Allow })
    .Account("mm-1"));
builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter("CircuitBreaker").AddInMemoryExporter(exported));
using var host = builder.Build();
await host.StartAsync();
var pipeline = host.Services.GetRequiredService<RiskPipeline>();
var registry = host.Services.GetRequiredService<Breaker>().Registry;
if (!registry.TryGetInstrument("BTC-PERP", out var btc) || !registry.TryGetAccount("mm-1", out var mm)) return 1;
pipeline.CheckAndPublish(new OrderRequest(1, btc, mm, 1, Side.Buy, 64_000.0, 0.25));
pipeline.CheckAndPublish(new OrderRequest(2, btc, mm, 2, Side.Buy, 64_000.0, 500));
await host.StopAsync();
host.Services.GetRequiredService<MeterProvider>().ForceFlush();
foreach (var metric in exported)
    foreach (ref readonly var point in metric.GetMetricPoints())
    {
        string tags = "";
        foreach (var tag in point.Tags) tags += $"|{tag.Key}={tag.Value}";
        string value = metric.MetricType switch
        {
            MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong().ToString(),
            MetricType.LongGauge => point.GetGaugeLastValueLong().ToString(),
            MetricType.Histogram => point.GetHistogramCount().ToString(),
            _ => "?",
        };
        Console.WriteLine($"metric {metric.Name}{tags} {value}");
    }
return 0;
CS
NUGET_PACKAGES="$export_pkgs" dotnet run -c Release --nologo > metrics.txt || { cat metrics.txt; echo "the generic-host consumer did not build or run"; exit 1; }
sort -u metrics.txt
grep -q "^metric circuit_breaker.checks 2$" metrics.txt || { echo "OpenTelemetry did not export circuit_breaker.checks = 2"; exit 1; }
grep -q "^metric circuit_breaker.rejections|circuit_breaker.reason=MaxOrderQuantity 1$" metrics.txt || { echo "OpenTelemetry did not export the rejection by reason"; exit 1; }
grep -q "^metric circuit_breaker.events.evaluated 2$" metrics.txt || { echo "OpenTelemetry did not export circuit_breaker.events.evaluated = 2"; exit 1; }
popd > /dev/null

# The tool from the same local folder: it carries the tape format, installs as a .NET tool, and answers --version,
# --help per command, and misuse with exit 2.
dotnet pack "$root/src/CircuitBreaker.Cli/CircuitBreaker.Cli.csproj" -c Release -o "$work/packages" --nologo -v q
python3 -c "import sys, zipfile; names = zipfile.ZipFile(sys.argv[1]).namelist(); sys.exit(0 if 'docs/tape-format.md' in names else 1)" \
  "$work/packages/circuit-breaker.$version.nupkg" || { echo "the tool package lacks docs/tape-format.md"; exit 1; }
# Only the local folder: the tool package carries its dependencies, and no other package of that name may win.
cat > tool-nuget.config <<CFG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local-packages" value="$work/packages" />
  </packageSources>
</configuration>
CFG
NUGET_PACKAGES="$export_pkgs" dotnet tool install circuit-breaker --version "$version" --tool-path "$work/tools" --configfile tool-nuget.config > /dev/null
"$work/tools/circuit-breaker" --version | grep -q "^$version+$commit" || { echo "circuit-breaker --version does not print $version+$commit"; exit 1; }
"$work/tools/circuit-breaker" replay --help | grep -q "circuit-breaker replay <tape> \[options\]" || { echo "replay --help shows no usage"; exit 1; }
set +e; "$work/tools/circuit-breaker" drill --senario all > /dev/null 2> misuse.txt; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q -- "--scenario" misuse.txt || { echo "misuse: exit $rc, expected 2 with a suggestion"; cat misuse.txt; exit 1; }
# Options conventions in a running generic host: limits in a JSON file watched for changes, a binder-style environment
# variable (CircuitBreaker__RateWindowMs), a reload that changes a limit, an invalid reload refused with the old limits
# kept, and the health check through the health-check service. The polling file watcher makes the reload independent of
# inotify limits on busy machines.
mkdir "$work/reload" && cp "$work/consumer/nuget.config" "$work/reload/" && pushd "$work/reload" > /dev/null
consumer_project ReloadConsumer.csproj "CircuitBreaker.Extensions.Hosting=$version" "Microsoft.Extensions.Hosting=10.0.14"
cat > Program.cs <<'CS'
using CircuitBreaker;
using CircuitBreaker.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

string file = Path.GetFullPath("limits.json");
WriteLimits("5");
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Configuration.AddJsonFile(file, optional: false, reloadOnChange: true);
builder.Services.AddCircuitBreaker(builder.Configuration.GetSection("CircuitBreaker"));
builder.Services.AddHealthChecks().AddCircuitBreaker();
using var host = builder.Build();
await host.StartAsync();
var breaker = host.Services.GetRequiredService<Breaker>();
var reloads = host.Services.GetRequiredService<CircuitBreakerReloadStatus>();
var health = host.Services.GetRequiredService<HealthCheckService>();
if (!breaker.Registry.TryGetInstrument("BTC-PERP", out var btc) || !breaker.Registry.TryGetAccount("mm-1", out var mm)) return 1;
long id = 0;
string Buy(double qty) { var d = breaker.Check(new OrderRequest(++id, btc, mm, id, Side.Buy, 64_000.0, qty)); return d.IsAccepted ? "accepted" : d.Reason.ToString(); }
async Task<string> Health() => (await health.CheckHealthAsync()).Status.ToString();
async Task<bool> Until(Func<bool> done) { for (int i = 0; i < 300 && !done(); i++) await Task.Delay(100); return done(); }

Console.WriteLine($"env rate window: {breaker.Config.RateWindowNs} ns");
Console.WriteLine($"start: buy 4 {Buy(4)}");
WriteLimits("3");
Console.WriteLine($"reload applied: {await Until(() => reloads.Applied == 1)}, buy 4 {Buy(4)}, buy 3 {Buy(3)}");
WriteLimits("-1");
Console.WriteLine($"reload refused: {await Until(() => reloads.Refused == 1)}, buy 4 {Buy(4)}, buy 3 {Buy(3)}, error {reloads.LastRefusal.FirstOrDefault()}");
string healthy = await Health();
breaker.ReduceOnly(Scope.Account, mm.Value, 1_800_000_000_000_000_000);
string degraded = await Health();
breaker.Halt(Scope.Global, -1, 1_800_000_000_000_000_001);
Console.WriteLine($"health: {healthy} {degraded} {await Health()}");
await host.StopAsync();
return 0;

void WriteLimits(string maxOrderQuantity)
{
    File.WriteAllText(file + ".tmp", $$"""
        { "CircuitBreaker": {
            "instruments": [ { "symbol": "BTC-PERP", "kind": "perpetual", "tick": 0.1, "lot": 0.001,
                               "limits": { "max_order_quantity": {{maxOrderQuantity}}, "missing_reference": "allow" } } ],
            "accounts": [ { "name": "mm-1" } ],
            "pipeline": { "stall_threshold_ms": 0 } } }
        """);
    File.Move(file + ".tmp", file, overwrite: true);
}
CS
DOTNET_USE_POLLING_FILE_WATCHER=1 CircuitBreaker__RateWindowMs=250 NUGET_PACKAGES="$export_pkgs" dotnet run -c Release --nologo > reload.txt || { cat reload.txt; exit 1; }
cat reload.txt
grep -q "^env rate window: 250000000 ns$" reload.txt || { echo "CircuitBreaker__RateWindowMs did not reach the breaker"; exit 1; }
grep -q "^start: buy 4 accepted$" reload.txt || { echo "the starting limit is not in force"; exit 1; }
grep -q "^reload applied: True, buy 4 MaxOrderQuantity, buy 3 accepted$" reload.txt || { echo "a reload did not change the limit in the running host"; exit 1; }
grep -q "^reload refused: True, buy 4 MaxOrderQuantity, buy 3 accepted, error \$.instruments\[0\].limits.max_order_quantity: must be > 0" reload.txt || { echo "an invalid reload was not refused with the old limits kept"; exit 1; }
grep -q "^health: Healthy Degraded Unhealthy$" reload.txt || { echo "the health check did not report healthy, degraded, unhealthy"; exit 1; }
popd > /dev/null

echo "consumer smoke test: CircuitBreaker $version from a local package folder builds and runs the quick start; metrics reach OpenTelemetry with no wiring; the tool installs, carries docs/tape-format.md and answers --version, --help and misuse; in a running host a file reload changes a limit, an invalid one is refused with the old limits kept, a binder-style environment variable applies, and the health check reports healthy, degraded, unhealthy"
