// Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, level 9) next to every compressible file of a
// built static site, for servers that send precompressed files as they are (the reference server's storefront
// route). A sibling newer than its file is kept, so a second run after an unchanged build does nothing.
//   node scripts/precompress.mjs apps/storefront/dist
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const COMPRESSIBLE = /\.(?:html|js|mjs|css|svg|json|txt|xml|webmanifest|ico|wasm|map)$/i;
const MIN_BYTES = 1024;
const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/precompress.mjs <dir>');
  process.exit(2);
}

async function* files(root) {
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile() && COMPRESSIBLE.test(entry.name)) yield path;
  }
}

const fresh = async (sibling, source) => {
  try {
    return (await stat(sibling)).mtimeMs >= source.mtimeMs;
  } catch {
    return false;
  }
};

let written = 0;
let raw = 0;
let br = 0;
for await (const path of files(dir)) {
  const source = await stat(path);
  if (source.size < MIN_BYTES) continue;
  const body = await readFile(path);
  raw += body.length;
  if (!(await fresh(`${path}.br`, source))) {
    const params = { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length };
    await writeFile(`${path}.br`, await brotli(body, { params }));
    written += 1;
  }
  if (!(await fresh(`${path}.gz`, source))) {
    await writeFile(`${path}.gz`, await gzipped(body, { level: 9 }));
    written += 1;
  }
  br += (await stat(`${path}.br`)).size;
}
console.log(`precompress: ${dir}: ${written} file(s) written; ${raw} bytes raw, ${br} bytes as brotli`);
