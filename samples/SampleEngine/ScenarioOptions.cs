using Microsoft.Extensions.Configuration;

namespace SampleEngine;

/// <summary>The sample's script, read from the <c>SampleEngine</c> section of appsettings.json. Times are event time in seconds.</summary>
public sealed record ScenarioOptions
{
    /// <summary>Seed of the random-walk market (default 7): the same seed gives the same run.</summary>
    public int Seed { get; init; } = 7;
    /// <summary>Starting mid price (default 2000).</summary>
    public double Mid { get; init; } = 2000;
    /// <summary>When the strategy's broken build goes runaway (default 45 s: after the detectors' warm-up).</summary>
    public double RunawayAtSeconds { get; init; } = 45;
    /// <summary>When the operations team stops the broken build (default 55 s).</summary>
    public double RunawayStoppedAtSeconds { get; init; } = 55;
    /// <summary>How long the operator takes to acknowledge once the desk waits for it (default 5 s).</summary>
    public double OperatorReactionSeconds { get; init; } = 5;
    /// <summary>How long the engine keeps trading after the incident is closed (default 10 s).</summary>
    public double EndAfterCloseSeconds { get; init; } = 10;
    /// <summary>Hard end of the run whatever happens (default 400 s).</summary>
    public double MaxSeconds { get; init; } = 400;

    /// <summary>Reads the section (snake_case keys; missing keys keep their defaults).</summary>
    public static ScenarioOptions From(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var d = new ScenarioOptions();
        return new ScenarioOptions
        {
            Seed = section.GetValue("seed", d.Seed),
            Mid = section.GetValue("mid", d.Mid),
            RunawayAtSeconds = section.GetValue("runaway_at_s", d.RunawayAtSeconds),
            RunawayStoppedAtSeconds = section.GetValue("runaway_stopped_at_s", d.RunawayStoppedAtSeconds),
            OperatorReactionSeconds = section.GetValue("operator_reaction_s", d.OperatorReactionSeconds),
            EndAfterCloseSeconds = section.GetValue("end_after_close_s", d.EndAfterCloseSeconds),
            MaxSeconds = section.GetValue("max_s", d.MaxSeconds),
        };
    }
}
