using System.Text;
using System.Text.Json;

namespace CircuitBreaker.Drills;

/// <summary>The drills' JSON documents (scorecard, benign-day report): indented UTF-8 written by one body, as text.</summary>
internal static class IndentedJson
{
    /// <summary>Runs <paramref name="body"/> over an indented writer and returns the document. Allocates; reporting only.</summary>
    internal static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            body(w);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
