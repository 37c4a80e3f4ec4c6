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
