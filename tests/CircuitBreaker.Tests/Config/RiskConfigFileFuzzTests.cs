using System.Text;

namespace CircuitBreaker.Tests.Config;

public class RiskConfigFileFuzzTests
{
    private static readonly string[] s_tokens =
    [
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "false", "-1", "0", "1e308", "1e400", "-0", "2.5", "NaN", "\"NaN\"",
        "\"perpetual\"", "\"barrier_option\"", "\"up_and_out\"", "\"fail_closed\"", "99999999999999999999", "\"\"", "\" \"",
        "\"symbol\"", "\"tick\"", "\"limits\"", "\"instruments\"", "{\"a\":{\"b\":[[[[]]]]}}", "/* c */", "\\u0000", "\"\\ud800\"",
    ];

    [Fact]
    public void Load_3000SeededMutations_NeverThrowsAndAlwaysAnswers()
    {
        var rng = new Random(20240611);
        string[] seeds = [ConfigSamples.Valid, ConfigSamples.Minimal, RiskConfigFile.WriteToString()];
        int succeeded = 0, failed = 0;
        for (int iteration = 0; iteration < 3000; iteration++)
        {
            string text = Mutate(seeds[rng.Next(seeds.Length)], rng, 1 + rng.Next(4));
            RiskConfigLoadResult r;
            try { r = RiskConfigFile.Load(new MemoryStream(Encoding.UTF8.GetBytes(text))); }
            catch (Exception ex) { Assert.Fail($"iteration {iteration} threw {ex.GetType().Name}: {ex.Message}\n{text}"); return; }
            if (r.Succeeded) { succeeded++; Assert.Empty(r.Errors); Assert.NotNull(r.Config); }
            else
            {
                failed++;
                Assert.NotEmpty(r.Errors);
                Assert.All(r.Errors, e => Assert.StartsWith("$", e.Path));
            }
        }
        // Both outcomes must occur, or the mutations are not exercising anything.
        Assert.True(succeeded > 50, $"only {succeeded} mutated files loaded");
        Assert.True(failed > 1000, $"only {failed} mutated files failed");
    }

    private static string Mutate(string text, Random rng, int edits)
    {
        var sb = new StringBuilder(text);
        for (int e = 0; e < edits; e++)
        {
            int at = rng.Next(sb.Length + 1);
            switch (rng.Next(6))
            {
                case 0: if (sb.Length > 0) sb.Remove(Math.Min(at, sb.Length - 1), Math.Min(1 + rng.Next(8), sb.Length - Math.Min(at, sb.Length - 1))); break;
                case 1: sb.Insert(at, s_tokens[rng.Next(s_tokens.Length)]); break;
                case 2: if (at < sb.Length) sb[at] = (char)rng.Next(32, 127); break;
                case 3: ReplaceNumber(sb, rng); break;
                case 4: ReplaceString(sb, rng); break;
                default: break; // leave as is: some files stay valid
            }
        }
        return sb.ToString();
    }

    private static void ReplaceNumber(StringBuilder sb, Random rng)
    {
        string s = sb.ToString();
        var digits = Enumerable.Range(0, s.Length).Where(i => char.IsDigit(s[i]) && (i == 0 || !char.IsDigit(s[i - 1]))).ToArray();
        if (digits.Length == 0) return;
        int start = digits[rng.Next(digits.Length)], end = start;
        while (end < s.Length && (char.IsDigit(s[end]) || s[end] is '.' or 'e' or '-')) end++;
        string[] numbers = ["0", "-1", "1e400", "3.5", "4096", "4097", "2147483648", "-0.0", "1e-320", "65536", "\"7\""];
        sb.Remove(start, end - start).Insert(start, numbers[rng.Next(numbers.Length)]);
    }

    private static void ReplaceString(StringBuilder sb, Random rng)
    {
        string s = sb.ToString();
        var quotes = Enumerable.Range(0, s.Length).Where(i => s[i] == '"').ToArray();
        if (quotes.Length < 2) return;
        int k = rng.Next(quotes.Length / 2) * 2;
        int start = quotes[k], end = quotes[k + 1];
        string[] values = ["\"\"", "\"spot\"", "\"swap\"", "\"mid\"", "\"none\"", "\"" + new string('x', 300) + "\"", "42", "null", "[]", "{}"];
        sb.Remove(start, end - start + 1).Insert(start, values[rng.Next(values.Length)]);
    }
}
