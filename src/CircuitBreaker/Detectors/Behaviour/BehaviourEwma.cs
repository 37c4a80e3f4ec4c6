namespace CircuitBreaker.Detectors;

/// <summary>
/// Exponentially weighted mean and variance of one sampled value (a count or amount per bucket). Private statistics
/// of the behaviour detectors; a plain value, no allocation.
/// </summary>
internal struct BehaviourEwma
{
    /// <summary>Weighted mean; 0 before the first sample.</summary>
    public double Mean;
    /// <summary>Weighted variance.</summary>
    public double Variance;
    /// <summary>Samples seen (saturates).</summary>
    public int Count;

    /// <summary>Adds one sample with weight <paramref name="alpha"/> in (0, 1].</summary>
    public void Add(double x, double alpha)
    {
        if (!double.IsFinite(x)) return;
        if (Count == 0) { Mean = x; Variance = 0; }
        else
        {
            double d = x - Mean;
            Mean += alpha * d;
            Variance = (1 - alpha) * (Variance + alpha * d * d);
        }
        if (Count < int.MaxValue) Count++;
    }

    /// <summary>Standard deviation.</summary>
    public readonly double StdDev => Math.Sqrt(Variance);
}
