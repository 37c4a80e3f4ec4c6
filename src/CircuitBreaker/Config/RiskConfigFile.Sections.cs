using System.Text.Json;
using CircuitBreaker.Ring;

namespace CircuitBreaker.Config;

public static partial class RiskConfigFile
{
    internal static readonly string[] InstrumentKeys =
        ["symbol", "kind", "tick", "lot", "multiplier", "underlying", "group", "barrier", "barrier_kind", "strike", "limits"];
    internal static readonly string[] InstrumentLimitKeys =
        ["min_order_quantity", "max_order_quantity", "max_order_notional", "fat_finger_multiple", "collar_bps", "reference_source",
         "reference_stale_after_ms", "missing_reference", "max_long_position", "max_short_position", "max_open_orders",
         "max_open_orders_per_account", "max_orders_per_window", "max_messages_per_window", "min_order_notional", "allow_non_positive_price", "max_modifies_per_window",
         "settlement_currency", "margin_rate", "leverage", "fee_rate"];
    internal static readonly string[] AccountLimitKeys =
        ["max_gross_exposure", "max_net_exposure", "max_open_orders", "max_orders_per_window", "max_messages_per_window", "max_daily_loss", "max_modifies_per_window", "prevent_self_match",
         "balance_mode", "balances"];
    internal static readonly string[] GroupLimitKeys = ["max_orders_per_window", "max_open_orders"];
    internal static readonly string[] PipelineKeys =
        ["capacity", "producer_mode", "full_ring_policy", "block_spin_limit", "wait_strategy", "stall_threshold_ms",
         "detector_fault_policy", "max_findings_kept", "thread_name", "journal"];
    internal static readonly string[] JournalKeys =
        ["base_path", "buffer_bytes", "max_payload_bytes", "max_file_bytes", "poll_interval_ms", "flush_to_disk"];
    private static readonly string[] s_nameAndLimits = ["name", "limits"];
    private static readonly string[] s_capacityKeys = ["accounts", "pairs", "orders"];
    private static readonly string[] s_defaultsKeys = ["instrument", "account"];
    private static readonly string[] s_enabledKey = ["enabled"];

    private static void ReadCapacities(ConfigReader r, JsonElement value, string path, ConfigPlan plan)
    {
        foreach (var (name, v, p) in r.Properties(value, path, s_capacityKeys))
        {
            switch (name)
            {
                case "accounts": plan.Accounts = r.Count(v, p, MaxAccounts); break;
                case "pairs": plan.Pairs = r.Count(v, p, MaxPairsOrOrders); break;
                case "orders": plan.Orders = r.Count(v, p, MaxPairsOrOrders); break;
            }
        }
    }

    private static void ReadDefaults(ConfigReader r, JsonElement value, string path, ConfigPlan plan)
    {
        foreach (var (name, v, p) in r.Properties(value, path, s_defaultsKeys))
        {
            if (name == "instrument") plan.DefaultInstrument = ReadInstrumentLimits(r, v, p) ?? plan.DefaultInstrument;
            else plan.DefaultAccount = ReadAccountLimits(r, v, p) ?? plan.DefaultAccount;
        }
    }

