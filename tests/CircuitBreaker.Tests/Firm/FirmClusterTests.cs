using System.Net;
using System.Net.Sockets;
using CircuitBreaker.Nats;

namespace CircuitBreaker.Tests.Firm;

/// <summary>Three nats-servers clustered on loopback, the buckets replicated 3 ways: the firm state survives losing one.</summary>
[Collection(nameof(FirmCollection))]
public class FirmClusterTests
{
    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    [Fact]
    public async Task ThreeNodeCluster_ReplicatedBucket_FirmStateSurvivesLosingANode()
    {
        int[] routes = [FreePort(), FreePort(), FreePort()];
        string routeList = string.Join(", ", routes.Select(p => $"\"nats-route://127.0.0.1:{p}\""));
        var nodes = routes.Select((p, i) => new NatsServer(
            $"server_name: n{i}\njetstream {{ max_mem: 64MB, max_file: 256MB }}\ncluster {{ name: cbfirm, listen: \"127.0.0.1:{p}\", routes: [{routeList}] }}\n")).ToList();
        try
        {
            string url = string.Join(",", nodes.Select(n => n.Url));
            var opts = Eventually.Operator(url);
            opts.Replicas = 3;
            FirmOperator? op = null;
            // The cluster elects its JetStream meta leader within a few seconds of forming.
            Eventually.True(() =>
            {
                try { op = FirmOperator.ConnectAsync(opts).GetAwaiter().GetResult(); return true; }
                catch (Exception ex) when (ex is NATS.Client.Core.NatsException or TimeoutException or OperationCanceledException) { return false; }
            }, TimeSpan.FromSeconds(30), () => "JetStream cluster ready: " + nodes[0].Log[^Math.Min(2000, nodes[0].Log.Length)..]);
            await using (op!)
            {
                await using var engine = new FirmEngine(nodes[1].Url, "eng-a", grace: TimeSpan.FromSeconds(5));
                await engine.StartAsync();
                Assert.True((await op!.CommandAsync(Scope.Account, "mm-1", TradingState.Halted, "cluster drill", TimeSpan.FromSeconds(10))).AllAcked);

                nodes[0].Kill(); // lose one node (whichever led)
                await using var op2 = await ConnectAsync(string.Join(",", nodes.Skip(1).Select(n => n.Url)));
                IReadOnlyList<(string Key, ulong Revision, FirmRecord Record)> state = [];
                Eventually.True(() =>
                {
                    try { state = op2.StateAsync().GetAwaiter().GetResult(); return state.Count == 1; }
                    catch (Exception ex) when (ex is NATS.Client.Core.NatsException or TimeoutException) { return false; }
                }, TimeSpan.FromSeconds(30), () => "state readable from the two survivors");
                Assert.Equal(("op.account.mm-1", "halted"), (state[0].Key, state[0].Record.State));
                Assert.Equal(TradingState.Halted, engine.Firm(Scope.Account, "mm-1"));
                // And the survivors still take commands.
                FirmCommandResult? r = null;
                string last = "";
                Eventually.True(() =>
                {
                    try { r = op2.CommandAsync(Scope.Account, "mm-2", TradingState.ReduceOnly, "after losing n0", TimeSpan.FromSeconds(5)).GetAwaiter().GetResult(); }
                    catch (Exception ex) when (ex is NATS.Client.Core.NatsException or TimeoutException) { last = ex.Message; return false; }
                    last = r.Refused ?? "";
                    return r.Refused is null;
                }, TimeSpan.FromSeconds(30), () => last);
                Eventually.True(() => engine.Firm(Scope.Account, "mm-2") == TradingState.ReduceOnly, TimeSpan.FromSeconds(15), () => string.Join("\n", engine.Log));
            }
        }
        finally { foreach (var n in nodes) n.Dispose(); }
    }

    private static async Task<FirmOperator> ConnectAsync(string url)
    {
        var opts = Eventually.Operator(url);
        opts.Replicas = 3;
        for (int attempt = 0; ; attempt++)
        {
            try { return await FirmOperator.ConnectAsync(opts); }
            catch (Exception ex) when (attempt < 30 && ex is NATS.Client.Core.NatsException or TimeoutException or OperationCanceledException) { await Task.Delay(500); }
        }
    }
}
