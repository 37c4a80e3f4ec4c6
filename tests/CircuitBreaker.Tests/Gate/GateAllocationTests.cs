namespace CircuitBreaker.Tests.Gate;

public class GateAllocationTests
{
    [Fact] // run in all three concurrency modes (GateAllocationTestsSingleWriter / GateAllocationTestsAccountOwned)
    public void Check_AfterWarmup_AllocatesNothing_AndTheProbeCanFail()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9, MaxOrderNotional = 1e8, MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1, MaxModifiesPerWindow = int.MaxValue - 1 },
            account: new AccountLimits { MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1, MaxModifiesPerWindow = int.MaxValue - 1, MaxGrossExposure = 1e12 });
        long next = 0; // ids are never resent: a closed id is refused for the horizon (RiskConfig.ClosedOrderIds)
        void Cycle(int n)
        {
            for (int i = 0; i < n; i++)
            {
                long k = next++;
                var o = new OrderRequest(f.Now + i, f.Btc, f.Mm, 1_000_000 + k, Side.Buy, 64000.0, 0.01);
                f.Breaker.Check(in o);
                var replace = new OrderRequest(f.Now + i, f.Btc, f.Mm, 1_000_000 + k, Side.Buy, 63999.0, 0.02, OrderAction.Replace);
                if (!f.Breaker.Check(in replace).IsAccepted) throw new InvalidOperationException("replace refused: the cycle would not exercise the replace path");
                var bad = new OrderRequest(f.Now + i, f.Btc, f.Mm, 5_000_000 + k, Side.Buy, double.NaN, 0.01);
                f.Breaker.Check(in bad);
                var c = OrderRequest.Cancel(f.Now + i, f.Btc, f.Mm, 1_000_000 + k);
                f.Breaker.Check(in c);
                // Issue 20: order flags and rejections that carry figures (computed off the accept path) allocate nothing either.
                var gtd = new OrderRequest(f.Now + i, f.Btc, f.Mm, 7_000_000 + k, Side.Buy, 64000.0, 0.01) { ExpireTimeNs = f.Now + i + 1 };
                if (!f.Breaker.Check(in gtd).IsAccepted) throw new InvalidOperationException("live GTD order refused");
                var gtdCancel = OrderRequest.Cancel(f.Now + i, f.Btc, f.Mm, 7_000_000 + k);
                f.Breaker.Check(in gtdCancel);
                var expired = new OrderRequest(f.Now + i, f.Btc, f.Mm, 8_000_000 + k, Side.Buy, 64000.0, 0.01) { ExpireTimeNs = f.Now + i };
                var reduce = new OrderRequest(f.Now + i, f.Btc, f.Mm, 8_000_000 + k, Side.Buy, 64000.0, 0.01) { ReduceOnly = true };
                var collar = new OrderRequest(f.Now + i, f.Btc, f.Mm, 8_000_000 + k, Side.Buy, 99000.0, 0.01);
                var badTrigger = new OrderRequest(f.Now + i, f.Btc, f.Mm, 8_000_000 + k, Side.Buy, 64000.0, 0.01) { TriggerPrice = 99000.0 };
                if (!f.Breaker.Check(in badTrigger).HasFigures) throw new InvalidOperationException("trigger refusal lost its figures");
                var tooBig = new OrderRequest(f.Now + i, f.Btc, f.Mm, 8_000_000 + k, Side.Buy, 64000.0, 5000.0);
                var trailing = new OrderRequest(f.Now + i, f.Btc, f.Mm, 4_000_000 + k, Side.Buy, 64000.0, 0.01) { TrailingOffset = 50, TrailingOffsetType = TrailingOffsetType.BasisPoints };
                if (!f.Breaker.Check(in trailing).IsAccepted) throw new InvalidOperationException("trailing stop refused");
                var trailingCancel = OrderRequest.Cancel(f.Now + i, f.Btc, f.Mm, 4_000_000 + k);
                f.Breaker.Check(in trailingCancel);
                var wideTrail = new OrderRequest(f.Now + i, f.Btc, f.Mm, 8_000_000 + k, Side.Buy, 64000.0, 0.01) { TrailingOffset = 5000.0 };
                if (!f.Breaker.Check(in wideTrail).HasFigures) throw new InvalidOperationException("trailing refusal lost its figures");
                var quote = new OrderRequest(f.Now + i, f.Btc, f.Mm, 6_000_000 + k, Side.Buy, 64000.0, 640.0) { QuoteQuantity = true, TriggerPrice = 64100.0 };
                if (!f.Breaker.Check(in quote).IsAccepted) throw new InvalidOperationException("quote-quantity order refused");
                var quoteCancel = OrderRequest.Cancel(f.Now + i, f.Btc, f.Mm, 6_000_000 + k);
                f.Breaker.Check(in quoteCancel);
                if (!f.Breaker.Check(in expired).HasFigures | !f.Breaker.Check(in reduce).HasFigures | !f.Breaker.Check(in collar).HasFigures | !f.Breaker.Check(in tooBig).HasFigures)
                    throw new InvalidOperationException("a rejection lost its figures: the cycle would not exercise the figure paths");
            }
        }
        Cycle(1000);
        long used = CircuitBreaker.Tests.Support.AllocationProbe.MinAllocated(() => Cycle(10_000));
        Assert.Equal(0, used);

        // Control: the same probe sees an allocation when there is one.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var boxed = (object)f.Breaker.Check(new OrderRequest(f.Now, f.Btc, f.Mm, 9, Side.Buy, 64000.0, 0.01));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 0, boxed.ToString());
    }
}
