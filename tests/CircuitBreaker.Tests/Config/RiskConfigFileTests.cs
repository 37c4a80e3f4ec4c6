using System.Text;
using System.Text.Json;
using CircuitBreaker.Ring;

namespace CircuitBreaker.Tests.Config;

public class RiskConfigFileTests
{
    private static RiskConfigLoadResult Load(string json) => RiskConfigFile.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    private static string[] Errors(string json)
    {
        var r = Load(json);
        Assert.False(r.Succeeded);
        Assert.Null(r.Config);
        return r.Errors.Select(e => e.ToString()).ToArray();
    }

    [Fact]
    public void Load_ValidFile_BuildsTheLimitsItDeclares()
    {
        var r = Load(ConfigSamples.Valid);
        Assert.True(r.Succeeded, string.Join("\n", r.Errors));
        var c = r.Config;
        Assert.Equal(7, c.Version);
        Assert.Equal(250_000_000, c.RateWindowNs);
        Assert.Equal((8, 64, 1024), (c.AccountCapacity, c.PairCapacity, c.OrderCapacity));
        Assert.True(c.Registry.TryGetInstrument("BTC-PERP", out var btc));
        var spec = c.Registry[btc];
        Assert.Equal((InstrumentKind.Perpetual, 0.5, 0.001, "BTC", "crypto"), (spec.Kind, spec.Tick, spec.Lot, spec.Underlying, spec.GroupName));
        var l = c.InstrumentLimits[btc.Value];
        Assert.Equal(5, l.MaxOrderQuantity);
        Assert.Equal(0.002, l.MinOrderQuantity);
        Assert.Equal(150, l.CollarBps);
        Assert.Equal(ReferencePriceSource.Oracle, l.ReferenceSource);
        Assert.Equal(TimeSpan.FromSeconds(2), l.ReferenceStaleAfter);
        Assert.Equal(MissingReferencePolicy.Allow, l.MissingReference);
        Assert.Equal((20.0, 10.0), (l.MaxLongPosition!.Value, l.MaxShortPosition!.Value));
        Assert.Equal((500, 32, 900), (l.MaxOpenOrders!.Value, l.MaxOpenOrdersPerAccount!.Value, l.MaxMessagesPerWindow!.Value));
        Assert.Equal(200, l.MaxOrdersPerWindow); // not set on the instrument: taken from defaults.instrument
        Assert.Equal((25.0, 1_000_000.0), (l.FatFingerMultiple!.Value, l.MaxOrderNotional!.Value));

        Assert.True(c.Registry.TryGetInstrument("ETH-PERP", out var eth));
        var el = c.InstrumentLimits[eth.Value];
        Assert.Equal((300.0, ReferencePriceSource.Mid, 200), (el.CollarBps!.Value, el.ReferenceSource!.Value, el.MaxOrdersPerWindow!.Value));
        Assert.Null(el.MaxOrderQuantity);

        Assert.True(c.Registry.TryGetInstrument("BTC-UO", out var uo));
        var us = c.Registry[uo];
        Assert.Equal((BarrierKind.UpAndOut, 80000.0, 70000.0, 0.1), (us.BarrierKind, us.Barrier, us.Strike, us.Multiplier));

        Assert.True(c.Registry.TryGetAccount("alpha", out var alpha));
        Assert.True(c.Registry.TryGetAccount("beta", out var beta));
        Assert.Equal(2_000_000, c.AccountLimits[alpha.Value].MaxGrossExposure);
        Assert.Equal(40, c.AccountLimits[alpha.Value].MaxOrdersPerWindow);
        Assert.Equal(50_000, c.AccountLimits[beta.Value].MaxDailyLoss);   // defaults.account
        Assert.Equal(300, c.AccountLimits[beta.Value].MaxOpenOrders);
        Assert.True(c.Registry.TryGetGroup("crypto", out var crypto));
        Assert.Equal((600, 4000), (c.Groups[crypto.Value].OrdersPerWindow, c.Groups[crypto.Value].MaxOpenOrders));
    }

