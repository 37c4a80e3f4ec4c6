using NATS.Client.JetStream.Models;

namespace CircuitBreaker.Nats;

/// <summary>The plane's JetStream objects: the state and engines buckets and the audit stream, opened or created.</summary>
internal sealed class FirmPlane
{
    public required NatsConnection Connection { get; init; }
    public required NatsJSContext JetStream { get; init; }
    public required INatsKVStore State { get; init; }
    public required INatsKVStore Engines { get; init; }
    public required INatsKVStore Exposure { get; init; }
    public required NatsKVContext KeyValue { get; init; }

    /// <summary>Connects and opens the buckets, creating what is missing (history 1, file storage, the options' replicas).</summary>
    public static async Task<FirmPlane> OpenAsync(FirmLinkOptions options, CancellationToken ct)
    {
        var connection = new NatsConnection(options.ToNatsOpts());
        try
        {
            await connection.ConnectAsync().ConfigureAwait(false);
            var js = new NatsJSContext(connection);
            var kv = new NatsKVContext(js);
            var state = await OpenBucketAsync(kv, FirmKeys.StateBucket, options.Replicas, ct).ConfigureAwait(false);
            var engines = await OpenBucketAsync(kv, FirmKeys.EnginesBucket, options.Replicas, ct).ConfigureAwait(false);
            var exposure = await OpenBucketAsync(kv, FirmKeys.ExposureBucket, options.Replicas, ct).ConfigureAwait(false);
            await EnsureAuditAsync(js, options.Replicas, ct).ConfigureAwait(false);
            return new FirmPlane { Connection = connection, JetStream = js, State = state, Engines = engines, Exposure = exposure, KeyValue = kv };
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens (or creates) a further bucket of the plane, such as the aggregator's lease.</summary>
    public Task<INatsKVStore> OpenAsync(string bucket, int replicas, CancellationToken ct) => OpenBucketAsync(KeyValue, bucket, replicas, ct);

    private static async Task<INatsKVStore> OpenBucketAsync(NatsKVContext kv, string bucket, int replicas, CancellationToken ct)
    {
        try { return await kv.GetStoreAsync(bucket, ct).ConfigureAwait(false); }
        catch (NatsKVException) { }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404) { }
        return await kv.CreateOrUpdateStoreAsync(new NatsKVConfig(bucket) { History = 1, NumberOfReplicas = replicas }, ct).ConfigureAwait(false);
    }

    private static async Task EnsureAuditAsync(NatsJSContext js, int replicas, CancellationToken ct)
    {
        try { await js.GetStreamAsync(FirmKeys.AuditStream, cancellationToken: ct).ConfigureAwait(false); return; }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404) { }
        await js.CreateOrUpdateStreamAsync(new StreamConfig(FirmKeys.AuditStream, [FirmKeys.AuditSubjects])
        {
            NumReplicas = replicas, Storage = StreamConfigStorage.File, MaxAge = TimeSpan.FromDays(400),
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Appends an audit entry (JetStream publish, acknowledged); false when the plane refused or is away.</summary>
    public async Task<bool> AuditAsync(string writer, FirmAuditEntry entry, CancellationToken ct)
    {
        try
        {
            var ack = await JetStream.PublishAsync(FirmKeys.AuditSubject(writer),
                JsonSerializer.SerializeToUtf8Bytes(entry, FirmJson.Default.FirmAuditEntry), cancellationToken: ct).ConfigureAwait(false);
            return ack.Error is null;
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or TimeoutException) { return false; }
    }
}
