namespace CircuitBreaker;

/// <summary>
/// Which default detectors run (the <c>signatures</c> section of the configuration file). Every switch defaults to on,
/// matching <see cref="DefaultDetectors.Create"/>. Keys in the file: <c>volume_spike</c>, <c>price_velocity</c>,
/// <c>oracle</c>, <c>liquidity_collapse</c>, <c>ml_anomaly</c>.
/// </summary>
public sealed record SignatureSwitches
{
    /// <summary>File keys, in the order of <see cref="DefaultDetectors.Create"/>.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["volume_spike", "price_velocity", "oracle", "liquidity_collapse", "ml_anomaly"];

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

    /// <summary>The switch for a file key; false for an unknown key.</summary>
    public bool IsEnabled(string key) => key switch
    {
        "volume_spike" => VolumeSpike,
        "price_velocity" => PriceVelocity,
        "oracle" => Oracle,
        "liquidity_collapse" => LiquidityCollapse,
        "ml_anomaly" => MlAnomaly,
        _ => false,
    };

    /// <summary>Creates the enabled detectors (default options), in the order of <see cref="DefaultDetectors.Create"/>. Allocates; call at setup.</summary>
    public IDetector[] CreateDetectors(DetectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var list = new List<IDetector>(5);
        if (VolumeSpike) list.Add(new VolumeSpikeDetector(context));
        if (PriceVelocity) list.Add(new PriceVelocityDetector(context));
        if (Oracle) list.Add(new OracleDetector(context));
        if (LiquidityCollapse) list.Add(new LiquidityCollapseDetector(context));
        if (MlAnomaly) list.Add(new MlAnomalyDetector(context));
        return list.ToArray();
    }

    internal SignatureSwitches With(string key, bool on) => key switch
    {
        "volume_spike" => this with { VolumeSpike = on },
        "price_velocity" => this with { PriceVelocity = on },
        "oracle" => this with { Oracle = on },
        "liquidity_collapse" => this with { LiquidityCollapse = on },
        "ml_anomaly" => this with { MlAnomaly = on },
        _ => this,
    };
}