    [Fact]
    public void Load_ValidFile_ReadsPipelineSignaturesAndPlaybooks()
    {
        var r = Load(ConfigSamples.Valid);
        Assert.True(r.Succeeded);
        var p = r.PipelineOptions;
        Assert.Equal(1024, p.Ring.Capacity);
        Assert.Equal(FullRingPolicy.DropAndCount, p.Ring.FullRingPolicy);
        Assert.Equal(WaitStrategyKind.Sleeping, p.Ring.WaitStrategy);
        Assert.Equal(TimeSpan.Zero, p.StallThreshold);
        Assert.Equal(DetectorFaultPolicy.Quarantine, p.DetectorFaultPolicy);
        Assert.False(r.Signatures.MlAnomaly);
        Assert.False(r.Signatures.Oracle);
        Assert.True(r.Signatures.VolumeSpike && r.Signatures.PriceVelocity && r.Signatures.LiquidityCollapse);
        var names = r.Signatures.CreateDetectors(new DetectorContext(r.Config.Registry)).Select(d => d.Name).ToArray();
        Assert.Equal(["volume-spike", "price-velocity", "liquidity-collapse", "runaway-algorithm", "quote-stuffing", "loss-velocity",
            "flash-loan", "drain", "product-risk"], names); // every default detector but the two switched off
        Assert.NotNull(r.Playbooks);
        Assert.Equal("halt", r.Playbooks.Value.GetProperty("rules")[0].GetProperty("actions")[0].GetProperty("action").GetString());
    }

    [Fact]
    public void Load_MinimalFile_TakesEveryDefault()
    {
        var r = Load(ConfigSamples.Minimal);
        Assert.True(r.Succeeded, string.Join("\n", r.Errors));
        Assert.Equal(1, r.Config.Version);
        Assert.Equal((long)RiskDefaults.RateWindow.TotalNanoseconds, r.Config.RateWindowNs);
        Assert.Equal(new RiskPipelineOptions().Ring.Capacity, r.PipelineOptions.Ring.Capacity);
        Assert.Equal(new SignatureSwitches(), r.Signatures);
        Assert.Null(r.Playbooks);
    }

