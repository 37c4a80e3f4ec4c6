using System.Text;

namespace CircuitBreaker.Config;

/// <summary>snake_case names of enum members for the configuration file (<c>BarrierOption</c> ⇄ <c>barrier_option</c>).</summary>
internal static class ConfigNames<TEnum> where TEnum : struct, Enum
{
    private static readonly TEnum[] s_values = Enum.GetValues<TEnum>();
    private static readonly string[] s_snake = Enum.GetNames<TEnum>().Select(ConfigNaming.ToSnake).ToArray();
    private static readonly string[] s_pascal = Enum.GetNames<TEnum>();

    /// <summary>The accepted values, comma separated, for error messages.</summary>
    public static string Expected { get; } = string.Join(", ", s_snake);

    /// <summary>Parses the snake_case name (or the exact member name); false for anything else, numbers included.</summary>
    public static bool TryParse(string text, out TEnum value)
    {
        for (int i = 0; i < s_values.Length; i++)
        {
            if (string.Equals(text, s_snake[i], StringComparison.Ordinal) || string.Equals(text, s_pascal[i], StringComparison.Ordinal))
            {
                value = s_values[i];
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>The snake_case name of a member (the member's number for an undefined value).</summary>
    public static string Of(TEnum value)
    {
        int i = Array.IndexOf(s_values, value);
        return i >= 0 ? s_snake[i] : value.ToString();
    }
}

/// <summary>Naming helpers shared by the reader and the writer.</summary>
internal static class ConfigNaming
{
    /// <summary><c>UpAndOut</c> → <c>up_and_out</c>.</summary>
    public static string ToSnake(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 4);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Appends a property name to a JSON path: <c>.name</c> for plain names, <c>['odd name']</c> otherwise.</summary>
    public static string Child(string path, string name)
    {
        bool plain = name.Length > 0 && name.Length <= 64;
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) { plain = false; break; }
        if (plain) return path + "." + name;
        string shown = name.Length > 64 ? name[..64] + "…" : name;
        return path + "['" + shown.Replace("'", "\\'", StringComparison.Ordinal) + "']";
    }
}
