namespace CircuitBreaker.Drills;

/// <summary>The score of one scenario: replayed with the default profile and with the breaker off. Immutable.</summary>
public sealed class DrillScore
{
    /// <summary>The scenario scored.</summary>
    public required DrillScenario Scenario { get; init; }
    /// <summary>Seed of the tape.</summary>
    public required int Seed { get; init; }
    /// <summary>Replay with the default profile (default limits and detectors).</summary>
    public required ReplayResult On { get; init; }
    /// <summary>Replay with the breaker off (limits disabled, no detectors).</summary>
    public required ReplayResult Off { get; init; }
    /// <summary>A Warning or Critical finding, or a trip, on a target at or after the attack start.</summary>
    public required bool Detected { get; init; }
    /// <summary>Event time from the attack start to the first such finding or trip (ns); null when not detected.</summary>
    public required long? TimeToDetectNs { get; init; }
    /// <summary>Event time from the attack start to the first trip that halted or reduced a target (ns); null when none.</summary>
    public required long? TimeToContainNs { get; init; }
    /// <summary>Signatures and limits that fired on targets after the attack start, with the first time each did (ns from attack start).</summary>
    public required IReadOnlyList<KeyValuePair<string, long>> Signatures { get; init; }
    /// <summary>Trips after the attack start, as <c>state scope:target (reason)</c>.</summary>
    public required IReadOnlyList<string> Actions { get; init; }
    /// <summary>Orders the gate rejected with the breaker on.</summary>
    public long RejectedOrders => On.Report.Orders.Rejected;
    /// <summary>Fills (and cancels) suppressed because their order was rejected.</summary>
    public long SuppressedFills => On.Report.SuppressedFills;
    /// <summary>PnL of the exposed accounts with the breaker on.</summary>
    public required double PnlOn { get; init; }
    /// <summary>PnL of the exposed accounts with the breaker off.</summary>
    public required double PnlOff { get; init; }
    /// <summary>Loss avoided: loss with the breaker off minus loss with it on (= PnL on − PnL off); positive is good.</summary>
    public double LossAvoided => PnlOn - PnlOff;
    /// <summary>Benign scenarios: Warning or Critical findings anywhere (false positives); attacks: 0.</summary>
    public required int FalseFindings { get; init; }
    /// <summary>Benign scenarios: Critical findings or trips that halted something (failures); attacks: 0.</summary>
    public required int FalseCriticals { get; init; }
    /// <summary>The verdict: attacks pass when detected, benign scenarios when nothing critical fired.</summary>
    public bool Passed => Scenario.IsBenign ? FalseCriticals == 0 : Detected;
}
