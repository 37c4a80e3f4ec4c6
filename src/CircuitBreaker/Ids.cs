namespace CircuitBreaker;

/// <summary>Dense identifier of an instrument, issued by <see cref="InstrumentRegistry"/> at setup. No strings on the hot path.</summary>
/// <param name="Value">Index in <c>[0, count)</c>; <see cref="None"/> is <c>-1</c>.</param>
public readonly record struct InstrumentId(int Value)
{
    /// <summary>No instrument.</summary>
    public static InstrumentId None => new(-1);
    /// <summary>True when this id was issued by a registry (non-negative).</summary>
    public bool IsValid => Value >= 0;
    /// <inheritdoc />
    public override string ToString() => $"instrument#{Value}";
}

/// <summary>Dense identifier of a trading account, issued by <see cref="InstrumentRegistry"/> at setup.</summary>
/// <param name="Value">Index in <c>[0, count)</c>; <see cref="None"/> is <c>-1</c>.</param>
public readonly record struct AccountId(int Value)
{
    /// <summary>No account.</summary>
    public static AccountId None => new(-1);
    /// <summary>True when this id was issued by a registry (non-negative).</summary>
    public bool IsValid => Value >= 0;
    /// <inheritdoc />
    public override string ToString() => $"account#{Value}";
}

/// <summary>Dense identifier of a risk group (by default all instruments on one underlying).</summary>
/// <param name="Value">Index in <c>[0, count)</c>; <see cref="None"/> is <c>-1</c>.</param>
public readonly record struct GroupId(int Value)
{
    /// <summary>No group.</summary>
    public static GroupId None => new(-1);
    /// <summary>True when this id was issued by a registry (non-negative).</summary>
    public bool IsValid => Value >= 0;
    /// <inheritdoc />
    public override string ToString() => $"group#{Value}";
}
