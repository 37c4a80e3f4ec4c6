using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CircuitBreaker.Ring;

/// <summary>
/// A <see cref="long"/> sequence number alone on its cache line(s): <see cref="PaddingBytes"/> bytes of padding sit
/// before and after the value, so a producer writing one sequence never invalidates the line another thread reads
/// (no false sharing). The padding is 128 bytes, not 64, because adjacent-line prefetchers fetch cache lines in pairs.
/// </summary>
/// <remarks>
/// This is a mutable struct: keep it in a (non-readonly) field of a class and call its members on that field; a copy
/// is a different sequence. Nothing here allocates. Initial value: <c>0</c> (use <see cref="PaddedSequence(long)"/>
/// or <see cref="SetVolatile"/> for the conventional <c>-1</c>, meaning "nothing yet").
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = SizeInBytes)]
internal struct PaddedSequence
{
    /// <summary>Padding on each side of the value, in bytes (128: two 64-byte cache lines). The single constant all ring padding derives from.</summary>
    public const int PaddingBytes = 128;

    /// <summary>Total size of the struct in bytes: padding, the 8-byte value, padding.</summary>
    public const int SizeInBytes = PaddingBytes + sizeof(long) + PaddingBytes;

    /// <summary>Offset of the value inside the struct, in bytes (equal to <see cref="PaddingBytes"/>).</summary>
    public const int ValueOffset = PaddingBytes;

    [FieldOffset(ValueOffset)]
    private long _value;

    /// <summary>Creates a sequence holding <paramref name="initialValue"/>.</summary>
    /// <param name="initialValue">Starting value (rings start at <c>-1</c>).</param>
    public PaddedSequence(long initialValue) => _value = initialValue;

    /// <summary>The value with acquire semantics (<see cref="Volatile.Read(ref readonly long)"/>).</summary>
    public readonly long Value
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(in _value);
    }

    /// <summary>The value with no ordering guarantee; only for the thread that is the sole writer.</summary>
    public readonly long ValueUnordered
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _value;
    }

    /// <summary>Stores <paramref name="value"/> with release semantics (<see cref="Volatile.Write(ref long, long)"/>).</summary>
    /// <param name="value">New value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetVolatile(long value) => Volatile.Write(ref _value, value);

    /// <summary>Atomically sets the value to <paramref name="value"/> if it equals <paramref name="comparand"/> (full fence).</summary>
    /// <param name="comparand">Value expected.</param>
    /// <param name="value">Value to store.</param>
    /// <returns><see langword="true"/> if the swap happened.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CompareAndSet(long comparand, long value) => Interlocked.CompareExchange(ref _value, value, comparand) == comparand;

    /// <summary>Atomically adds <paramref name="delta"/> (full fence).</summary>
    /// <param name="delta">Amount to add (may be negative).</param>
    /// <returns>The value after the addition.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Add(long delta) => Interlocked.Add(ref _value, delta);

    /// <summary>Atomically adds one (full fence).</summary>
    /// <returns>The value after the increment.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Increment() => Interlocked.Increment(ref _value);

    /// <summary>Returns the value as text (for diagnostics; allocates).</summary>
    /// <returns>The current value in invariant digits.</returns>
    public override readonly string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
