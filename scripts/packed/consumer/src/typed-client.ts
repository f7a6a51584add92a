// The typed client as an integrator's frontend uses it, against a stand-in fetch (no server in this scenario):
// the path, parameters and answer are checked by the compiler, the request shape at run time.
import { createLimitedCartClient, type Schemas } from '@limitedcart/client';

const product: Schemas['Product'] = {
  id: 'p-1',
  name: 'Packed sneaker',
  description: '',
  price: { amount: 12_900, currency: 'USD' },
  maxQuantityPerCustomer: 1,
  active: true,
  archived: false,
  saleStartsAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  stock: { available: 3, restockedTotal: 10 },
};
const sent: Request[] = [];
const api = createLimitedCartClient({
  baseUrl: 'https://shop.example.com/',
  token: () => 'token-1',
  fetch: async (request) => {
    sent.push(request);
    return Response.json({ items: [product], page: 0, size: 20, total: 1 }, { headers: { 'x-server-time': '1' } });
  },
});
const { data, error } = await api.GET('/api/products', { params: { query: { page: 0, size: 20 } } });
if (error || !data) throw new Error('expected a page');
const name: string = data.items[0]?.name ?? '';
const request = sent[0];
if (name !== 'Packed sneaker') throw new Error(`read ${name}`);
if (request?.url !== 'https://shop.example.com/api/products?page=0&size=20') throw new Error(`sent ${request?.url}`);
if (request.headers.get('authorization') !== 'Bearer token-1') throw new Error('no bearer token');
console.log('typed client: GET /api/products typed and sent');
