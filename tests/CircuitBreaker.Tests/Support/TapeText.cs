using System.Text;

namespace CircuitBreaker.Tests.Support;

/// <summary>Builds readers over in-memory tapes.</summary>
internal static class TapeText
{
    public const string Example = """
        # a calm minute, then a fat-finger order
        {"t":0,"type":"instrument","symbol":"BTC-PERP","kind":"perpetual","underlying":"BTC","tick":0.1,"lot":0.001}
        {"t":1000,"type":"oracle","symbol":"BTC","px":64000.0,"source":"index"}
        {"t":2000,"type":"quote","symbol":"BTC-PERP","bid":63999.9,"ask":64000.1,"bid_qty":3.2,"ask_qty":2.9}
        {"t":5000,"type":"trade","symbol":"BTC-PERP","px":64000.1,"qty":0.25,"aggressor":"buy"}
        {"t":60000000000,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":500}
        """;

    public const string Instrument =
        """{"t":0,"type":"instrument","symbol":"BTC-PERP","kind":"perpetual","underlying":"BTC","tick":0.1,"lot":0.001}""";

    public static TapeReader Reader(string text) => new(new MemoryStream(Encoding.UTF8.GetBytes(text)), "test");

    public static TapeReader Reader(byte[] bytes) => new(new MemoryStream(bytes), "test");

    public static List<TapeRecord> ReadAll(TapeReader reader) => [.. reader.ReadAll()];
}
