using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;

namespace CircuitBreaker.Benchmarks;

/// <summary>Median and events/s columns (<c>[Config(typeof(EventsPerSecondConfig))]</c>).</summary>
internal sealed class EventsPerSecondConfig : ManualConfig
{
    public EventsPerSecondConfig()
    {
        AddColumn(StatisticColumn.Median);
        AddColumn(new EventsPerSecondColumn());
    }
}

/// <summary>The median (p50) and p95 of the iteration means beside the mean, for budgets stated as percentiles
/// (the pre-trade check's is a p50).</summary>
internal sealed class PercentileConfig : ManualConfig
{
    public PercentileConfig()
    {
        AddColumn(StatisticColumn.Median);
        AddColumn(StatisticColumn.P95);
    }
}

/// <summary>For classes whose baseline is a parameter value: the median, the ratio to the first parameter value, and
/// BenchmarkDotNet's per-group ratio columns hidden (they compare each case with itself).</summary>
internal class ParameterBaselineConfig : ManualConfig
{
    public ParameterBaselineConfig(string reference)
    {
        AddColumn(StatisticColumn.Median);
        AddColumn(new RatioToFirstParameterColumn(reference));
        HideColumns(Column.Ratio, Column.RatioSD, Column.AllocRatio);
    }
}

/// <summary><see cref="ParameterBaselineConfig"/> against 10 instruments.</summary>
internal sealed class ScalingConfig() : ParameterBaselineConfig("10 instruments");

/// <summary><see cref="ParameterBaselineConfig"/> against limits-only, plus events/s.</summary>
internal sealed class EvaluatorConfig : ParameterBaselineConfig
{
    public EvaluatorConfig() : base("limits-only") => AddColumn(new EventsPerSecondColumn());
}
