namespace CircuitBreaker;

/// <summary>
/// Which default detectors run (the <c>signatures</c> section of the configuration file). Every switch defaults to on,
/// matching <see cref="DefaultDetectors.Create"/>. Keys in the file: <c>volume_spike</c>, <c>price_velocity</c>,
/// <c>oracle</c>, <c>liquidity_collapse</c>, <c>ml_anomaly</c>.
/// </summary>
public sealed record SignatureSwitches
{
    /// <summary>File keys, in the order of <see cref="DefaultDetectors.Create"/>.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["volume_spike", "price_velocity", "oracle", "liquidity_collapse", "ml_anomaly",
        "runaway_algorithm", "quote_stuffing", "loss_velocity", "flash_loan", "drain", "product_risk"];

    /// <summary>Volume spike detector (<see cref="VolumeSpikeDetector"/>). Default on.</summary>
    public bool VolumeSpike { get; init; } = true;
    /// <summary>Price velocity detector (<see cref="PriceVelocityDetector"/>). Default on.</summary>
    public bool PriceVelocity { get; init; } = true;
    /// <summary>Oracle detector: deviation, jump, cross-source, staleness (<see cref="OracleDetector"/>). Default on.</summary>
    public bool Oracle { get; init; } = true;
    /// <summary>Liquidity collapse detector (<see cref="LiquidityCollapseDetector"/>). Default on.</summary>
    public bool LiquidityCollapse { get; init; } = true;
    /// <summary>Streaming ML anomaly detector (<see cref="MlAnomalyDetector"/>). Default on.</summary>
    public bool MlAnomaly { get; init; } = true;
    /// <summary>Runaway algorithm (Knight Capital pattern). Default on.</summary>
    public bool RunawayAlgorithm { get; init; } = true;
    /// <summary>Quote stuffing / message flood vs the account's own baseline. Default on.</summary>
    public bool QuoteStuffing { get; init; } = true;
    /// <summary>Loss velocity per account and group. Default on.</summary>
    public bool LossVelocity { get; init; } = true;
    /// <summary>Flash-loan pattern on chain events. Default on.</summary>
    public bool FlashLoan { get; init; } = true;
    /// <summary>Collateral drain. Default on.</summary>
    public bool Drain { get; init; } = true;
    /// <summary>Product risk: greeks, barrier proximity, swap exposure. Default on.</summary>
    public bool ProductRisk { get; init; } = true;

    /// <summary>The switch for a file key; false for an unknown key.</summary>
    public bool IsEnabled(string key) => key switch
    {
        "volume_spike" => VolumeSpike,
        "price_velocity" => PriceVelocity,
        "oracle" => Oracle,
        "liquidity_collapse" => LiquidityCollapse,
        "ml_anomaly" => MlAnomaly,
        "runaway_algorithm" => RunawayAlgorithm,
        "quote_stuffing" => QuoteStuffing,
        "loss_velocity" => LossVelocity,
        "flash_loan" => FlashLoan,
        "drain" => Drain,
        "product_risk" => ProductRisk,
        _ => false,
    };

    /// <summary>Creates the enabled detectors (default options), in the order of <see cref="DefaultDetectors.Create"/>. Allocates; call at setup.</summary>
    public IDetector[] CreateDetectors(DetectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var list = new List<IDetector>(Keys.Count);
        if (VolumeSpike) list.Add(new VolumeSpikeDetector(context));
        if (PriceVelocity) list.Add(new PriceVelocityDetector(context));
        if (Oracle) list.Add(new OracleDetector(context));
        if (LiquidityCollapse) list.Add(new LiquidityCollapseDetector(context));
        if (MlAnomaly) list.Add(new MlAnomalyDetector(context));
        if (RunawayAlgorithm) list.Add(new RunawayAlgorithmDetector(context));
        if (QuoteStuffing) list.Add(new QuoteStuffingDetector(context));
        if (LossVelocity) list.Add(new LossVelocityDetector(context));
        if (FlashLoan) list.Add(new FlashLoanDetector(context));
        if (Drain) list.Add(new DrainDetector(context));
        if (ProductRisk) list.Add(new ProductRiskDetector(context));
        return list.ToArray();
    }

    internal SignatureSwitches With(string key, bool on) => key switch
    {
        "volume_spike" => this with { VolumeSpike = on },
        "price_velocity" => this with { PriceVelocity = on },
        "oracle" => this with { Oracle = on },
        "liquidity_collapse" => this with { LiquidityCollapse = on },
        "ml_anomaly" => this with { MlAnomaly = on },
        "runaway_algorithm" => this with { RunawayAlgorithm = on },
        "quote_stuffing" => this with { QuoteStuffing = on },
        "loss_velocity" => this with { LossVelocity = on },
        "flash_loan" => this with { FlashLoan = on },
        "drain" => this with { Drain = on },
        "product_risk" => this with { ProductRisk = on },
        _ => this,
    };
}
