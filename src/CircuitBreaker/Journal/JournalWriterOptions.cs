namespace CircuitBreaker.Journal;

/// <summary>
/// Settings of a <see cref="JournalWriter"/>. Every default is stated; <see cref="Validate"/> reports all errors in
/// one message.
/// </summary>
public sealed class JournalWriterOptions
{
    /// <summary>Path prefix of the journal files: file <c>n</c> is <c>&lt;BasePath&gt;.&lt;n:D6&gt;.cbj</c>. Required.</summary>
    public string BasePath { get; init; } = "";

    /// <summary>Size of the preallocated buffer between the appender and the journal thread, in bytes; a power of two
    /// of at least 4096. Default 1 MiB.</summary>
    public int BufferBytes { get; init; } = 1 << 20;

    /// <summary>Largest payload accepted, in bytes; at most <see cref="BufferBytes"/>/4 and
    /// <see cref="JournalFormat.MaxPayloadLength"/>. Default 4096.</summary>
    public int MaxPayloadBytes { get; init; } = 4096;

    /// <summary>A file is rotated before a record would take it past this size (a file always holds at least one
    /// record). At least 4096. Default 64 MiB.</summary>
    public long MaxFileBytes { get; init; } = 64L << 20;

    /// <summary>How long the journal thread sleeps when there is nothing to write. Between 0 (exclusive) and 1 s.
    /// Default 1 ms.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Sequence number of the first record of this writer session. Non-negative. Default 0.</summary>
    public long FirstSequence { get; init; }

    /// <summary>Bytes of the buffer kept for records that must never be dropped (decisions, fills, trips, admin commands,
    /// notes, gap and end-of-session records): market data (trades, quotes, oracle prices) is shed, counted and marked by a
    /// gap record when appending it would leave less than this free. Null (default): a quarter of <see cref="BufferBytes"/>.
    /// Between 0 and <see cref="BufferBytes"/>/2.</summary>
    public int? ReserveBytes { get; init; }

    /// <summary>How long an append of a record that must never be dropped waits (spinning and yielding, no lock, no
    /// allocation) for the journal thread to free room when even the reserve is full. After it, the record is refused and
    /// counted in <see cref="JournalWriter.Dropped"/> and a gap record marks it (a pipeline then halts trading globally).
    /// Zero: never wait. Between 0 and 60 s. Default 1 s.</summary>
    public TimeSpan EssentialWaitTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The reserve in force: <see cref="ReserveBytes"/>, or a quarter of <see cref="BufferBytes"/>.</summary>
    public int EffectiveReserveBytes => ReserveBytes ?? BufferBytes / 4;

    /// <summary>When true, every batch is forced to the device (<c>FileStream.Flush(true)</c>), not only to the OS.
    /// Default false.</summary>
    public bool FlushToDisk { get; init; }

    /// <summary>Opens the stream for a journal file path. Default null: a new <see cref="FileStream"/>
    /// (<see cref="FileMode.CreateNew"/>, readers allowed, no stream buffer), creating the directory. Tests inject
    /// failing streams here.</summary>
    public Func<string, Stream>? StreamFactory { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting. Allocates.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(BasePath))
            errors.Add("BasePath is required.");
        if (BufferBytes < 4096 || (BufferBytes & (BufferBytes - 1)) != 0)
            errors.Add($"BufferBytes must be a power of two >= 4096 (was {BufferBytes}).");
        if (MaxPayloadBytes < 0 || MaxPayloadBytes > JournalFormat.MaxPayloadLength || MaxPayloadBytes > BufferBytes / 4)
            errors.Add($"MaxPayloadBytes must be in [0, min(BufferBytes/4, {JournalFormat.MaxPayloadLength})] (was {MaxPayloadBytes}).");
        if (MaxFileBytes < 4096)
            errors.Add($"MaxFileBytes must be >= 4096 (was {MaxFileBytes}).");
        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromSeconds(1))
            errors.Add($"PollInterval must be in (0, 1 s] (was {PollInterval}).");
        if (ReserveBytes is { } reserve && (reserve < 0 || reserve > BufferBytes / 2))
            errors.Add($"ReserveBytes must be in [0, BufferBytes/2] (was {reserve}).");
        if (EssentialWaitTimeout < TimeSpan.Zero || EssentialWaitTimeout > TimeSpan.FromSeconds(60))
            errors.Add($"EssentialWaitTimeout must be in [0, 60 s] (was {EssentialWaitTimeout}).");
        if (FirstSequence < 0)
            errors.Add($"FirstSequence must be >= 0 (was {FirstSequence}).");
        if (errors.Count > 0)
            throw new ArgumentException("Invalid journal writer options: " + string.Join(" ", errors));
    }
}
