using System.Text;

namespace CircuitBreaker.Tests.Replay;

/// <summary>The tape is parsed on a second thread (<see cref="ReplayOptions.ReadAhead"/>): the report must not change, a
/// failing source must fail the same way, an early stop must not leave the thread blocked, and the options' callbacks run
/// on the replaying thread in tape order.</summary>
public class ReadAheadTests
{
    private static ReplayResult Run(byte[] tape, bool readAhead, ReplayOptions? options = null)
    {
        var o = options ?? new ReplayOptions();
        o = new ReplayOptions
        {
            Detectors = o.Detectors, Responder = o.Responder, Progress = o.Progress, ProgressEvery = o.ProgressEvery,
            BeforeRecord = o.BeforeRecord, AfterLastRecord = o.AfterLastRecord, ReadAhead = readAhead,
        };
        using var reader = new TapeReader(new MemoryStream(tape), "t");
        return ReplayEngine.Replay(reader, o);
    }

    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var s in CircuitBreaker.Drills.Drill.All) data.Add(s.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Replay_EveryDrillTape_SameReportWithAndWithoutReadAhead(string scenario)
    {
        var tape = CircuitBreaker.Drills.Drill.Find(scenario)!.Generate(2);
        string one = Run(tape, readAhead: false).Report.ToJson();
        string two = Run(tape, readAhead: true).Report.ToJson();
        Assert.Equal(one, two);
    }

    [Fact]
    public void Replay_CallbacksRunOnTheCallingThread_InTapeOrder_AfterLastRecordOnceAtTheEnd()
    {
        var tape = Tape(records: 5_000, lateInstrumentAt: -1);
        int caller = Environment.CurrentManagedThreadId;
        var seen = new List<long>();
        var threads = new HashSet<int>();
        long atEnd = -1;
        var options = new ReplayOptions
        {
            Detectors = static _ => [],
            BeforeRecord = t => { seen.Add(t); threads.Add(Environment.CurrentManagedThreadId); },
            AfterLastRecord = () => { atEnd = seen.Count; threads.Add(Environment.CurrentManagedThreadId); },
        };
        Run(tape, readAhead: true, options);
        Assert.Equal([caller], threads);
        Assert.Equal(seen.Count, atEnd);
        Assert.Equal(5_002, seen.Count); // the two instrument records and the 5,000 quotes
        Assert.True(seen.SequenceEqual(seen.Order()), "records reached the replaying thread out of tape order");
    }

    [Fact]
    public void Replay_SourceFailsMidTape_SameErrorWithAndWithoutReadAhead()
    {
        var tape = Tape(records: 20_000, lateInstrumentAt: -1);
        string Fail(bool readAhead)
        {
            using var reader = new TapeReader(new ForwardOnlyStream(tape, maxRead: 1 << 16, failAfter: tape.Length / 2), "t");
            var ex = Assert.Throws<TapeFormatException>(() => ReplayEngine.Replay(reader, new ReplayOptions { Detectors = static _ => [], ReadAhead = readAhead }));
            return ex.Message;
        }
        string without = Fail(false), with = Fail(true);
        Assert.Equal(without, with);
        Assert.Contains("simulated read failure", with);
    }

    [Fact]
    public async Task Replay_LateInstrumentOnAPipe_StopsEarly_ThreadDoesNotHang()
    {
        // The read-ahead thread fills its queue long before the late instrument is met; the early stop must release it.
        var tape = Tape(records: 200_000, lateInstrumentAt: 10);
        var run = Task.Run(() =>
        {
            using var reader = new TapeReader(new MemoryStream(tape), "pipe");
            return Assert.Throws<TapeFormatException>(() => ReplayEngine.Replay(reader, new ReplayOptions { Detectors = static _ => [] }));
        });
        var ex = await run.WaitAsync(TimeSpan.FromSeconds(60)); // throws TimeoutException if the replay hangs
        Assert.Contains("declares an instrument on line", ex.Message);
    }

    /// <summary>Two instruments, then quotes at Unix-ns time; optionally a third instrument declared late.</summary>
    private static byte[] Tape(int records, int lateInstrumentAt)
    {
        var sb = new StringBuilder();
        long t0 = 1_764_892_800_000_000_000;
        sb.Append("{\"t\":").Append(t0).Append(",\"type\":\"instrument\",\"symbol\":\"BTC-PERP\",\"kind\":\"perpetual\",\"tick\":0.1,\"lot\":0.001}\n");
        sb.Append("{\"t\":").Append(t0).Append(",\"type\":\"instrument\",\"symbol\":\"ETH-PERP\",\"kind\":\"perpetual\",\"tick\":0.01,\"lot\":0.01}\n");
        for (int i = 0; i < records; i++)
        {
            long t = t0 + 1_000 + i * 100_000L;
            if (i == lateInstrumentAt)
                sb.Append("{\"t\":").Append(t).Append(",\"type\":\"instrument\",\"symbol\":\"SOL-PERP\",\"kind\":\"perpetual\",\"tick\":0.01,\"lot\":0.1}\n");
            else
                sb.Append("{\"t\":").Append(t).Append(",\"type\":\"quote\",\"symbol\":\"BTC-PERP\",\"bid\":64000.0,\"ask\":64000.2,\"bid_qty\":1,\"ask_qty\":1}\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
