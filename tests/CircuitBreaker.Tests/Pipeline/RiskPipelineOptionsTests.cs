using CircuitBreaker.Ring;

namespace CircuitBreaker.Tests.Pipeline;

public class RiskPipelineOptionsTests
{
    [Fact]
    public void Ring_Default_IsThePipelinesRingDefaults()
    {
        var ring = new RiskPipelineOptions().Ring;
        Assert.Same(RiskPipelineOptions.DefaultRing, ring);
        Assert.Equal((65_536, ProducerMode.Multi, FullRingPolicy.FailClosed, 1000, WaitStrategyKind.Yielding, (IRingFullObserver?)null),
            (ring.Capacity, ring.ProducerMode, ring.FullRingPolicy, ring.BlockSpinLimit, ring.WaitStrategy, ring.FullObserver));
    }

    [Fact]
    public void Validate_BadRing_ListsEveryRingErrorWithTheOthers()
    {
        var options = new RiskPipelineOptions
        {
            Ring = RiskPipelineOptions.DefaultRing with { Capacity = 1, BlockSpinLimit = 0, FullObserver = new NullObserver() },
            MaxFindingsKept = -1,
        };
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("Ring.Capacity must be a power of two >= 2 (was 1)", ex.Message);
        Assert.Contains("BlockSpinLimit must be at least 1", ex.Message);
        Assert.Contains("Ring.FullObserver must be null", ex.Message);
        Assert.Contains("MaxFindingsKept must be >= 0", ex.Message);
        Assert.Contains("Ring must be set", Assert.Throws<ArgumentException>(new RiskPipelineOptions { Ring = null! }.Validate).Message);
    }

    private sealed class NullObserver : IRingFullObserver
    {
        public void OnRingFull(in RingFullEvent e) { }
    }
}
