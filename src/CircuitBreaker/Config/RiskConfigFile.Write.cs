using System.Text;
using System.Text.Json;

namespace CircuitBreaker.Config;

public static partial class RiskConfigFile
{
    /// <summary>
    /// Writes an effective profile in the file's schema (indented UTF-8 JSON). With a <paramref name="config"/>, its
    /// instruments, accounts and groups with every limit resolved (defaults filled in, "no limit" left out), so loading
    /// the output gives the same limits. Without one, the default profile: every <see cref="RiskDefaults"/> value and one
    /// example instrument (<c>BTC-PERP</c>), so that <c>config init</c> prints a file that loads as is.
    /// Defaults: pipeline options and signature switches at their defaults. Allocates.
    /// </summary>
    /// <param name="destination">Where the JSON goes; left open.</param>
    /// <param name="config">The limits to write (default: the default profile, every <see cref="RiskDefaults"/> value plus one example instrument).</param>
    /// <param name="pipeline">Pipeline options to write (default: the defaults).</param>
    /// <param name="signatures">Detector switches to write (default: all on).</param>
    public static void Write(Stream destination, RiskConfig? config = null, RiskPipelineOptions? pipeline = null, SignatureSwitches? signatures = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var w = new Utf8JsonWriter(destination, new JsonWriterOptions { Indented = true });
        WriteProfile(w, config, pipeline ?? new RiskPipelineOptions(), signatures ?? new SignatureSwitches());
    }

    /// <summary>The same as <see cref="Write(Stream, RiskConfig?, RiskPipelineOptions?, SignatureSwitches?)"/>, as a string.</summary>
    /// <param name="config">The limits to write (default: the default profile, every <see cref="RiskDefaults"/> value plus one example instrument).</param>
    /// <param name="pipeline">Pipeline options to write (default: the defaults).</param>
    /// <param name="signatures">Detector switches to write (default: all on).</param>
    /// <returns>The JSON text.</returns>
    public static string WriteToString(RiskConfig? config = null, RiskPipelineOptions? pipeline = null, SignatureSwitches? signatures = null)
    {
        var ms = new MemoryStream();
        Write(ms, config, pipeline, signatures);
        return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }

