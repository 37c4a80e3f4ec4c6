namespace CircuitBreaker.Tests.Journal;

public class TripRecordTests
{
    private static readonly TripContext Sample = new(42, 1_234_567_890_123, Scope.Account, 7, TradingState.ReduceOnly, TradingState.Halted,
        TripCause.Signature, RejectReason.Signature, Signature.RunawayAlgorithm, Severity.Critical);

    [Fact]
    public void WriteThenTryRead_RoundTripsEveryField()
    {
        Span<byte> payload = stackalloc byte[TripRecord.Size];
        TripRecord.Write(in Sample, payload);
        Assert.True(TripRecord.TryRead(payload, out var t));
        Assert.Equal((42L, 1_234_567_890_123L, Scope.Account, 7, TradingState.ReduceOnly, TradingState.Halted),
            (t.Sequence, t.TimeNs, t.Scope, t.Target, t.Previous, t.State));
        Assert.Equal((TripCause.Signature, RejectReason.Signature, Signature.RunawayAlgorithm, Severity.Critical),
            (t.Cause, t.Reason, t.Signature, t.Severity));
    }

    [Fact]
    public void Write_LayoutIsLittleEndianAsDocumented()
    {
        var payload = new byte[TripRecord.Size];
        TripRecord.Write(in Sample, payload);
        Assert.Equal(TripRecord.LayoutVersion, payload[0]);
        Assert.Equal((byte)Scope.Account, payload[1]);
        Assert.Equal((ushort)Signature.RunawayAlgorithm, BitConverter.ToUInt16(payload, 6));
        Assert.Equal(7, BitConverter.ToInt32(payload, 12));
        Assert.Equal(42L, BitConverter.ToInt64(payload, 16));
        Assert.Equal(1_234_567_890_123L, BitConverter.ToInt64(payload, 24));
    }

    [Theory]
    [InlineData(31, 1)]
    [InlineData(33, 1)]
    [InlineData(32, 2)]
    [InlineData(64, 1)]
    [InlineData(63, 2)]
    [InlineData(65, 2)]
    [InlineData(64, 3)]
    public void TryRead_WrongSizeOrVersion_False(int size, byte version)
    {
        var payload = new byte[size];
        payload[0] = version;
        Assert.False(TripRecord.TryRead(payload, out var t));
        Assert.Equal(0, t.Sequence);
    }

    [Fact]
    public void Write_ShortDestination_Throws() =>
        Assert.Throws<ArgumentException>(() => TripRecord.Write(in Sample, new byte[TripRecord.Size - 1]));

    [Fact]
    public void JournalRecord_TryGetTrip_OnlyForTripRecords()
    {
        var payload = new byte[TripRecord.Size];
        TripRecord.Write(in Sample, payload);
        Assert.True(new JournalRecord(JournalRecordType.Trip, 0, payload, "f", 0).TryGetTrip(out var t));
        Assert.Equal(42, t.Sequence);
        Assert.False(new JournalRecord(JournalRecordType.Decision, 0, payload, "f", 0).TryGetTrip(out _));
    }
}
