export * from './accounts.js';
export * from './middleware.js';
export * from './options.js';
export * from './password.js';
export * from './tokens.js';
