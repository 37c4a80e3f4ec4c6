using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CircuitBreaker.Gate;

/// <summary>
/// A fixed-length array of records whose elements start on 64-byte cache-line boundaries, so a record laid out with
/// gate-written fields and evaluator-written fields on different lines keeps them on different lines in memory.
/// Backed by a zeroed byte array on the pinned object heap (it never moves, so the alignment found at construction
/// holds for its life), and the first element's address is kept, so an access is one bounds check and one multiply-add
/// off a field (no array header, no offset load). The record size must be a multiple of 64 bytes. Allocates once, at construction.
/// </summary>
internal sealed unsafe class LineArray<T> where T : unmanaged
{
    /// <summary>Cache-line size assumed (x64 and most ARM64 cores).</summary>
    public const int Line = 64;

    private readonly byte[] _bytes; // keeps the pinned block alive; _first points into it
    private readonly T* _first;

    public LineArray(int length)
    {
        if (Unsafe.SizeOf<T>() % Line != 0) throw new ArgumentException($"{typeof(T).Name} is {Unsafe.SizeOf<T>()} B, not a multiple of {Line}");
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        _bytes = GC.AllocateArray<byte>(checked(length * Unsafe.SizeOf<T>() + Line), pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_bytes));
        _first = (T*)(address + ((Line - (address & (Line - 1))) & (Line - 1)));
    }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>Element <paramref name="index"/>; throws <see cref="IndexOutOfRangeException"/> outside [0, Length).</summary>
    public ref T this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((uint)index >= (uint)Length) Throw();
            return ref _first[index];
        }
    }

    /// <summary>Address of element 0 modulo <see cref="Line"/> (0; for the layout tests).</summary>
    public int FirstElementMisalignment => Length == 0 ? 0 : (int)((nint)Unsafe.AsPointer(ref this[0]) & (Line - 1));

    private static void Throw() => throw new IndexOutOfRangeException();
}
