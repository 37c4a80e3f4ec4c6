namespace CircuitBreaker;

/// <summary>The default detector set: every signature on, with its documented conservative defaults. Allocates; call at setup.</summary>
public static class DefaultDetectors
{
    /// <summary>Creates every default detector for the instruments and accounts of <paramref name="context"/>.</summary>
    public static IDetector[] Create(DetectorContext context) =>
    [
        new VolumeSpikeDetector(context),
        new PriceVelocityDetector(context),
        new OracleDetector(context),
        new LiquidityCollapseDetector(context),
        new MlAnomalyDetector(context),
        new RunawayAlgorithmDetector(context),
        new QuoteStuffingDetector(context),
        new LossVelocityDetector(context),
        new FlashLoanDetector(context),
        new DrainDetector(context),
        new ProductRiskDetector(context),
    ];
}
