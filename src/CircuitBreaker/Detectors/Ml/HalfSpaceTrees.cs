using System.Runtime.CompilerServices;
namespace CircuitBreaker.Detectors;

/// <summary>
/// Streaming Half-Space Trees (Tan, Ting &amp; Liu, 2011): an ensemble of random, perfectly balanced trees that halve
/// a randomly perturbed unit work-space. Each node counts the mass of the reference window (the previous ψ updates)
/// and of the latest window; every ψ updates the latest window becomes the reference (window swap).
/// Memory is fixed at construction (trees × 2^(depth+1) nodes, flat arrays); <see cref="Score"/>,
/// <see cref="AnomalyScore"/> and <see cref="Update"/> allocate nothing. Trees are built from a
/// <see cref="SplitMix64"/> seed, so the same seed and stream give bit-identical scores on any runtime.
/// Features are expected in [0, 1]; values outside are clamped. Not thread-safe (one evaluator thread).
/// </summary>
public sealed class HalfSpaceTrees
{
    private readonly int _dims, _trees, _depth, _window, _internal, _nodes;
    private readonly double _sizeLimit;
    private readonly int[] _splitDim;        // [tree * _internal + node]
    private readonly double[] _splitValue;   // [tree * _internal + node]
    private int[] _reference;                // [tree * _nodes + node]
    private int[] _latest;                   // [tree * _nodes + node]
    private int _inWindow;
    private readonly int[] _leaf;            // [tree]: the leaf of the last point scored by ScoreRecordingLeaves

    /// <summary>Builds the trees. Allocates all memory the model will ever use. Throws on invalid options.</summary>
    /// <param name="options">Trees, depth, window, feature ranges and seed (validated).</param>
    public HalfSpaceTrees(HalfSpaceTreesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _dims = options.Dimensions; _trees = options.Trees; _depth = options.Depth; _window = options.WindowSize;
        _internal = (1 << _depth) - 1;
        _nodes = (1 << (_depth + 1)) - 1;
        _sizeLimit = options.SizeLimitFraction * _window;
        _splitDim = new int[_trees * _internal];
        _splitValue = new double[_trees * _internal];
        _reference = new int[_trees * _nodes];
        _latest = new int[_trees * _nodes];
        _leaf = new int[_trees];

        var rng = new SplitMix64(options.Seed);
        var lo = new double[_dims];
        var hi = new double[_dims];
        for (int tr = 0; tr < _trees; tr++)
        {
            for (int q = 0; q < _dims; q++)
            {
                double s = rng.NextDouble();
                double half = 2 * Math.Max(s, 1 - s);
                lo[q] = s - half;
                hi[q] = s + half;
            }
            Build(ref rng, tr * _internal, 0, 0, lo, hi);
        }
    }

    /// <summary>The options in force.</summary>
    public HalfSpaceTreesOptions Options { get; }
    /// <summary>Updates taken so far.</summary>
    public long Updates { get; private set; }
    /// <summary>True once one full window has become the reference (scores before that are 0).</summary>
    public bool IsReady => Updates >= _window;
    /// <summary>Largest possible <see cref="Score"/>: trees × ψ × 2^depth.</summary>
    public double MaxScore => (double)_trees * _window * (1 << _depth);

    /// <summary>
    /// Mass score of the paper: the sum over trees of <c>r × 2^k</c> at the first node on the path (depth k) that is a
    /// leaf or whose reference mass r is at or below the size limit. Higher is more normal; 0 before <see cref="IsReady"/>.
    /// Returns NaN when a feature is NaN. Throws <see cref="ArgumentException"/> when the length is not <see cref="HalfSpaceTreesOptions.Dimensions"/>.
    /// </summary>
    /// <param name="x">The feature vector, one value per feature.</param>
    public double Score(ReadOnlySpan<double> x) => Walk(x, recordLeaves: false);

