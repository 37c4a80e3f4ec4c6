// Two namespaces that break a layering on purpose, for LayeringTests' control: Low refers upward to High only inside
// a method body.
namespace CircuitBreaker.Tests.Architecture.Control.High
{
    public sealed class Target
    {
        public int Touch() => 3;
    }
}

namespace CircuitBreaker.Tests.Architecture.Control.Low
{
    public static class Caller
    {
        public static object Call() => new CircuitBreaker.Tests.Architecture.Control.High.Target();
    }
}