    private static void WriteProfile(Utf8JsonWriter w, RiskConfig? config, RiskPipelineOptions pipeline, SignatureSwitches signatures)
    {
        w.WriteStartObject();
        w.WriteNumber("version", config?.Version ?? 1);
        w.WriteNumber("rate_window_ms", config is null ? RiskDefaults.RateWindow.TotalMilliseconds : config.RateWindowNs / 1e6);
        w.WriteString("concurrency", ConfigNames<GateConcurrency>.Of(config?.Concurrency ?? GateConcurrency.MultiThreaded));
        w.WriteNumber("max_list_orders", config?.MaxListOrders ?? RiskDefaults.MaxListOrders);
        w.WriteString("list_rate", ConfigNames<ListRateMode>.Of(config?.ListRate ?? ListRateMode.PerList));
        w.WriteStartObject("capacities");
        w.WriteNumber("accounts", config?.AccountCapacity ?? 256);
        w.WriteNumber("pairs", config?.PairCapacity ?? 16_384);
        w.WriteNumber("orders", config?.OrderCapacity ?? 65_536);
        w.WriteEndObject();
        w.WriteStartObject("closed_order_ids");
        w.WriteNumber("count", config?.ClosedOrderIds ?? 0);
        w.WriteNumber("horizon_ms", config is null ? RiskDefaults.ClosedOrderIdHorizon.TotalMilliseconds : Math.Min(config.ClosedOrderIdHorizonNs / 1e6, MaxClosedOrderIdHorizonMs));
        w.WriteEndObject();

        w.WriteStartObject("defaults");
        w.WritePropertyName("instrument");
        WriteInstrumentLimits(w, new InstrumentLimits());
        w.WritePropertyName("account");
        // Account slots past the declared accounts carry the configuration's default account limits.
        bool spare = config is not null && config.Registry.AccountCount < config.AccountLimits.Count;
        WriteAccountLimits(w, spare ? config!.AccountLimits[config.Registry.AccountCount] : new AccountLimits());
        w.WriteEndObject();

        w.WriteStartArray("instruments");
        if (config is null)
        {
            w.WriteStartObject();
            w.WriteString("symbol", "BTC-PERP");
            w.WriteString("kind", ConfigNames<InstrumentKind>.Of(InstrumentKind.Perpetual));
            w.WriteNumber("tick", 0.1);
            w.WriteNumber("lot", 0.001);
            w.WriteNumber("multiplier", 1);
            w.WriteString("underlying", "BTC");
            w.WriteEndObject();
        }
        else
        {
            var specs = config.Registry.Instruments;
            for (int i = 0; i < specs.Count; i++) WriteInstrument(w, specs[i], config.InstrumentLimits[i]);
        }
        w.WriteEndArray();

        if (config is not null)
        {
            w.WriteStartArray("accounts");
            for (int a = 0; a < config.Registry.AccountCount; a++)
            {
                w.WriteStartObject();
                w.WriteString("name", config.Registry.AccountName(new AccountId(a)));
                w.WritePropertyName("limits");
                WriteAccountLimits(w, config.AccountLimits[a]);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("groups");
            for (int g = 0; g < config.Registry.GroupCount && g < config.Groups.Length; g++)
            {
                var rule = config.Groups[g];
                if (rule.OrdersPerWindow == int.MaxValue && rule.MaxOpenOrders == int.MaxValue) continue;
                w.WriteStartObject();
                w.WriteString("name", config.Registry.GroupName(new GroupId(g)));
                w.WriteStartObject("limits");
                if (rule.OrdersPerWindow != int.MaxValue) w.WriteNumber("max_orders_per_window", rule.OrdersPerWindow);
                if (rule.MaxOpenOrders != int.MaxValue) w.WriteNumber("max_open_orders", rule.MaxOpenOrders);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }

        w.WriteStartObject("pipeline");
        w.WriteNumber("capacity", pipeline.Ring.Capacity);
        w.WriteString("producer_mode", ConfigNames<Ring.ProducerMode>.Of(pipeline.Ring.ProducerMode));
        w.WriteString("full_ring_policy", ConfigNames<Ring.FullRingPolicy>.Of(pipeline.Ring.FullRingPolicy));
        w.WriteNumber("block_spin_limit", pipeline.Ring.BlockSpinLimit);
        w.WriteString("wait_strategy", ConfigNames<Ring.WaitStrategyKind>.Of(pipeline.Ring.WaitStrategy));
        w.WriteNumber("stall_threshold_ms", pipeline.StallThreshold.TotalMilliseconds);
        w.WriteString("detector_fault_policy", ConfigNames<DetectorFaultPolicy>.Of(pipeline.DetectorFaultPolicy));
        w.WriteNumber("max_findings_kept", pipeline.MaxFindingsKept);
        w.WriteString("thread_name", pipeline.ThreadName);
        if (pipeline.Journal is { } j)
        {
            w.WriteStartObject("journal");
            w.WriteString("base_path", j.BasePath);
            w.WriteNumber("buffer_bytes", j.BufferBytes);
            w.WriteNumber("max_payload_bytes", j.MaxPayloadBytes);
            w.WriteNumber("max_file_bytes", j.MaxFileBytes);
            w.WriteNumber("poll_interval_ms", j.PollInterval.TotalMilliseconds);
            w.WriteBoolean("flush_to_disk", j.FlushToDisk);
            w.WriteEndObject();
        }
        w.WriteEndObject();

        w.WriteStartObject("signatures");
        foreach (var key in SignatureSwitches.Keys) w.WriteBoolean(key, signatures.IsEnabled(key));
        w.WriteString("sensitivity", ConfigNames<DetectionSensitivity>.Of(signatures.Sensitivity));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteInstrument(Utf8JsonWriter w, InstrumentSpec s, InstrumentLimits limits)
    {
        w.WriteStartObject();
        w.WriteString("symbol", s.Symbol);
        w.WriteString("kind", ConfigNames<InstrumentKind>.Of(s.Kind));
        w.WriteNumber("tick", s.Tick);
        w.WriteNumber("lot", s.Lot);
        w.WriteNumber("multiplier", s.Multiplier);
        w.WriteString("underlying", s.Underlying);
        w.WriteString("group", s.GroupName);
        if (s.BarrierKind != BarrierKind.None)
        {
            w.WriteNumber("barrier", s.Barrier);
            w.WriteString("barrier_kind", ConfigNames<BarrierKind>.Of(s.BarrierKind));
        }
        if (double.IsFinite(s.Strike)) w.WriteNumber("strike", s.Strike);
        w.WritePropertyName("limits");
        WriteInstrumentLimits(w, limits);
        w.WriteEndObject();
    }

    /// <summary>Writes limits with every default resolved; a limit whose default is "none" is left out when unset.</summary>
    private static void WriteInstrumentLimits(Utf8JsonWriter w, InstrumentLimits l)
    {
        w.WriteStartObject();
        Opt(w, "min_order_quantity", l.MinOrderQuantity);
        Opt(w, "max_order_quantity", l.MaxOrderQuantity);
        Opt(w, "max_order_notional", l.MaxOrderNotional);
        Opt(w, "min_order_notional", l.MinOrderNotional);
        if (l.AllowNonPositivePrice is { } nonPositive) w.WriteBoolean("allow_non_positive_price", nonPositive); // default depends on the kind: left out when unset
        w.WriteNumber("fat_finger_multiple", l.FatFingerMultiple ?? RiskDefaults.FatFingerMultiple);
        w.WriteNumber("collar_bps", l.CollarBps ?? RiskDefaults.CollarBps);
        w.WriteString("reference_source", ConfigNames<ReferencePriceSource>.Of(l.ReferenceSource ?? ReferencePriceSource.LastTrade));
        w.WriteNumber("reference_stale_after_ms", (l.ReferenceStaleAfter ?? RiskDefaults.ReferenceStaleAfter).TotalMilliseconds);
        w.WriteString("missing_reference", ConfigNames<MissingReferencePolicy>.Of(l.MissingReference ?? MissingReferencePolicy.Reject));
        Opt(w, "max_long_position", l.MaxLongPosition);
        Opt(w, "max_short_position", l.MaxShortPosition);
        w.WriteNumber("max_open_orders", l.MaxOpenOrders ?? RiskDefaults.MaxOpenOrdersPerInstrument);
        w.WriteNumber("max_open_orders_per_account", l.MaxOpenOrdersPerAccount ?? RiskDefaults.MaxOpenOrdersPerAccountInstrument);
        w.WriteNumber("max_orders_per_window", l.MaxOrdersPerWindow ?? RiskDefaults.InstrumentOrdersPerWindow);
        w.WriteNumber("max_messages_per_window", l.MaxMessagesPerWindow ?? RiskDefaults.InstrumentMessagesPerWindow);
        if (l.MaxModifiesPerWindow is { } modifies) w.WriteNumber("max_modifies_per_window", modifies);
        if (l.SettlementCurrency is { } ccy) w.WriteString("settlement_currency", ccy);
        Opt(w, "margin_rate", l.MarginRate);
        Opt(w, "leverage", l.Leverage);
        Opt(w, "fee_rate", l.FeeRate);
        w.WriteEndObject();
    }

    private static void WriteAccountLimits(Utf8JsonWriter w, AccountLimits l)
    {
        w.WriteStartObject();
        Opt(w, "max_gross_exposure", l.MaxGrossExposure);
        Opt(w, "max_net_exposure", l.MaxNetExposure);
        w.WriteNumber("max_open_orders", l.MaxOpenOrders ?? RiskDefaults.MaxOpenOrdersPerAccount);
        w.WriteNumber("max_orders_per_window", l.MaxOrdersPerWindow ?? RiskDefaults.AccountOrdersPerWindow);
        w.WriteNumber("max_messages_per_window", l.MaxMessagesPerWindow ?? RiskDefaults.AccountMessagesPerWindow);
        Opt(w, "max_daily_loss", l.MaxDailyLoss);
        if (l.MaxModifiesPerWindow is { } modifies) w.WriteNumber("max_modifies_per_window", modifies);
        w.WriteBoolean("prevent_self_match", l.PreventSelfMatch ?? true);
        if (l.BalanceMode is { } mode) w.WriteString("balance_mode", ConfigNames<BalanceMode>.Of(mode));
        if (l.Balances is { Count: > 0 } balances)
        {
            w.WriteStartObject("balances");
            foreach (var (ccy, amount) in balances.OrderBy(b => b.Key, StringComparer.Ordinal)) w.WriteNumber(ccy, amount);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void Opt(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
    }
}
