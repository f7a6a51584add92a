/**
 * Where the API is. The same origin by default (the reference server serves this app). A storefront hosted on
 * another origin names the API in its index.html, `<meta name="limitedcart-api" content="https://api.example.com">`,
 * and the API must allow that origin (STORE_CORS); calls then carry the bearer token across origins, no cookies.
 */
const API_ORIGIN = (document.querySelector('meta[name="limitedcart-api"]')?.getAttribute('content') ?? '').replace(/\/+$/, '');

/** `path` (`/api/...`) on the API's origin. */
export const apiUrl = (path: string): string => `${API_ORIGIN}${path}`;