    /// <summary>The mass score of <see cref="Score"/>; with <paramref name="recordLeaves"/> each tree's walk goes on to its
    /// leaf and keeps it for <see cref="UpdateRecorded"/> (the score is the same, bit for bit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double Walk(ReadOnlySpan<double> x, bool recordLeaves)
    {
        CheckLength(x);
        for (int q = 0; q < x.Length; q++) if (double.IsNaN(x[q])) return double.NaN;
        double total = 0;
        for (int tr = 0; tr < _trees; tr++)
        {
            int baseInternal = tr * _internal, baseNodes = tr * _nodes;
            int node = 0, k = 0;
            while (k < _depth && _reference[baseNodes + node] > _sizeLimit)
            {
                node = Child(baseInternal, node, x);
                k++;
            }
            total += _reference[baseNodes + node] * (double)(1 << k);
            if (!recordLeaves) continue;
            for (; k < _depth; k++) node = Child(baseInternal, node, x); // on to the leaf, for the update
            _leaf[tr] = node;
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Child(int baseInternal, int node, ReadOnlySpan<double> x)
    {
        int n = baseInternal + node;
        return Clamp01(x[_splitDim[n]]) < _splitValue[n] ? 2 * node + 1 : 2 * node + 2;
    }

    /// <summary>
    /// Anomaly score in [0, 1]: <c>1 − log2(1 + Score / trees) / log2(1 + ψ × 2^depth)</c>. 1 means no reference mass
    /// at all around the point; lower is more normal. NaN when a feature is NaN; 1 before <see cref="IsReady"/>.
    /// </summary>
    /// <param name="x">The feature vector, one value per feature.</param>
    public double AnomalyScore(ReadOnlySpan<double> x)
    {
        double s = Score(x);
        if (double.IsNaN(s)) return double.NaN;
        return 1.0 - Math.Log2(1.0 + s / _trees) / Math.Log2(1.0 + (double)_window * (1 << _depth));
    }

    /// <summary>
    /// <see cref="AnomalyScore"/> of <paramref name="x"/>, walking each tree down to its leaf and keeping the leaves, so
    /// that <see cref="UpdateRecorded"/> can then add the same point without walking the trees again (the leaf's
    /// ancestors are its path). Same result, bit for bit, as <see cref="AnomalyScore"/>; NaN when a feature is NaN.
    /// </summary>
    internal double AnomalyScoreRecordingLeaves(ReadOnlySpan<double> x)
    {
        double total = Walk(x, recordLeaves: true);
        if (double.IsNaN(total)) return double.NaN;
        return 1.0 - Math.Log2(1.0 + total / _trees) / Math.Log2(1.0 + (double)_window * (1 << _depth));
    }

    /// <summary>
    /// <see cref="Update"/> of the point last scored by <see cref="AnomalyScoreRecordingLeaves"/> (which must have
    /// returned a number, not NaN): the same counts incremented, from each leaf up to the root, with no tree walk.
    /// </summary>
    internal void UpdateRecorded()
    {
        int[] latest = _latest;
        for (int tr = 0; tr < _trees; tr++)
        {
            int baseNodes = tr * _nodes;
            for (int node = _leaf[tr]; node > 0; node = (node - 1) >> 1) latest[baseNodes + node]++;
            latest[baseNodes]++;
        }
        EndUpdate();
    }

    /// <summary>Adds a point to the latest window; every ψ updates the latest window becomes the reference. Ignores a point with a NaN feature.</summary>
    /// <param name="x">The feature vector, one value per feature.</param>
    public void Update(ReadOnlySpan<double> x)
    {
        CheckLength(x);
        for (int q = 0; q < x.Length; q++) if (double.IsNaN(x[q])) return;
        for (int tr = 0; tr < _trees; tr++)
        {
            int baseInternal = tr * _internal, baseNodes = tr * _nodes;
            int node = 0;
            _latest[baseNodes]++;
            for (int k = 0; k < _depth; k++)
            {
                node = Child(baseInternal, node, x);
                _latest[baseNodes + node]++;
            }
        }
        EndUpdate();
    }

    private void EndUpdate()
    {
        Updates++;
        if (++_inWindow == _window)
        {
            (_reference, _latest) = (_latest, _reference);
            Array.Clear(_latest);
            _inWindow = 0;
        }
    }

    private void Build(ref SplitMix64 rng, int baseInternal, int node, int k, double[] lo, double[] hi)
    {
        if (k == _depth) return;
        int q = rng.NextInt(_dims);
        double mid = 0.5 * (lo[q] + hi[q]);
        _splitDim[baseInternal + node] = q;
        _splitValue[baseInternal + node] = mid;
        double saved = hi[q];
        hi[q] = mid;
        Build(ref rng, baseInternal, 2 * node + 1, k + 1, lo, hi);
        hi[q] = saved;
        saved = lo[q];
        lo[q] = mid;
        Build(ref rng, baseInternal, 2 * node + 2, k + 1, lo, hi);
        lo[q] = saved;
    }

    private void CheckLength(ReadOnlySpan<double> x)
    {
        if (x.Length != _dims) ThrowLength(x.Length);
    }

    private void ThrowLength(int length)
        => throw new ArgumentException($"expected {_dims} features, got {length}", "x");

    private static double Clamp01(double v) => v < 0 ? 0 : v > 1 ? 1 : v;
}
