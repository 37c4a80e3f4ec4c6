using System.Buffers;
using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CircuitBreaker.Tape;

/// <summary>
/// Writes spec-v1 event tapes: one JSON object per line, invariant culture, shortest round-trippable numbers, fields in
/// the spec's order, only the fields of the record's type, absent optional fields omitted. Every record is checked
/// with the same rules as <see cref="TapeReader"/> (time order, declared symbols, required fields), so what this writes
/// reads back equal (with <see cref="TapeRecord.LineNumber"/> set, and the reader's defaults: multiplier 1, action new).
/// Not thread-safe. Each record is serialised into a reused buffer; strings allocate nothing extra.
/// </summary>
public sealed class TapeWriter : IDisposable
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly TapeRules _rules = new();
    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private readonly Utf8JsonWriter _json;
    private bool _disposed;

    /// <summary>Writes a tape to <paramref name="stream"/> (uncompressed unless the stream compresses).</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open on <see cref="Dispose"/> (default false).</param>
    public TapeWriter(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite) throw new ArgumentException("The tape stream is not writable.", nameof(stream));
        _stream = stream;
        _leaveOpen = leaveOpen;
        _json = new Utf8JsonWriter(_line, Options);
    }

    /// <summary>Creates (or overwrites) the tape at <paramref name="path"/>; gzip-compressed when it ends in <c>.gz</c>.</summary>
    /// <param name="path">The file to create or overwrite.</param>
    /// <returns>The writer; dispose it to flush and close the file.</returns>
    public static TapeWriter Create(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Stream stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) stream = new GZipStream(stream, CompressionLevel.Optimal);
        return new TapeWriter(stream);
    }

    /// <summary>Records written so far (comments not counted).</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>Writes a <c># comment</c> line. The text must not contain a line break.</summary>
    /// <param name="text">The comment, without the leading <c>#</c> and without line breaks.</param>
    public void WriteComment(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (text.AsSpan().IndexOfAny('\n', '\r') >= 0) throw new ArgumentException("A tape comment must be one line.", nameof(text));
        _stream.Write(System.Text.Encoding.UTF8.GetBytes("# " + text + "\n"));
    }

    /// <summary>Writes one record as one line.</summary>
    /// <exception cref="ArgumentException">The record breaks the spec (the message says which rule); nothing is written.</exception>
    /// <param name="record">The record; its fields are written in the tape's names, unset ones left out.</param>
    public void Write(TapeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)record.Type >= (uint)TapeNames.RecordTypes.Length) throw new ArgumentException($"Unknown record type {(int)record.Type}.", nameof(record));
        string? reason = _rules.Check(record, out _);
        if (reason is not null) throw new ArgumentException($"Not a valid tape record: {reason}.", nameof(record));
        _line.ResetWrittenCount();
        _json.Reset();
        TapeRecordJson.Write(_json, record);
        _json.Flush();
        if (_line.WrittenCount > TapeReader.MaxLineBytes)
        {
            throw new ArgumentException($"Record is longer than {TapeReader.MaxLineBytes} bytes.", nameof(record));
        }
        _line.Write("\n"u8);
        _stream.Write(_line.WrittenSpan);
        _rules.Commit(record);
        RecordsWritten++;
    }

    /// <summary>Flushes buffered lines to the stream.</summary>
    public void Flush() => _stream.Flush();

    /// <summary>Flushes and, unless created with leaveOpen, closes the stream (completing the gzip trailer).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _json.Dispose();
        _stream.Flush();
        if (!_leaveOpen) _stream.Dispose();
    }
}
