// (a) The in-memory engine embedded in an app: 100 shoppers race for 20 units at once.
import assert from 'node:assert/strict';
import { createEngine, money } from '@limitedcart/core';

const engine = createEngine();
await engine.start();
try {
  const product = await engine.useCases.createProduct({ name: 'Packed sneaker', price: money(12_900), maxQuantityPerCustomer: 1 });
  await engine.useCases.restock({ productId: product.id, quantity: 20, opId: 'initial' });

  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      engine.useCases.placeOrder({ customerId: `shopper-${i}`, productId: product.id, quantity: 1 }),
    ),
  );
  assert.equal(results.filter((result) => result.ok).length, 20, 'exactly the 20 units are sold: no oversell, no undersell');
  assert.ok(
    results.every((result) => result.ok || result.reason === 'SOLD_OUT'),
    'every refused order is refused as SOLD_OUT',
  );

  const [line] = await engine.useCases.getStockSummary([product.id]);
  assert.ok(line, 'the stock summary has a line for the product');
  const { available, held, sold, restockedTotal } = line;
  assert.deepEqual({ available, held, sold, restockedTotal }, { available: 0, held: 20, sold: 0, restockedTotal: 20 });
  console.log(`memory embed: 20 of 100 accepted; stock ${JSON.stringify({ available, held, sold, restockedTotal })}`);
} finally {
  await engine.stop();
}
