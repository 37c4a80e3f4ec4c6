using SampleEngine;

// A simulated trading engine on the generic host: normal market making, a Knight-style runaway at t=45 s, the breaker
// containing it, and the staged recovery back to normal trading, all in event time. See docs/sample-engine.md.
var report = new EngineSession(args).Run(Console.Out);
return report.Contained && report.Recovered ? 0 : 1;