    private static void ReadInstruments(ConfigReader r, JsonElement value, string path, ConfigPlan plan)
    {
        var items = r.Items(value, path);
        if (value.ValueKind == JsonValueKind.Array && items.Count == 0) r.Error(path, "must declare at least one instrument");
        foreach (var (item, ip) in items)
        {
            int before = r.ErrorCount;
            string? symbol = null, underlying = null, group = null;
            InstrumentKind? kind = null;
            double? tick = null, lot = null, multiplier = null, barrier = null, strike = null;
            BarrierKind? barrierKind = null;
            InstrumentLimits? limits = null;
            foreach (var (name, v, p) in r.Properties(item, ip, InstrumentKeys))
            {
                switch (name)
                {
                    case "symbol": symbol = r.Name(v, p); break;
                    case "kind": kind = r.Enum<InstrumentKind>(v, p); break;
                    case "tick": tick = r.Positive(v, p); break;
                    case "lot": lot = r.Positive(v, p); break;
                    case "multiplier": multiplier = r.Positive(v, p); break;
                    case "underlying": underlying = r.Name(v, p); break;
                    case "group": group = r.Name(v, p); break;
                    case "barrier": barrier = r.Positive(v, p); break;
                    case "barrier_kind": barrierKind = r.Enum<BarrierKind>(v, p); break;
                    case "strike": strike = r.Number(v, p, double.MinValue, minExclusive: false); break;
                    case "limits": limits = ReadInstrumentLimits(r, v, p); break;
                }
            }
            if (item.ValueKind == JsonValueKind.Object)
            {
                bool has(string k) => item.TryGetProperty(k, out _);
                if (!has("symbol")) r.Error(ip + ".symbol", "is required");
                if (!has("kind")) r.Error(ip + ".kind", "is required");
                if (!has("tick")) r.Error(ip + ".tick", "is required");
                if (!has("lot")) r.Error(ip + ".lot", "is required");
                if (kind == InstrumentKind.BarrierOption)
                {
                    if (!has("barrier")) r.Error(ip + ".barrier", "is required for a barrier option");
                    if (!has("barrier_kind")) r.Error(ip + ".barrier_kind", "is required for a barrier option");
                    else if (barrierKind == BarrierKind.None) r.Error(ip + ".barrier_kind", "must not be none for a barrier option");
                }
                else if (kind is not null && (has("barrier") || barrierKind is not null and not BarrierKind.None))
                    r.Error(ip + (has("barrier") ? ".barrier" : ".barrier_kind"), "only barrier options take a barrier");
            }
            if (r.ErrorCount > before) { plan.InstrumentErrors++; continue; }
            plan.Instruments.Add(new PlannedInstrument(ip, symbol!, kind!.Value, tick!.Value, lot!.Value, multiplier ?? 1, underlying, group,
                barrier ?? double.NaN, barrierKind ?? BarrierKind.None, strike ?? double.NaN, limits));
        }
    }

    private static void ReadAccounts(ConfigReader r, JsonElement value, string path, ConfigPlan plan)
    {
        foreach (var (item, ip) in r.Items(value, path))
        {
            string? name = null;
            AccountLimits? limits = null;
            int before = r.ErrorCount;
            foreach (var (key, v, p) in r.Properties(item, ip, s_nameAndLimits))
            {
                if (key == "name") name = r.Name(v, p);
                else limits = ReadAccountLimits(r, v, p);
            }
            if (item.ValueKind == JsonValueKind.Object && !item.TryGetProperty("name", out _)) r.Error(ip + ".name", "is required");
            if (name is not null) plan.AccountList.Add(new PlannedAccount(ip, name, r.ErrorCount > before ? null : limits));
        }
    }

    private static void ReadGroups(ConfigReader r, JsonElement value, string path, ConfigPlan plan)
    {
        foreach (var (item, ip) in r.Items(value, path))
        {
            string? name = null;
            GroupLimits? limits = null;
            foreach (var (key, v, p) in r.Properties(item, ip, s_nameAndLimits))
            {
                if (key == "name") name = r.Name(v, p);
                else limits = ReadGroupLimits(r, v, p);
            }
            if (item.ValueKind != JsonValueKind.Object) continue;
            if (!item.TryGetProperty("name", out _)) r.Error(ip + ".name", "is required");
            if (!item.TryGetProperty("limits", out _)) r.Error(ip + ".limits", "is required");
            if (name is not null && limits is not null) plan.GroupList.Add(new PlannedGroup(ip, name, limits));
        }
    }

