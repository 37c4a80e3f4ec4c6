namespace CircuitBreaker.Drills;

/// <summary>Black–Scholes (no rates, no dividends) for the simulated options books: premium and delta.</summary>
internal static class SimOptionPricer
{
    public static double Price(double spot, double strike, double years, double sigma, bool call)
    {
        var (d1, d2) = D(spot, strike, years, sigma);
        return call ? spot * N(d1) - strike * N(d2) : strike * N(-d2) - spot * N(-d1);
    }

    public static double Delta(double spot, double strike, double years, double sigma, bool call)
    {
        double d1 = D(spot, strike, years, sigma).D1;
        return call ? N(d1) : N(d1) - 1;
    }

    private static (double D1, double D2) D(double spot, double strike, double years, double sigma)
    {
        double v = sigma * Math.Sqrt(years);
        double d1 = (Math.Log(spot / strike) + 0.5 * v * v) / v;
        return (d1, d1 - v);
    }

    // Standard normal CDF through erf (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7).
    private static double N(double x)
    {
        double z = Math.Abs(x) / Math.Sqrt(2), t = 1 / (1 + 0.3275911 * z);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-z * z);
        return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
