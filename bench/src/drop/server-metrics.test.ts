import { describe, expect, it } from 'vitest';
import { gaugeValue, histogramSummary } from './server-metrics.js';

const TEXT = `# HELP limitedcart_event_delivery_delay_seconds From an event's occurrence to its handling.
# TYPE limitedcart_event_delivery_delay_seconds histogram
limitedcart_event_delivery_delay_seconds_bucket{le="0.1",topic="queues",group="a"} 50
limitedcart_event_delivery_delay_seconds_bucket{le="1",topic="queues",group="a"} 90
limitedcart_event_delivery_delay_seconds_bucket{le="10",topic="queues",group="a"} 100
limitedcart_event_delivery_delay_seconds_bucket{le="+Inf",topic="queues",group="a"} 100
limitedcart_event_delivery_delay_seconds_bucket{le="0.1",topic="queues",group="b"} 0
limitedcart_event_delivery_delay_seconds_bucket{le="1",topic="queues",group="b"} 0
limitedcart_event_delivery_delay_seconds_bucket{le="10",topic="queues",group="b"} 0
limitedcart_event_delivery_delay_seconds_bucket{le="+Inf",topic="queues",group="b"} 100
limitedcart_event_delivery_delay_seconds_bucket{le="0.1",topic="orders",group="c"} 7
limitedcart_event_delivery_delay_seconds_bucket{le="1",topic="orders",group="c"} 7
limitedcart_event_delivery_delay_seconds_bucket{le="10",topic="orders",group="c"} 7
limitedcart_event_delivery_delay_seconds_bucket{le="+Inf",topic="orders",group="c"} 7
nodejs_eventloop_lag_p99_seconds 0.25
`;

describe('server metrics', () => {
  it('sums a histogram over the matching series and places its quantiles in buckets', () => {
    expect(histogramSummary(TEXT, 'limitedcart_event_delivery_delay_seconds', { topic: 'queues', group: 'a' })).toEqual({
      count: 100,
      p50: 0.1,
      p95: 10,
      p99: 10,
    });
    // Group b's 100 events were all later than the last bound.
    expect(histogramSummary(TEXT, 'limitedcart_event_delivery_delay_seconds', { topic: 'queues' })).toEqual({
      count: 200,
      p50: 10,
      p95: Number.POSITIVE_INFINITY,
      p99: Number.POSITIVE_INFINITY,
    });
    expect(histogramSummary(TEXT, 'limitedcart_event_delivery_delay_seconds', { topic: 'payments' })).toBeNull();
  });

  it('reads a gauge', () => {
    expect(gaugeValue(TEXT, 'nodejs_eventloop_lag_p99_seconds')).toBe(0.25);
    expect(gaugeValue(TEXT, 'nodejs_eventloop_lag_max_seconds')).toBeNull();
  });
});
