namespace CircuitBreaker.Incidents;

/// <summary>A pre-defined incident action. Stable values (they appear in records and the playbook JSON as snake_case names).</summary>
public enum IncidentActionKind : byte
{
    /// <summary>Tell a human (<see cref="IIncidentActions.Alert"/>). Not a containment action.</summary>
    Alert = 0,
    /// <summary>Scale the target's limits down (<see cref="IncidentDesk.LimitsScale"/>) and ask the engine to slow down (<see cref="IIncidentActions.Throttle"/>).</summary>
    Throttle = 1,
    /// <summary>Put the target in <see cref="TradingState.ReduceOnly"/> on the <see cref="StateBoard"/>.</summary>
    ReduceOnly = 2,
    /// <summary>Put the target in <see cref="TradingState.Halted"/> on the <see cref="StateBoard"/>.</summary>
    Halt = 3,
    /// <summary>Cancel every working order of the target (<see cref="IIncidentActions.CancelAll"/>).</summary>
    CancelAll = 4,
    /// <summary>Close the target's positions (<see cref="IIncidentActions.Flatten"/>).</summary>
    Flatten = 5,
    /// <summary>Disconnect the target's trading session (<see cref="IIncidentActions.IsolateSession"/>).</summary>
    IsolateSession = 6,
    /// <summary>Notify the exchange (<see cref="IIncidentActions.NotifyExchange"/>).</summary>
    NotifyExchange = 7,
    /// <summary>Notify the regulator (<see cref="IIncidentActions.NotifyRegulator"/>).</summary>
    NotifyRegulator = 8,
}

/// <summary>Where a playbook action applies, relative to the finding that triggered it.</summary>
public enum ActionScope : byte
{
    /// <summary>The finding's own scope and target (default).</summary>
    Finding = 0,
    /// <summary>The finding's instrument (only for instrument findings).</summary>
    Instrument = 1,
    /// <summary>The risk group of the finding's instrument, or the finding's group (widens an instrument finding).</summary>
    Group = 2,
    /// <summary>The finding's account (only for account findings).</summary>
    Account = 3,
    /// <summary>Everything.</summary>
    Global = 4,
}

/// <summary>What came of one step of an incident's timeline.</summary>
public enum ActionOutcome : byte
{
    /// <summary>Done (state changed, or the engine's handler returned).</summary>
    Done = 0,
    /// <summary>The state (or something stricter) was already in force; nothing changed.</summary>
    AlreadyInForce = 1,
    /// <summary>Already delivered for this incident's containment; not delivered again (exactly once).</summary>
    AlreadyDelivered = 2,
    /// <summary>The engine's handler threw; the fault was counted (<see cref="IncidentDesk.ActionFaults"/>), the state change still holds.</summary>
    Faulted = 3,
    /// <summary>No <see cref="IIncidentActions"/> was registered; recorded only.</summary>
    NoHandler = 4,
    /// <summary>The action's scope could not be resolved from the finding (e.g. an account action on an instrument finding).</summary>
    Unresolved = 5,
    /// <summary>A finding below the corroboration bar: recorded, acted on only by alert-level rules.</summary>
    NotCorroborated = 6,
    /// <summary>A finding that met the corroboration bar (or a hard limit).</summary>
    Acted = 7,
    /// <summary>A finding no playbook rule matched.</summary>
    NoRule = 8,
}
