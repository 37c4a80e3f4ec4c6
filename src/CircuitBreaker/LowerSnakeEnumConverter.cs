using System.Text.Json;
using System.Text.Json.Serialization;

namespace CircuitBreaker;

/// <summary>Enum as its snake_case_lower name (<c>reduce_only</c>); integers are not accepted.</summary>
internal sealed class LowerSnakeEnumConverter<TEnum> : JsonStringEnumConverter<TEnum> where TEnum : struct, Enum
{
    public LowerSnakeEnumConverter() : base(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) { }
}
