using System.Runtime.InteropServices;

namespace CircuitBreaker.Gate;

/// <summary>
/// A zeroed block of native memory that never moves, aligned to 64 bytes, and to 2 MiB when it is at least that large,
/// with the kernel asked to back it with transparent huge pages on Linux (<c>madvise(MADV_HUGEPAGE)</c>; a hint: where it
/// is refused or unsupported the block is ordinary pages). For tables the hot path walks across many megabytes (the
/// order table): with 4 KiB pages every few buckets cost a TLB miss. Freed by the finalizer. Allocates once.
/// </summary>
internal sealed unsafe partial class NativeBlock
{
    private const nuint HugePage = 2 * 1024 * 1024;
    private const int MadvHugePage = 14;

    public NativeBlock(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        Length = (nuint)bytes;
        nuint align = Length >= HugePage ? HugePage : 64;
        nuint size = (Length + align - 1) / align * align;
        Pointer = (byte*)NativeMemory.AlignedAlloc(size, align);
        if (OperatingSystem.IsLinux() && align == HugePage)
        {
            try { _ = Madvise(Pointer, size, MadvHugePage); }
            catch (DllNotFoundException) { } // not glibc/musl: ordinary pages
            catch (EntryPointNotFoundException) { }
        }
        NativeMemory.Clear(Pointer, size);
        GC.AddMemoryPressure((long)size);
        _size = size;
    }

    private readonly nuint _size;

    /// <summary>Start of the block.</summary>
    public byte* Pointer { get; }

    /// <summary>Bytes requested.</summary>
    public nuint Length { get; }

    ~NativeBlock()
    {
        if (_size == 0) return; // the constructor threw before allocating
        NativeMemory.AlignedFree(Pointer);
        GC.RemoveMemoryPressure((long)_size);
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