    internal static InstrumentLimits? ReadInstrumentLimits(ConfigReader r, JsonElement value, string path)
    {
        var l = r.Record<InstrumentLimits>(value, path, InstrumentLimitKeys, static (r, l, name, v, p) => name switch
        {
            "min_order_quantity" => l with { MinOrderQuantity = r.Positive(v, p) },
            "max_order_quantity" => l with { MaxOrderQuantity = r.Positive(v, p) },
            "max_order_notional" => l with { MaxOrderNotional = r.Positive(v, p) },
            "fat_finger_multiple" => l with { FatFingerMultiple = r.Positive(v, p) },
            "collar_bps" => l with { CollarBps = r.Positive(v, p) },
            "reference_source" => l with { ReferenceSource = r.Enum<ReferencePriceSource>(v, p) },
            "reference_stale_after_ms" => l with { ReferenceStaleAfter = r.Milliseconds(v, p, 0, minExclusive: true, MaxMilliseconds) },
            "missing_reference" => l with { MissingReference = r.Enum<MissingReferencePolicy>(v, p) },
            "max_long_position" => l with { MaxLongPosition = r.Positive(v, p) },
            "max_short_position" => l with { MaxShortPosition = r.Positive(v, p) },
            "max_open_orders" => l with { MaxOpenOrders = r.Count(v, p) },
            "max_open_orders_per_account" => l with { MaxOpenOrdersPerAccount = r.Count(v, p, 4096) },
            "max_orders_per_window" => l with { MaxOrdersPerWindow = r.Count(v, p) },
            "max_messages_per_window" => l with { MaxMessagesPerWindow = r.Count(v, p) },
            "min_order_notional" => l with { MinOrderNotional = r.Positive(v, p) },
            "allow_non_positive_price" => l with { AllowNonPositivePrice = r.Bool(v, p) },
            "max_modifies_per_window" => l with { MaxModifiesPerWindow = r.Count(v, p, int.MaxValue - 1) },
            "settlement_currency" => l with { SettlementCurrency = r.Name(v, p) },
            "margin_rate" => l with { MarginRate = r.Number(v, p, 0, minExclusive: true, 1) },
            "leverage" => l with { Leverage = r.Number(v, p, 1, minExclusive: false, 1e6) },
            "fee_rate" => l with { FeeRate = FeeRate(r, v, p) },
            _ => l,
        });
        if (l is null) return null;
        if (l.MarginRate is not null && l.Leverage is not null)
        {
            r.Error(path + ".leverage", "set margin_rate or leverage, not both");
            l = l with { Leverage = null };
        }
        if (l.MinOrderQuantity is { } min && l.MaxOrderQuantity is { } max && min > max)
        {
            r.Error(path + ".min_order_quantity", $"must be <= max_order_quantity ({min} > {max})");
            l = l with { MinOrderQuantity = null };
        }
        if (l.MinOrderNotional is { } minN && l.MaxOrderNotional is { } maxN && minN > maxN)
        {
            r.Error(path + ".min_order_notional", $"must be <= max_order_notional ({minN} > {maxN})");
            l = l with { MinOrderNotional = null };
        }
        return l;
    }

    internal static AccountLimits? ReadAccountLimits(ConfigReader r, JsonElement value, string path)
        => r.Record<AccountLimits>(value, path, AccountLimitKeys, static (r, l, name, v, p) => name switch
        {
            "max_gross_exposure" => l with { MaxGrossExposure = r.Positive(v, p) },
            "max_net_exposure" => l with { MaxNetExposure = r.Positive(v, p) },
            "max_open_orders" => l with { MaxOpenOrders = r.Count(v, p) },
            "max_orders_per_window" => l with { MaxOrdersPerWindow = r.Count(v, p) },
            "max_messages_per_window" => l with { MaxMessagesPerWindow = r.Count(v, p) },
            "max_daily_loss" => l with { MaxDailyLoss = r.Positive(v, p) },
            "max_modifies_per_window" => l with { MaxModifiesPerWindow = r.Count(v, p, int.MaxValue - 1) },
            "prevent_self_match" => l with { PreventSelfMatch = r.Bool(v, p) },
            "balance_mode" => l with { BalanceMode = r.Enum<BalanceMode>(v, p) },
            "balances" => l with { Balances = ReadBalances(r, v, p) },
            _ => l,
        });

    private static double? FeeRate(ConfigReader r, JsonElement v, string p)
    {
        var fee = r.Number(v, p, 0, minExclusive: false, 1);
        if (fee is >= 1) { r.Error(p, $"must be < 1 (was {fee})"); return null; }
        return fee;
    }

