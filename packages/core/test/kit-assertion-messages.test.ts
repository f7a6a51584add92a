import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

// An adapter author reads a kit failure without the kit's source at hand: each assertion must name the rule of
// the contract it checks (`expect(actual, 'message')`), so a new kit or case cannot slip in a bare expect.
const KITS = fileURLToPath(new URL('../src/testing/', import.meta.url));

const bareExpects = (path: string): string[] => {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'expect') {
      if (node.arguments.length < 2) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        found.push(`${path.slice(KITS.length)}:${line + 1}: ${node.getText().split('\n')[0]}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
};

it('every assertion of the conformance kits says what it checks', () => {
  const files = readdirSync(KITS, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  expect(files.length, 'kit sources found').toBeGreaterThan(5);
  const bare = files.flatMap((file) => bareExpects(`${KITS}${file}`));
  expect(bare, 'kit assertions without a message naming the rule they check').toEqual([]);
});
