using System.Text.Json;
using System.Text.Json.Serialization;

namespace CircuitBreaker.Reports;

/// <summary>Source-generated (reflection-free, AOT-safe) JSON metadata for <see cref="DrillReport"/>: snake_case_lower
/// names, indented, explicit nulls, enums as the spec's lower-case names.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    Converters = [typeof(LowerSnakeEnumConverter<Scope>), typeof(LowerSnakeEnumConverter<TradingState>), typeof(LowerSnakeEnumConverter<Severity>)])]
[JsonSerializable(typeof(DrillReport))]
internal sealed partial class DrillReportJsonContext : JsonSerializerContext;

/// <summary>Enum as its snake_case_lower name (<c>reduce_only</c>); integers are not accepted.</summary>
internal sealed class LowerSnakeEnumConverter<TEnum> : JsonStringEnumConverter<TEnum> where TEnum : struct, Enum
{
    public LowerSnakeEnumConverter() : base(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) { }
}
