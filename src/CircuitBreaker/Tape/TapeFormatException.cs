namespace CircuitBreaker.Tape;

/// <summary>
/// A tape that cannot be replayed at all: the file cannot be opened or decompressed, or it holds no good record.
/// Single bad records never throw; they are reported as <see cref="TapeDiagnostic"/>s.
/// </summary>
public sealed class TapeFormatException : Exception
{
    /// <summary>Creates the exception with a message a person can act on.</summary>
    public TapeFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the I/O or decompression error behind it.</summary>
    public TapeFormatException(string message, Exception innerException) : base(message, innerException) { }
}
