namespace CircuitBreaker.Detectors;

/// <summary>
/// Which default detectors run (the <c>signatures</c> section of the configuration file). Every switch defaults to on,
/// matching <see cref="DefaultDetectors.Create"/>. Keys in the file: <see cref="Keys"/> (<c>volume_spike</c>,
/// <c>price_velocity</c>, ... <c>product_risk</c>), one per detector, all from one table.
/// </summary>
public sealed record SignatureSwitches
{
    /// <summary>
    /// The registry: one row per signature switch, with its file key, its property and the detector it creates, in the
    /// order of <see cref="DefaultDetectors.Create"/>. Every list of keys and every switch-by-key is read from here.
    /// </summary>
    private static readonly Row[] s_rows =
    [
        new("volume_spike", s => s.VolumeSpike, (s, on) => s with { VolumeSpike = on }, (c, f) => new VolumeSpikeDetector(c, SensitivityScaling.VolumeSpike(f))),
        new("price_velocity", s => s.PriceVelocity, (s, on) => s with { PriceVelocity = on }, (c, f) => new PriceVelocityDetector(c, SensitivityScaling.PriceVelocity(f))),
        new("oracle", s => s.Oracle, (s, on) => s with { Oracle = on }, (c, f) => new OracleDetector(c, SensitivityScaling.Oracle(f))),
        new("liquidity_collapse", s => s.LiquidityCollapse, (s, on) => s with { LiquidityCollapse = on }, (c, f) => new LiquidityCollapseDetector(c, SensitivityScaling.LiquidityCollapse(f))),
        new("ml_anomaly", s => s.MlAnomaly, (s, on) => s with { MlAnomaly = on }, (c, f) => new MlAnomalyDetector(c, SensitivityScaling.MlAnomaly(f))),
        new("runaway_algorithm", s => s.RunawayAlgorithm, (s, on) => s with { RunawayAlgorithm = on }, (c, f) => new RunawayAlgorithmDetector(c, SensitivityScaling.RunawayAlgorithm(f))),
        new("quote_stuffing", s => s.QuoteStuffing, (s, on) => s with { QuoteStuffing = on }, (c, f) => new QuoteStuffingDetector(c, SensitivityScaling.QuoteStuffing(f))),
        new("loss_velocity", s => s.LossVelocity, (s, on) => s with { LossVelocity = on }, (c, f) => new LossVelocityDetector(c, SensitivityScaling.LossVelocity(f))),
        new("flash_loan", s => s.FlashLoan, (s, on) => s with { FlashLoan = on }, (c, f) => new FlashLoanDetector(c, SensitivityScaling.FlashLoan(f))),
        new("drain", s => s.Drain, (s, on) => s with { Drain = on }, (c, f) => new DrainDetector(c, SensitivityScaling.Drain(f))),
        new("product_risk", s => s.ProductRisk, (s, on) => s with { ProductRisk = on }, (c, f) => new ProductRiskDetector(c, SensitivityScaling.ProductRisk(f))),
    ];

    private sealed record Row(string Key, Func<SignatureSwitches, bool> IsOn, Func<SignatureSwitches, bool, SignatureSwitches> With,
        Func<DetectorContext, double, IDetector> Create);

    /// <summary>File keys, in the order of <see cref="DefaultDetectors.Create"/>.</summary>
    public static IReadOnlyList<string> Keys { get; } = Array.ConvertAll(s_rows, r => r.Key);

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

    /// <summary>
    /// How far from normal the detectors' thresholds sit, all scaled together (<see cref="DetectionSensitivity"/>; file key
    /// <c>sensitivity</c>: <c>default</c>, <c>conservative</c> or <c>aggressive</c>). Default <see cref="DetectionSensitivity.Default"/>:
    /// every detector's documented defaults.
    /// </summary>
    public DetectionSensitivity Sensitivity { get; init; }

    /// <summary>The switch for a file key; false for an unknown key.</summary>
    /// <param name="key">A detector's configuration key (<c>volume_spike</c>, ...).</param>
    /// <returns>True when that detector is on; false for an unknown key.</returns>
    public bool IsEnabled(string key) => Find(key) is { } row && row.IsOn(this);

    /// <summary>Creates the enabled detectors (default options scaled by <see cref="Sensitivity"/>), in the order of <see cref="DefaultDetectors.Create"/>. Allocates; call at setup.</summary>
    /// <param name="context">The registry and account capacity the detector sizes its state from (allocated here, once).</param>
    /// <returns>The detectors switched on, in run order.</returns>
    public IDetector[] CreateDetectors(DetectorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var list = new List<IDetector>(s_rows.Length);
        double factor = SensitivityScaling.Factor(Sensitivity); // throws for an undefined value: fails closed at setup
        foreach (var row in s_rows) if (row.IsOn(this)) list.Add(row.Create(context, factor));
        return list.ToArray();
    }

    /// <summary>These switches with one changed; unchanged for an unknown key.</summary>
    internal SignatureSwitches With(string key, bool on) => Find(key) is { } row ? row.With(this, on) : this;

    private static Row? Find(string key) => Array.Find(s_rows, r => r.Key == key);
}
