using Xunit.Abstractions;

namespace CircuitBreaker.Tests.Journal;

public sealed class JournalReaderFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 5_000;
    private const int Seed = 20_240_917;

    [Fact]
    public void TryRead_5000SeededMutationsOfAValidJournal_NeverThrowsNeverLoopsAndReturnsOnlyAPrefixOfTheOriginal()
    {
        using var scratch = new JournalScratch();
        var options = new JournalWriterOptions { BasePath = scratch.BasePath("source"), MaxFileBytes = 4096 };
        JournalScratch.WriteJournal(options, 150);
        var sources = JournalReader.FindFiles(options.BasePath);
        var originals = sources.Select(File.ReadAllBytes).ToArray();
        var expected = JournalScratch.ReadAll(sources).Records;
        Assert.True(sources.Count >= 2, "the fuzzed journal must span several files");
        Assert.Equal(151, expected.Count); // 150 and the end-of-session record
        Assert.Equal(JournalRecordType.SessionEnd, expected[^1].Type);
        var targets = Enumerable.Range(0, sources.Count).Select(i => JournalFormat.FileName(scratch.BasePath("fuzz"), i)).ToArray();

        var rng = new Random(Seed);
        var outcomes = new Dictionary<JournalDefect, int>();
        int iterations = 0;
        for (; iterations < Iterations; iterations++)
        {
            var files = originals.Select(b => (byte[])b.Clone()).ToArray();
            int mutations = 1 + rng.Next(3);
            for (int m = 0; m < mutations; m++)
            {
                int target = rng.Next(files.Length);
                files[target] = Mutate(files[target], rng);
            }
            for (int i = 0; i < files.Length; i++)
                File.WriteAllBytes(targets[i], files[i]);

            using var reader = new JournalReader(targets);
            int reads = 0;
            while (reader.TryRead(out var record))
            {
                Assert.True(reads < expected.Count, $"iteration {iterations}: more records than were written");
                Assert.Equal(expected[reads].Sequence, record.Sequence);
                Assert.Equal(expected[reads].Type, record.Type);
                Assert.True(expected[reads].Payload.Span.SequenceEqual(record.Payload.Span), $"iteration {iterations}: record {reads} differs");
                reads++;
            }
            Assert.True(reader.IsFinished);
            Assert.Equal(reads, reader.Tail.RecordsRead);
            Assert.Equal(reader.Tail.Status == TailStatus.Clean, reader.Tail.Defect == JournalDefect.None);
            outcomes[reader.Tail.Defect] = outcomes.GetValueOrDefault(reader.Tail.Defect) + 1;
        }

        Assert.Equal(Iterations, iterations);
        Assert.True(outcomes.Count >= 5, "the mutations must reach several kinds of defect");
        output.WriteLine($"{iterations} iterations (seed {Seed}): " + string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}")));
    }

    private static byte[] Mutate(byte[] bytes, Random rng)
    {
        if (bytes.Length == 0)
            return bytes;
        int at = rng.Next(bytes.Length);
        switch (rng.Next(7))
        {
            case 0: // flip bits of one byte
                bytes[at] ^= (byte)(1 + rng.Next(255));
                return bytes;
            case 1: // truncate
                return bytes[..at];
            case 2: // overwrite a range with random bytes
            {
                int length = Math.Min(1 + rng.Next(16), bytes.Length - at);
                rng.NextBytes(bytes.AsSpan(at, length));
                return bytes;
            }
            case 3: // zero a range (a hole from a lost page)
                bytes.AsSpan(at, Math.Min(1 + rng.Next(512), bytes.Length - at)).Clear();
                return bytes;
            case 4: // insert random bytes
            {
                var inserted = new byte[1 + rng.Next(32)];
                rng.NextBytes(inserted);
                return [.. bytes[..at], .. inserted, .. bytes[at..]];
            }
            case 5: // delete a range
                return [.. bytes[..at], .. bytes[Math.Min(bytes.Length, at + 1 + rng.Next(100))..]];
            default: // copy a range of valid bytes elsewhere (replayed frames, misplaced page)
            {
                int from = rng.Next(bytes.Length);
                int length = Math.Min(1 + rng.Next(200), Math.Min(bytes.Length - from, bytes.Length - at));
                bytes.AsSpan(from, length).ToArray().CopyTo(bytes.AsSpan(at));
                return bytes;
            }
        }
    }
}
