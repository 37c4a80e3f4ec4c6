using CircuitBreaker.Drills;
using FsCheck;
using FsCheck.Fluent;

namespace CircuitBreaker.Tests.Safety;

/// <summary>The same tape and configuration give the same report, byte for byte — over random tapes, not one example.</summary>
public class ReplayDeterminismPropertyTests
{
    private const int Cases = 24;

    [Fact]
    public void Replay_RandomScenarioSeedAndCut_TwiceGivesIdenticalReport24Cases()
    {
        var scenarios = Drill.All.ToArray();
        var prop = Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var r = new Random(seed);
            var scenario = scenarios[r.Next(scenarios.Length)];
            byte[] full = scenario.Generate(r.Next(1, 1000));
            // a random prefix ending on a line boundary: replays of partial days must be deterministic too
            int cut = full.Length;
            if (r.Next(2) == 0)
            {
                cut = r.Next(full.Length / 2, full.Length);
                while (cut < full.Length && full[cut - 1] != (byte)'\n') cut++;
            }
            var tape = full.AsMemory(0, cut).ToArray();
            string a = Replay(tape), b = Replay(tape);
            return (a == b).Label($"seed {seed}, scenario {scenario.Name}, {cut} bytes: reports differ");
        });
        Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(Cases), prop);
    }

    private static string Replay(byte[] tape)
    {
        var records = new List<TapeRecord>();
        using (var reader = new TapeReader(new MemoryStream(tape), "prop")) records.AddRange(reader.ReadAll());
        var config = ReplayEngine.BuildConfigFromTape(records, BreakerProfiles.Default);
        using var again = new TapeReader(new MemoryStream(tape), "prop");
        return new ReplayEngine(config).Run(again).Report.ToJson();
    }
}
