namespace CircuitBreaker.Detectors;

/// <summary>Options a detector validates at construction (every error in one <see cref="ArgumentException"/>).</summary>
internal interface IDetectorOptions
{
    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid option.</summary>
    void Validate();
}

/// <summary>What every detector does first at construction.</summary>
internal static class DetectorSetup
{
    /// <summary>The options a detector runs with: <paramref name="options"/>, or the type's defaults when null, validated.
    /// Throws <see cref="ArgumentNullException"/> for a null <paramref name="context"/> and <see cref="ArgumentException"/>
    /// (every error in one message) for invalid options.</summary>
    public static T Options<T>(DetectorContext context, T? options) where T : class, IDetectorOptions, new()
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = options ?? new T();
        o.Validate();
        return o;
    }
}
