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
mkdir "$work/consumer" && cd "$work/consumer"
cat > nuget.config <<CFG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local-packages" value="$work/packages" />
  </packageSources>
</configuration>
CFG
cat > Consumer.csproj <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="CircuitBreaker" Version="$version" />
  </ItemGroup>
</Project>
PROJ
cp "$root/samples/QuickStart/Program.cs" Program.cs
dotnet run -c Release --nologo > out.txt
cat out.txt
grep -q "fat finger: buy 500 @ 64000        -> REJECTED MaxOrderQuantity" out.txt
grep -q "after halt: buy 0.25 @ 64000       -> REJECTED Halted" out.txt
echo "consumer smoke test: CircuitBreaker $version from a local package folder builds and runs the quick start"
