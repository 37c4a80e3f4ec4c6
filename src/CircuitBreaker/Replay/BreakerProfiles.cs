namespace CircuitBreaker.Replay;

/// <summary>
/// Ready-made limit profiles for replays, applied to a <see cref="CircuitBreakerBuilder"/> before the tape's instruments
/// are declared: the default limits (nothing changed) and the breaker "off" (every limit so wide that each order passes),
/// which gives the baseline for "loss avoided". Allocates; setup only.
/// </summary>
public static class BreakerProfiles
{
    private const int Huge = 1_000_000_000;

    /// <summary>Default limits (<see cref="RiskDefaults"/>): leaves the builder as it is.</summary>
    /// <param name="builder">The builder (left as it is).</param>
    public static void Default(CircuitBreakerBuilder builder) => ArgumentNullException.ThrowIfNull(builder);

    /// <summary>
    /// The breaker off: no fat-finger guard (multiple 10^9), a collar of 10^6 bps with a missing reference allowed, rates
    /// and open orders at 10^9, 1,024 open orders per account and instrument, and no position, exposure or loss limit.
    /// Self-match and duplicate-id checks still apply (a tape that breaks them is not a real engine's).
    /// </summary>
    /// <param name="builder">The builder whose limits are opened.</param>
    public static void Off(CircuitBreakerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.DefaultInstrumentLimits(new InstrumentLimits
        {
            FatFingerMultiple = 1e9,
            CollarBps = 1e6,
            MissingReference = MissingReferencePolicy.Allow,
            MaxOpenOrders = Huge,
            MaxOpenOrdersPerAccount = 1024,
            MaxOrdersPerWindow = Huge,
            MaxMessagesPerWindow = Huge,
        });
        builder.DefaultAccountLimits(new AccountLimits { MaxOpenOrders = Huge, MaxOrdersPerWindow = Huge, MaxMessagesPerWindow = Huge });
        builder.Capacity(pairs: 1024, orders: 1 << 20);
    }
}
