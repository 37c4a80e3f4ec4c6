namespace CircuitBreaker.Tape;

/// <summary>The <c>type</c> of an event-tape record (event-tape spec v1). Tape names are lower-case (<c>instrument</c>).</summary>
public enum TapeRecordType : byte
{
    /// <summary>Declares an instrument before its first use.</summary>
    Instrument,
    /// <summary>A public trade on the market.</summary>
    Trade,
    /// <summary>Top of book.</summary>
    Quote,
    /// <summary>A reference/oracle price for an instrument or an underlying.</summary>
    Oracle,
    /// <summary>An order the engine wants to send; replay puts it through the pre-trade check.</summary>
    Order,
    /// <summary>An execution of one of the engine's orders.</summary>
    Fill,
    /// <summary>The engine's own view of a position and its sensitivities.</summary>
    Position,
    /// <summary>An on-chain event.</summary>
    Chain,
    /// <summary>An operator command.</summary>
    Admin,
    /// <summary>A movement of an account's balance in one currency (an extension of this library, not in format version 1).</summary>
    Balance,
}
