using System.Threading.Channels;

namespace CircuitBreaker.Benchmarks.Pipeline;

/// <summary>
/// The baseline transport: a bounded <see cref="Channel{T}"/> of <see cref="RiskEvent"/> values (single reader;
/// single writer when there is one producer), full mode <see cref="BoundedChannelFullMode.Wait"/> with producers
/// using <c>TryWrite</c> and spinning on full, and the usual async consumer loop
/// (<c>WaitToReadAsync</c> then drain with <c>TryRead</c>) on the thread pool.
/// </summary>
internal sealed class ChannelEventPipe : IEventPipe
{
    private readonly Channel<RiskEvent> _channel;
    private Task? _consumer;

    public ChannelEventPipe(int producers, int capacity)
    {
        _channel = Channel.CreateBounded<RiskEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = producers == 1,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
    }

    public static IEventPipe Create(int producers, int capacity) => new ChannelEventPipe(producers, capacity);

    public string Impl => "channel";

    public void Start(IRiskEventHandler handler) => _consumer = Task.Run(() => ConsumeAsync(_channel.Reader, handler));

    public bool TryPublish(in RiskEvent e) => _channel.Writer.TryWrite(e);

    public void Complete()
    {
        _channel.Writer.TryComplete();
        _consumer?.GetAwaiter().GetResult();
    }

    public void Dispose() => _channel.Writer.TryComplete();

    private static async Task ConsumeAsync(ChannelReader<RiskEvent> reader, IRiskEventHandler handler)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var e)) handler.OnEvent(in e);
        }
    }
}
