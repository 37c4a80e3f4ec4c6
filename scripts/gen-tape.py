#!/usr/bin/env python3
"""Generates a large synthetic event tape for replay throughput runs: gen-tape.py <records> <out.jsonl>."""
import random, sys
random.seed(7)
n = int(sys.argv[1]); out = open(sys.argv[2], "w")
out.write('{"t":0,"type":"instrument","symbol":"BTC-PERP","kind":"perpetual","underlying":"BTC","tick":0.1,"lot":0.001}\n')
out.write('{"t":0,"type":"instrument","symbol":"ETH-PERP","kind":"perpetual","underlying":"ETH","tick":0.01,"lot":0.01}\n')
px = {"BTC-PERP": 64000.0, "ETH-PERP": 3000.0}; tick = {"BTC-PERP": 0.1, "ETH-PERP": 0.01}
t = 1000; oid = 0; w = out.write
for i in range(n - 2):
    t += 100_000  # 10,000 records per second of event time
    s = "BTC-PERP" if i & 1 else "ETH-PERP"
    k = i % 10
    p = px[s] = round(max(tick[s], px[s] + random.choice((-1, 0, 1)) * tick[s]) / tick[s]) * tick[s]
    if k < 4:
        w('{"t":%d,"type":"quote","symbol":"%s","bid":%.2f,"ask":%.2f,"bid_qty":3,"ask_qty":3}\n' % (t, s, p - tick[s], p + tick[s]))
    elif k < 7:
        w('{"t":%d,"type":"trade","symbol":"%s","px":%.2f,"qty":0.1,"aggressor":"buy"}\n' % (t, s, p))
    elif k == 7:
        w('{"t":%d,"type":"oracle","symbol":"%s","px":%.2f}\n' % (t, s[:3], p))
    elif k == 8:
        oid += 1
        w('{"t":%d,"type":"order","symbol":"%s","id":%d,"account":"acct-%d","side":"buy","px":%.2f,"qty":0.1}\n' % (t, s, oid, oid % 4, p - 5 * tick[s]))
    else:
        w('{"t":%d,"type":"fill","symbol":"%s","order_id":%d,"account":"acct-%d","side":"buy","px":%.2f,"qty":0.1}\n' % (t, s, oid, oid % 4, p))
