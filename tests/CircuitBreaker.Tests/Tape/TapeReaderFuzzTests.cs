using System.Text;
using Xunit.Abstractions;

namespace CircuitBreaker.Tests.Tape;

/// <summary>
/// Seeded fuzzing of <see cref="TapeReader"/>: 20,000 generated lines (random bytes, truncated and mutated valid
/// records, huge numbers, wrong types, deep nesting, giant strings) in tapes of 500 lines. No exception may escape,
/// and every line that is not blank or a comment must be either a good record or a reported bad record.
/// </summary>
public sealed class TapeReaderFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 20_000;
    private const int LinesPerTape = 500;

    private static readonly string[] Valid =
    [
        """{"t":T,"type":"trade","symbol":"BTC-PERP","px":64000.1,"qty":0.25,"aggressor":"buy"}""",
        """{"t":T,"type":"quote","symbol":"BTC-PERP","bid":63999.9,"ask":64000.1,"bid_qty":3.2,"ask_qty":2.9}""",
        """{"t":T,"type":"oracle","symbol":"BTC","px":64000.0,"source":"index"}""",
        """{"t":T,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":500}""",
        """{"t":T,"type":"fill","symbol":"BTC-PERP","order_id":1,"account":"mm-1","side":"sell","px":64000.0,"qty":0.5}""",
        """{"t":T,"type":"position","account":"mm-1","symbol":"BTC-PERP","qty":-2,"delta":-2}""",
        """{"t":T,"type":"chain","kind":"borrow","asset":"USDC","amount":1e6,"block":19000000,"tx":"0xab"}""",
        """{"t":T,"type":"admin","action":"halt","scope":"global","target":"*"}""",
        """{"t":T,"type":"instrument","symbol":"SYM","kind":"option","tick":0.5,"lot":1,"underlying":"BTC","strike":60000}""",
    ];

    private static readonly string[] Poison =
    [
        "1e999", "-1e999", "1e308", "123456789012345678901234567890", "-0", "0.0000000000000000000001", "\"x\"", "true", "null",
        "{}", "[]", "[1,[2,[3]]]", "{\"a\":{\"b\":1}}", "\"\\ud800\"", "\"\\u0000\"", "NaN", "Infinity", "01", "1.", ".5", "--1",
    ];

    [Fact]
    public void TryRead_Fuzz20000SeededLines_NoExceptionAndEveryNonCommentLineAccountedFor()
    {
        var random = new Random(20_240_601);
        long good = 0, bad = 0, lines = 0;
        for (int tape = 0; tape < Iterations / LinesPerTape; tape++)
        {
            var bytes = new List<byte>(1 << 16);
            bytes.AddRange(Encoding.UTF8.GetBytes(TapeText.Instrument + "\n"));
            long t = 0;
            for (int i = 0; i < LinesPerTape; i++)
            {
                t += random.Next(0, 1000);
                bytes.AddRange(Line(random, t, tape * LinesPerTape + i));
                bytes.Add((byte)'\n');
            }
            byte[] data = [.. bytes];
            (long expected, HashSet<long> commentLines) = NonCommentLines(data);

            using var reader = TapeText.Reader(data);
            var records = new List<TapeRecord>();
            var ex = Record.Exception(() => { while (reader.TryRead(out var r)) records.Add(r); });

            Assert.Null(ex);
            Assert.Equal(expected, reader.GoodRecords + reader.BadRecords);
            Assert.Equal(records.Count, reader.GoodRecords);
            Assert.True(reader.GoodRecords >= 1);
            Assert.Equal(Math.Min(reader.BadRecords, TapeReader.MaxDiagnostics), reader.Diagnostics.Count);
            var badLines = reader.Diagnostics.Select(d => d.Line).ToList();
            Assert.Equal(badLines.Distinct().Count(), badLines.Count);
            Assert.All(badLines, l => Assert.DoesNotContain(l, commentLines));
            Assert.All(records, r => Assert.DoesNotContain(r.LineNumber, badLines));
            Assert.All(reader.Diagnostics, d => Assert.False(string.IsNullOrWhiteSpace(d.Reason)));
            good += reader.GoodRecords;
            bad += reader.BadRecords;
            lines += expected;
        }
        output.WriteLine($"fuzz: {Iterations} generated lines (+{Iterations / LinesPerTape} headers), {lines} non-comment, {good} good, {bad} bad");
        Assert.True(bad > Iterations / 4, "the generator should mostly produce bad lines");
        Assert.True(good > Iterations / 20, "the generator should also produce good lines");
    }

    private static byte[] Line(Random random, long t, int index)
    {
        string valid = Valid[random.Next(Valid.Length)].Replace("\"t\":T", $"\"t\":{t}").Replace("SYM", $"S{index}");
        switch (random.Next(9))
        {
            case 0: // random bytes, no line break
            {
                var b = new byte[random.Next(0, 200)];
                random.NextBytes(b);
                for (int i = 0; i < b.Length; i++) if (b[i] == (byte)'\n') b[i] = (byte)' ';
                return b;
            }
            case 1: // truncated
                return Encoding.UTF8.GetBytes(valid[..random.Next(0, valid.Length)]);
            case 2: // mutated bytes
            {
                var b = Encoding.UTF8.GetBytes(valid).ToList();
                for (int m = random.Next(1, 4); m > 0 && b.Count > 0; m--)
                {
                    int at = random.Next(b.Count);
                    switch (random.Next(3))
                    {
                        case 0: b[at] = (byte)random.Next(1, 256); break;
                        case 1: b.RemoveAt(at); break;
                        default: b.Insert(at, (byte)random.Next(1, 256)); break;
                    }
                }
                return [.. b.Select(x => x == (byte)'\n' ? (byte)'x' : x)];
            }
            case 3: // huge numbers and wrong types in place of a value
            {
                string[] keys = ["\"t\":", "\"px\":", "\"qty\":", "\"symbol\":", "\"type\":", "\"id\":", "\"side\":", "\"amount\":"];
                string key = keys[random.Next(keys.Length)];
                int at = valid.IndexOf(key, StringComparison.Ordinal);
                if (at < 0) return Encoding.UTF8.GetBytes(valid);
                int start = at + key.Length;
                int end = valid.IndexOfAny([',', '}'], start);
                return Encoding.UTF8.GetBytes(string.Concat(valid.AsSpan(0, start), Poison[random.Next(Poison.Length)], valid.AsSpan(end)));
            }
            case 4: // deep nesting in an extra field
            {
                int depth = random.Next(1, 300);
                var sb = new StringBuilder(valid[..^1]).Append(",\"deep\":");
                for (int i = 0; i < depth; i++) sb.Append(random.Next(2) == 0 ? "[" : "{\"a\":");
                sb.Append('1');
                for (int i = depth - 1; i >= 0 && random.Next(50) != 0; i--) sb.Append(']');
                return Encoding.UTF8.GetBytes(sb.Append('}').ToString());
            }
            case 5: // giant string, once in a while beyond the line cap
            {
                int length = random.Next(200) == 0 ? TapeReader.MaxLineBytes + random.Next(1, 1000) : random.Next(1000, 100_000);
                return Encoding.UTF8.GetBytes(valid[..^1] + ",\"venue\":\"" + new string((char)random.Next('a', 'z'), length) + "\"}");
            }
            case 6: // comment or blank
                return Encoding.UTF8.GetBytes(random.Next(2) == 0 ? "   # note " + index : " \t\r");
            default:
                return Encoding.UTF8.GetBytes(valid);
        }
    }

    /// <summary>Independent count of the lines the reader must account for: not blank, not starting with '#'.</summary>
    private static (long Count, HashSet<long> CommentLines) NonCommentLines(byte[] data)
    {
        long count = 0, line = 0;
        var comments = new HashSet<long>();
        int start = 0;
        while (start < data.Length)
        {
            int nl = Array.IndexOf(data, (byte)'\n', start);
            int end = nl < 0 ? data.Length : nl;
            line++;
            var span = data.AsSpan(start, end - start);
            if (span.StartsWith("\uFEFF"u8)) span = span[3..];
            span = span.Trim(" \t\r"u8);
            if (span.IsEmpty || span[0] == (byte)'#') comments.Add(line);
            else count++;
            start = end + 1;
        }
        return (count, comments);
    }
}
