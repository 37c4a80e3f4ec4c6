using System.Text.RegularExpressions;

namespace CircuitBreaker.Tests.Samples;

/// <summary>README code comes from compiled samples: every snippet marked in the README equals its source file.</summary>
public class ReadmeSnippetTests
{
    [Fact]
    public void Readme_EverySnippet_MatchesItsCompiledSource()
    {
        string root = FindRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md")).Replace("\r\n", "\n");
        var snippets = Regex.Matches(readme, @"<!-- snippet:(?<path>[^ ]+) -->\n```csharp\n(?<code>.*?)\n```\n<!-- /snippet -->", RegexOptions.Singleline);
        Assert.NotEmpty(snippets);
        foreach (Match m in snippets)
        {
            string source = File.ReadAllText(Path.Combine(root, m.Groups["path"].Value)).Replace("\r\n", "\n").TrimEnd('\n');
            Assert.Equal(source, m.Groups["code"].Value);
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CircuitBreaker.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
