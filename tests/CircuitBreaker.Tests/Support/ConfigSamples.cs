namespace CircuitBreaker.Tests.Support;

/// <summary>Configuration documents shared by the config and hosting tests.</summary>
internal static class ConfigSamples
{
    public const string Valid = """
    {
      // comments are allowed
      "version": 7,
      "rate_window_ms": 250,
      "capacities": { "accounts": 8, "pairs": 64, "orders": 1024 },
      "defaults": {
        "instrument": { "collar_bps": 300, "max_orders_per_window": 200, "reference_source": "mid" },
        "account": { "max_daily_loss": 50000, "max_open_orders": 300 }
      },
      "instruments": [
        { "symbol": "BTC-PERP", "kind": "perpetual", "tick": 0.5, "lot": 0.001, "underlying": "BTC", "group": "crypto",
          "limits": { "max_order_quantity": 5, "min_order_quantity": 0.002, "collar_bps": 150, "reference_source": "oracle",
                      "reference_stale_after_ms": 2000, "missing_reference": "allow", "max_long_position": 20, "max_short_position": 10,
                      "max_open_orders": 500, "max_open_orders_per_account": 32, "max_messages_per_window": 900,
                      "fat_finger_multiple": 25, "max_order_notional": 1000000 } },
        { "symbol": "ETH-PERP", "kind": "perpetual", "tick": 0.05, "lot": 0.01, "underlying": "ETH", "group": "crypto" },
        { "symbol": "BTC-UO", "kind": "barrier_option", "tick": 0.1, "lot": 1, "multiplier": 0.1, "underlying": "BTC",
          "barrier": 80000, "barrier_kind": "up_and_out", "strike": 70000 }
      ],
      "accounts": [
        { "name": "alpha", "limits": { "max_gross_exposure": 2000000, "max_orders_per_window": 40 } },
        { "name": "beta" }
      ],
      "groups": [ { "name": "crypto", "limits": { "max_orders_per_window": 600, "max_open_orders": 4000 } } ],
      "pipeline": { "capacity": 1024, "full_ring_policy": "drop_and_count", "wait_strategy": "sleeping",
                    "stall_threshold_ms": 0, "detector_fault_policy": "quarantine" },
      "signatures": { "ml_anomaly": false, "oracle": { "enabled": false }, "volume_spike": true },
      "playbooks": { "rules": [ { "name": "critical", "min_severity": "critical", "actions": [ { "action": "halt", "scope": "group" } ] } ] }
    }
    """;

    public const string Minimal = """{ "instruments": [ { "symbol": "X", "kind": "spot", "tick": 0.01, "lot": 1 } ] }""";
}
