namespace CircuitBreaker.Detectors;

/// <summary>The default detector set: every signature on, with its documented conservative defaults. Allocates; call at setup.</summary>
public static class DefaultDetectors
{
    private static readonly SignatureSwitches s_allOn = new();

    /// <summary>Creates every default detector for the instruments and accounts of <paramref name="context"/>
    /// (the same set a configuration file's <c>signatures</c> section switches; see <see cref="SignatureSwitches"/>).</summary>
    /// <param name="context">The registry and account capacity the detector sizes its state from (allocated here, once).</param>
    /// <returns>Every default detector, in run order.</returns>
    public static IDetector[] Create(DetectorContext context) => s_allOn.CreateDetectors(context);
}
