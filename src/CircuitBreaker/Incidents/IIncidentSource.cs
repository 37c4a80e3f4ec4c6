namespace CircuitBreaker.Incidents;

/// <summary>A responder (playbook) that opens incidents; a replay copies them into the report's <c>incidents</c>.</summary>
public interface IIncidentSource
{
    /// <summary>The records of every incident opened so far, in the order they opened. Allocates; read after the run.</summary>
    IReadOnlyList<IncidentRecord> BuildRecords();
}
