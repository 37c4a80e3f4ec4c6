namespace CircuitBreaker.Tape;

/// <summary>
/// A tape that cannot be replayed at all: the file cannot be opened or decompressed, or it holds no good record.
/// Single bad records never throw; they are reported as <see cref="TapeDiagnostic"/>s.
/// </summary>
public sealed class TapeFormatException : Exception
{
    /// <summary>Creates the exception with a message a person can act on.</summary>
    /// <param name="message">What is wrong and where (file, line).</param>
    public TapeFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the I/O or decompression error behind it.</summary>
    /// <param name="message">What is wrong and where (file, line).</param>
    /// <param name="innerException">The I/O or decompression error behind it.</param>
    public TapeFormatException(string message, Exception innerException) : base(message, innerException) { }
}
