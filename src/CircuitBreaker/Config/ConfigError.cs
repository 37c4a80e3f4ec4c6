namespace CircuitBreaker.Config;

/// <summary>One problem in a configuration file: where (a JSON path such as <c>$.instruments[2].tick</c>) and what.</summary>
/// <param name="Path">JSON path of the offending value (<c>$</c> for the whole document).</param>
/// <param name="Message">What is wrong, in plain words (e.g. <c>must be &gt; 0 (was -1)</c>).</param>
public readonly record struct ConfigError(string Path, string Message)
{
    /// <summary><c>path: message</c>, e.g. <c>$.instruments[2].tick: must be &gt; 0 (was -1)</c>.</summary>
    public override string ToString() => $"{Path}: {Message}";
}
