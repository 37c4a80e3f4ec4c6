using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace CircuitBreaker.Benchmarks;

/// <summary>
/// Ratio of a case's median to the median of the same method and job at the first value of its parameter (the
/// smallest by <see cref="IComparable"/>: 10 instruments, <c>limits-only</c>). BenchmarkDotNet cannot take a
/// <c>[Params]</c> value as the baseline: a baseline method puts every parameter value in its own logical group, so its
/// own Ratio column would read 1.00 everywhere; this column gives the cross-parameter ratio instead.
/// </summary>
internal sealed class RatioToFirstParameterColumn(string reference) : IColumn
{
    public string Id => nameof(RatioToFirstParameterColumn);
    public string ColumnName => $"vs {reference}";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 1;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => $"Median of this case / median of the same method at {reference} (the first parameter value)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var first = summary.BenchmarksCases
            .Where(b => b.Descriptor.Equals(benchmarkCase.Descriptor) && b.Job.DisplayInfo == benchmarkCase.Job.DisplayInfo && b.Parameters.Count > 0)
            .OrderBy(b => b.Parameters.Items[0].Value, Comparer<object?>.Default)
            .FirstOrDefault();
        double? current = summary[benchmarkCase]?.ResultStatistics?.Median;
        double? baseline = first is null ? null : summary[first]?.ResultStatistics?.Median;
        if (current is not { } c || baseline is not { } b || b <= 0) return "NA";
        return (c / b).ToString("0.00", CultureInfo.InvariantCulture);
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public override string ToString() => ColumnName;
}