    [Theory]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":0,"lot":1}]}""", "$.instruments[0].tick: must be > 0 (was 0)")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":-0.5,"lot":1}]}""", "$.instruments[0].tick: must be > 0 (was -0.5)")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":"0.1","lot":1}]}""", "$.instruments[0].tick: must be a number (was a string)")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1e400,"lot":1}]}""", "$.instruments[0].tick: must be a finite number")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spott","tick":1,"lot":1}]}""", "$.instruments[0].kind: unknown value 'spott'")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1,"limits":{"max_open_orders":2.5}}]}""", "$.instruments[0].limits.max_open_orders: must be a whole number")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1,"limits":{"max_open_orders":99999999999}}]}""", "$.instruments[0].limits.max_open_orders: must be in 1..2147483647")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1,"limits":{"reference_source":"vwap"}}]}""", "$.instruments[0].limits.reference_source: unknown value 'vwap'")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1,"limits":{"max_oder_quantity":5}}]}""", "$.instruments[0].limits.max_oder_quantity: unknown key")]
    [InlineData("""{"instrumentz":[],"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}]}""", "$.instrumentz: unknown section 'instrumentz'")]
    [InlineData("""{"version":1,"version":2,"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}]}""", "$.version: duplicate key 'version'")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1},{"symbol":"X","kind":"spot","tick":1,"lot":1}]}""", "$.instruments[1].symbol: duplicate symbol 'X'")]
    [InlineData("""{"instruments":[{"kind":"spot","tick":1,"lot":1}]}""", "$.instruments[0].symbol: is required")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"option","tick":1,"lot":1,"barrier":5}]}""", "$.instruments[0].barrier: only barrier options take a barrier")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1,"limits":{"min_order_quantity":5,"max_order_quantity":2}}]}""", "$.instruments[0].limits.min_order_quantity: must be <= max_order_quantity")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1,"limits":{"min_order_notional":50,"max_order_notional":20}}]}""", "$.instruments[0].limits.min_order_notional: must be <= max_order_notional")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1,"limits":{"min_order_notional":-5}}]}""", "$.instruments[0].limits.min_order_notional: must be > 0")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],"accounts":[{"name":"a","limits":{"max_modifies_per_window":0}}]}""", "$.accounts[0].limits.max_modifies_per_window: must be in 1..2147483646")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1,"limits":{"allow_non_positive_price":"yes"}}]}""", "$.instruments[0].limits.allow_non_positive_price: must be")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],"pipeline":{"capacity":1000}}""", "$.pipeline.capacity: must be a power of two")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],"pipeline":{"full_ring_policy":"explode"}}""", "$.pipeline.full_ring_policy: unknown value 'explode'")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],"signatures":{"volume_spik":true}}""", "$.signatures.volume_spik: unknown signature")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],"groups":[{"name":"Y","limits":{}}]}""", "$.groups[0].name: unknown group 'Y'")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],"accounts":[{"name":"a"},{"name":"b"}],"capacities":{"accounts":1}}""", "$.capacities.accounts: account capacity 1 is below the 2 declared accounts")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],"rate_window_ms":-1}""", "$.rate_window_ms: must be > 0 (was -1)")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],"concurrency":"lock_free"}""", "$.concurrency: unknown value 'lock_free' (expected one of: multi_threaded, single_writer, account_owned)")]
    [InlineData("""{"instruments":[]}""", "$.instruments: must declare at least one instrument")]
    [InlineData("""{}""", "$.instruments: is required")]
    [InlineData("""[1,2]""", "$: must be an object (was an array)")]
    [InlineData("""{"instruments": [ """, "$: invalid JSON")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],}""", "$: invalid JSON")]
    public void Load_BadValue_ReportsItsPath(string json, string expectedPrefix)
    {
        var errors = Errors(json);
        Assert.Contains(errors, e => e.StartsWith(expectedPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_DuplicateAccount_ReportedOnceWithItsPath_NotAgainByTheBuilder()
    {
        var errors = Errors("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],"accounts":[{"name":"a"},{"name":"a"}]}""");
        Assert.Equal(["$.accounts[1].name: duplicate account 'a' (first declared at $.accounts[0])"], errors);
    }

    [Fact]
    public void Load_DeepNesting_IsRejectedNotThrown()
    {
        string deep = new string('[', 100) + new string(']', 100);
        var errors = Errors("{\"instruments\":[{\"symbol\":\"X\",\"kind\":\"spot\",\"tick\":1,\"lot\":1}],\"playbooks\":" + deep + "}");
        Assert.Contains(errors, e => e.StartsWith("$: invalid JSON", StringComparison.Ordinal) && e.Contains("32"));
    }

    [Fact]
    public void Load_GiantString_IsRejected()
    {
        string giant = new('A', RiskConfigFile.MaxStringLength + 1);
        var errors = Errors($$"""{"instruments":[{"symbol":"{{giant}}","kind":"spot","tick":1,"lot":1}]}""");
        Assert.Contains(errors, e => e.StartsWith("$.instruments[0].symbol: must be at most 256 characters", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_FileOverTheCap_IsRejectedBeforeParsing()
    {
        var big = new byte[RiskConfigFile.MaxFileBytes + 10];
        big.AsSpan().Fill((byte)' ');
        var r = RiskConfigFile.Load(new MemoryStream(big));
        Assert.Equal("$: file larger than 16777216 bytes", Assert.Single(r.Errors).ToString());
    }

    [Fact]
    public void Load_ManyErrors_AreListedTogetherInDocumentOrder()
    {
        const string json = """
        {
          "version": -3,
          "capacities": { "orders": 0 },
          "instruments": [
            { "symbol": "A", "kind": "spot", "tick": 0.01, "lot": 1 },
            { "symbol": "B", "kind": "perp", "tick": 0.01, "lot": 1 },
            { "symbol": "C", "kind": "spot", "tick": 0.01, "lot": -1, "limits": { "collar_bps": 0 } }
          ],
          "pipeline": { "wait_strategy": 3 },
          "bogus": {}
        }
        """;
        var errors = Errors(json);
        Assert.Equal(
        [
            "$.version: must be in 0..9223372036854775807 (was -3)",
            "$.capacities.orders: must be in 1..4194304 (was 0)",
            "$.instruments[1].kind: unknown value 'perp' (expected one of: spot, perpetual, future, option, barrier_option, swap)",
            "$.instruments[2].lot: must be > 0 (was -1)",
            "$.instruments[2].limits.collar_bps: must be > 0 (was 0)",
            "$.pipeline.wait_strategy: must be a string, one of: blocking, busy_spin, yielding, sleeping (was a number)",
            "$.bogus: unknown section 'bogus' (expected one of: $schema, version, rate_window_ms, concurrency, max_list_orders, list_rate, capacities, defaults, instruments, accounts, groups, pipeline, signatures, playbooks, closed_order_ids)",
        ], errors);
    }

    [Fact]
    public void Load_MissingFile_IsAnErrorNotAnException()
    {
        var r = RiskConfigFile.Load(Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "risk.json"));
        Assert.False(r.Succeeded);
        Assert.StartsWith("$: cannot read", Assert.Single(r.Errors).ToString());
    }

    [Fact]
    public void GetConfigOrThrow_BadFile_ThrowsWithEveryPath()
    {
        var r = Load("""{"instruments":[{"symbol":"X","kind":"spot","tick":0,"lot":0}]}""");
        var ex = Assert.Throws<RiskConfigException>(() => r.GetConfigOrThrow());
        Assert.Equal(["$.instruments[0].tick: must be > 0 (was 0)", "$.instruments[0].lot: must be > 0 (was 0)"], ex.Errors);
    }

    [Fact]
    public void Write_DefaultProfile_LoadsAndCarriesTheDefaults()
    {
        string json = RiskConfigFile.WriteToString();
        using (var doc = JsonDocument.Parse(json))
        {
            var d = doc.RootElement.GetProperty("defaults").GetProperty("instrument");
            Assert.Equal(RiskDefaults.CollarBps, d.GetProperty("collar_bps").GetDouble());
            Assert.Equal(RiskDefaults.ReferenceStaleAfter.TotalMilliseconds, d.GetProperty("reference_stale_after_ms").GetDouble());
            Assert.Equal("fail_closed", doc.RootElement.GetProperty("pipeline").GetProperty("full_ring_policy").GetString());
        }
        var r = Load(json);
        Assert.True(r.Succeeded, string.Join("\n", r.Errors));
        Assert.Equal(RiskDefaults.CollarBps, r.Config.InstrumentLimits[0].CollarBps);
        Assert.Equal(RiskDefaults.AccountOrdersPerWindow, r.Config.AccountLimits[0].MaxOrdersPerWindow);
    }

    [Theory]
    [InlineData("multi_threaded", GateConcurrency.MultiThreaded)]
    [InlineData("single_writer", GateConcurrency.SingleWriter)]
    [InlineData("account_owned", GateConcurrency.AccountOwned)]
    public void Concurrency_ReadAndWrittenBack(string name, GateConcurrency mode)
    {
        var r = RiskConfigFile.Parse($$"""{"concurrency":"{{name}}","instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}]}""");
        Assert.True(r.Succeeded, string.Join("; ", r.Errors));
        Assert.Equal(mode, r.Config.Concurrency);
        var again = RiskConfigFile.Parse(RiskConfigFile.WriteToString(r.Config, r.PipelineOptions, r.Signatures));
        Assert.True(again.Succeeded, string.Join("; ", again.Errors));
        Assert.Equal(mode, again.Config.Concurrency);
    }

    [Fact]
    public void OrderFlagAndModifyLimits_ReadAndWrittenBack_UnsetLeftOut()
    {
        var r = RiskConfigFile.Parse("""
            { "instruments": [
                { "symbol": "SPREAD", "kind": "spot", "tick": 0.01, "lot": 1, "limits": { "min_order_notional": 25, "allow_non_positive_price": true } },
                { "symbol": "CL", "kind": "future", "tick": 0.01, "lot": 1, "limits": { "allow_non_positive_price": false } },
                { "symbol": "BTC", "kind": "spot", "tick": 0.01, "lot": 1, "limits": { "max_modifies_per_window": 40 } } ],
              "accounts": [ { "name": "mm", "limits": { "max_modifies_per_window": 7 } } ] }
            """);
        Assert.True(r.Succeeded, string.Join("; ", r.Errors));
        Assert.Equal((25.0, true), (r.Config.Instruments[0].MinNotional, r.Config.Instruments[0].AllowsNonPositivePrice));
        Assert.False(r.Config.Instruments[1].AllowsNonPositivePrice);
        Assert.Equal((0.0, false), (r.Config.Instruments[2].MinNotional, r.Config.Instruments[2].AllowsNonPositivePrice));
        string text = RiskConfigFile.WriteToString(r.Config, r.PipelineOptions, r.Signatures);
        Assert.Equal(2, text.Split("allow_non_positive_price").Length - 1);
        Assert.Equal((int.MaxValue, 40), (r.Config.Instruments[0].ModifiesPerWindow, r.Config.Instruments[2].ModifiesPerWindow));
        Assert.Equal(7, r.Config.Accounts[0].ModifiesPerWindow);
        var again = RiskConfigFile.Parse(text);
        Assert.True(again.Succeeded, string.Join("; ", again.Errors));
        for (int i = 0; i < 3; i++)
            Assert.Equal((r.Config.Instruments[i].MinNotional, r.Config.Instruments[i].AllowsNonPositivePrice, r.Config.Instruments[i].ModifiesPerWindow), (again.Config.Instruments[i].MinNotional, again.Config.Instruments[i].AllowsNonPositivePrice, again.Config.Instruments[i].ModifiesPerWindow));
        Assert.Equal(7, again.Config.Accounts[0].ModifiesPerWindow);
    }

    [Fact]
    public void Write_LoadedConfig_RoundTripsEveryLimit()
    {
        var first = Load(ConfigSamples.Valid);
        Assert.True(first.Succeeded);
        var again = Load(RiskConfigFile.WriteToString(first.Config, first.PipelineOptions, first.Signatures));
        Assert.True(again.Succeeded, string.Join("\n", again.Errors));
        var a = first.Config; var b = again.Config;
        Assert.Equal((a.Version, a.RateWindowNs, a.AccountCapacity, a.PairCapacity, a.OrderCapacity), (b.Version, b.RateWindowNs, b.AccountCapacity, b.PairCapacity, b.OrderCapacity));
        for (int i = 0; i < a.Instruments.Length; i++)
        {
            Assert.Equal(a.Registry.Instruments[i].ToString(), b.Registry.Instruments[i].ToString());
            Assert.Equal(a.Instruments[i].CollarBps, b.Instruments[i].CollarBps);
            Assert.Equal((a.Instruments[i].MinLots, a.Instruments[i].MaxLots, a.Instruments[i].StaleNs), (b.Instruments[i].MinLots, b.Instruments[i].MaxLots, b.Instruments[i].StaleNs));
            Assert.Equal((a.Instruments[i].OrdersPerWindow, a.Instruments[i].MessagesPerWindow, a.Instruments[i].ReferenceSource), (b.Instruments[i].OrdersPerWindow, b.Instruments[i].MessagesPerWindow, b.Instruments[i].ReferenceSource));
        }
        Assert.Equal(a.AccountLimits.Count, b.AccountLimits.Count);
        for (int k = 0; k < a.Accounts.Length; k++)
            Assert.Equal((a.Accounts[k].MaxGross, a.Accounts[k].OrdersPerWindow, a.Accounts[k].MaxDailyLoss), (b.Accounts[k].MaxGross, b.Accounts[k].OrdersPerWindow, b.Accounts[k].MaxDailyLoss));
        Assert.Equal(a.Groups.Select(g => (g.OrdersPerWindow, g.MaxOpenOrders)), b.Groups.Select(g => (g.OrdersPerWindow, g.MaxOpenOrders)));
        Assert.Equal(first.Signatures, again.Signatures);
        Assert.Equal(first.PipelineOptions.Ring.FullRingPolicy, again.PipelineOptions.Ring.FullRingPolicy);
    }

    [Fact]
    public void Load_InvalidPlaybook_ErrorsJoinTheFilesWithTheirPaths()
    {
        var r = RiskConfigFile.Parse("""
            { "instruments": [ { "symbol": "X", "kind": "spot", "tick": 0.01, "lot": 1 } ],
              "rate_window_ms": -1,
              "playbooks": { "critical": [] } }
            """);
        Assert.False(r.Succeeded);
        Assert.Contains(r.Errors, e => e.Path == "$.rate_window_ms");
        Assert.Contains(r.Errors, e => e.Path == "$.playbooks.rules");
        Assert.Contains(r.Errors, e => e.Path == "$.playbooks.critical");
    }
}