    /// <summary>Starting balances: an object of currency → amount (finite, within ±9e14).</summary>
    private static Dictionary<string, double>? ReadBalances(ConfigReader r, JsonElement value, string path)
    {
        if (!r.ExpectObject(value, path)) return null;
        var balances = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, v, p) in r.Properties(value, path, null, "currency"))
        {
            if (string.IsNullOrWhiteSpace(name) || name.Trim().Length != name.Length) { r.Error(p, "a currency must be a non-empty name without surrounding white space"); continue; }
            if (r.Number(v, p, -9e14, minExclusive: false, 9e14) is { } amount) balances[name] = amount;
        }
        return balances;
    }

    private static GroupLimits? ReadGroupLimits(ConfigReader r, JsonElement value, string path)
        => r.Record<GroupLimits>(value, path, GroupLimitKeys, static (r, l, name, v, p)
            => name == "max_orders_per_window" ? l with { MaxOrdersPerWindow = r.Count(v, p) } : l with { MaxOpenOrders = r.Count(v, p) });

    private static RiskPipelineOptions ReadPipeline(ConfigReader r, JsonElement value, string path)
    {
        var d = new RiskPipelineOptions();
        int capacity = d.Ring.Capacity, spins = d.Ring.BlockSpinLimit, kept = d.MaxFindingsKept;
        var producer = d.Ring.ProducerMode; var full = d.Ring.FullRingPolicy; var wait = d.Ring.WaitStrategy; var fault = d.DetectorFaultPolicy;
        var stall = d.StallThreshold; string thread = d.ThreadName;
        JournalWriterOptions? journal = null;
        foreach (var (name, v, p) in r.Properties(value, path, PipelineKeys))
        {
            switch (name)
            {
                case "capacity":
                    if (r.Count(v, p, MaxRingCapacity) is { } c)
                    {
                        if (c < 2 || (c & (c - 1)) != 0) r.Error(p, $"must be a power of two >= 2 (was {c})");
                        else capacity = c;
                    }
                    break;
                case "producer_mode": producer = r.Enum<ProducerMode>(v, p) ?? producer; break;
                case "full_ring_policy": full = r.Enum<FullRingPolicy>(v, p) ?? full; break;
                case "block_spin_limit": spins = r.Count(v, p) ?? spins; break;
                case "wait_strategy": wait = r.Enum<WaitStrategyKind>(v, p) ?? wait; break;
                case "stall_threshold_ms": stall = r.Milliseconds(v, p, 0, minExclusive: false, MaxMilliseconds) ?? stall; break;
                case "detector_fault_policy": fault = r.Enum<DetectorFaultPolicy>(v, p) ?? fault; break;
                case "max_findings_kept": kept = (int?)r.Integer(v, p, 0, 10_000_000) ?? kept; break;
                case "thread_name": thread = r.Name(v, p) ?? thread; break;
                case "journal": journal = ReadJournal(r, v, p); break;
            }
        }
        return new RiskPipelineOptions
        {
            Ring = new RingBufferOptions { Capacity = capacity, ProducerMode = producer, FullRingPolicy = full, BlockSpinLimit = spins, WaitStrategy = wait },
            StallThreshold = stall, DetectorFaultPolicy = fault, MaxFindingsKept = kept, ThreadName = thread, Journal = journal,
        };
    }

    /// <summary>The pipeline's journal (<see cref="RiskPipelineOptions.Journal"/>): every limit of
    /// <see cref="JournalWriterOptions.Validate"/> checked here with the key's JSON path; null when absent or invalid.</summary>
    private static JournalWriterOptions? ReadJournal(ConfigReader r, JsonElement value, string path)
    {
        if (!r.ExpectObject(value, path)) return null;
        var d = new JournalWriterOptions();
        string? basePath = null;
        int buffer = d.BufferBytes, payload = d.MaxPayloadBytes;
        long fileBytes = d.MaxFileBytes;
        var poll = d.PollInterval;
        bool flush = d.FlushToDisk, ok = true;
        string? payloadPath = null;
        foreach (var (name, v, p) in r.Properties(value, path, JournalKeys))
        {
            switch (name)
            {
                case "base_path": basePath = r.Name(v, p); ok &= basePath is not null; break;
                case "buffer_bytes":
                    if (r.Integer(v, p, 4096, 1 << 30) is { } b)
                    {
                        if ((b & (b - 1)) != 0) { r.Error(p, $"must be a power of two (was {b})"); ok = false; }
                        else buffer = (int)b;
                    }
                    else ok = false;
                    break;
                case "max_payload_bytes":
                    if (r.Integer(v, p, 0, JournalFormat.MaxPayloadLength) is { } m) { payload = (int)m; payloadPath = p; }
                    else ok = false;
                    break;
                case "max_file_bytes":
                    if (r.Integer(v, p, 4096, long.MaxValue) is { } f) fileBytes = f; else ok = false;
                    break;
                case "poll_interval_ms":
                    if (r.Milliseconds(v, p, 0, minExclusive: true, 1000) is { } t) poll = t; else ok = false;
                    break;
                case "flush_to_disk":
                    if (r.Bool(v, p) is { } x) flush = x; else ok = false;
                    break;
            }
        }
        if (basePath is null && !value.TryGetProperty("base_path", out _)) { r.Error(path + ".base_path", "is required (path prefix of the journal files)"); ok = false; }
        if (payload > buffer / 4) { r.Error(payloadPath ?? path + ".max_payload_bytes", $"must be at most buffer_bytes / 4 = {buffer / 4} (was {payload})"); ok = false; }
        return ok ? new JournalWriterOptions
        {
            BasePath = basePath!, BufferBytes = buffer, MaxPayloadBytes = payload, MaxFileBytes = fileBytes, PollInterval = poll, FlushToDisk = flush,
        } : null;
    }

    private static SignatureSwitches ReadSignatures(ConfigReader r, JsonElement value, string path)
    {
        var s = new SignatureSwitches();
        string[] keys = [.. SignatureSwitches.Keys, "sensitivity"];
        foreach (var (name, v, p) in r.Properties(value, path, keys, "signature"))
        {
            if (name == "sensitivity")
            {
                if (r.Enum<DetectionSensitivity>(v, p) is { } level) s = s with { Sensitivity = level };
                continue;
            }
            bool? on = null;
            if (v.ValueKind == JsonValueKind.Object)
            {
                foreach (var (_, ev, ep) in r.Properties(v, p, s_enabledKey)) on = r.Bool(ev, ep);
                if (!v.TryGetProperty("enabled", out _)) r.Error(p + ".enabled", "is required");
            }
            else on = r.Bool(v, p);
            if (on is { } b) s = s.With(name, b);
        }
        return s;
    }

    private static void CheckReferences(ConfigReader r, ConfigPlan plan)
    {
        var symbols = new Dictionary<string, string>(StringComparer.Ordinal);
        var groups = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < plan.Instruments.Count; i++)
        {
            var ins = plan.Instruments[i];
            if (!symbols.TryAdd(ins.Symbol, ins.Path))
            {
                r.Error(ins.Path + ".symbol", $"duplicate symbol '{ins.Symbol}' (first declared at {symbols[ins.Symbol]})");
                plan.Instruments.RemoveAt(i--);
                plan.InstrumentErrors++;
                continue;
            }
            groups.Add(ins.Group ?? ins.Underlying ?? ins.Symbol);
        }
        var accounts = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < plan.AccountList.Count; i++)
        {
            var a = plan.AccountList[i];
            // Reported here with its path; dropped so the builder does not report it a second time.
            if (!accounts.TryAdd(a.Name, a.Path)) { r.Error(a.Path + ".name", $"duplicate account '{a.Name}' (first declared at {accounts[a.Name]})"); plan.AccountList.RemoveAt(i--); }
        }
        var seenGroups = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < plan.GroupList.Count; i++)
        {
            var g = plan.GroupList[i];
            if (!seenGroups.TryAdd(g.Name, g.Path)) { r.Error(g.Path + ".name", $"duplicate group '{g.Name}' (first declared at {seenGroups[g.Name]})"); plan.GroupList.RemoveAt(i--); continue; }
            if (!groups.Contains(g.Name))
            {
                // With a broken instrument the group may well be its; only a clean instrument list proves it unknown.
                if (plan.InstrumentErrors == 0)
                    r.Error(g.Path + ".name", $"unknown group '{g.Name}' (groups are the instruments' group, else underlying, else symbol)");
                plan.GroupList.RemoveAt(i--);
            }
        }
    }
}
