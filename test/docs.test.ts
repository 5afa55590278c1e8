/**
 * The documentation in the repository is whole: every `docs/….md §N` a source or test cites names a
 * file and a section that exist, and the README links LICENSE, CHANGELOG.md, CONTRIBUTING.md and docs/.
 */
import t from 'tap';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return [];
    return statSync(full).isDirectory() ? walk(full) : name.endsWith('.ts') ? [full] : [];
  });
}

/** The section numbers of a Markdown page: `## 7. Replication` → 7, `### 7.4 SYNC` → 7.4, `#### 4.3.1 …` → 4.3.1. */
function sections(page: string): Set<string> {
  return new Set([...readFileSync(join(root, page), 'utf8').matchAll(/^#{2,4} (\d+(?:\.\d+)*)\.?\s/gm)].map((m) => m[1]!));
}

t.test('every docs/… citation in the code names an existing page and section', (t) => {
  const problems: string[] = [];
  let citations = 0;
  for (const file of ['core', 'scenetree', 'netcode', 'plugins', 'cli', 'server', 'samples', 'bin', 'test'].flatMap((d) =>
    existsSync(join(root, d)) ? walk(join(root, d)) : [],
  )) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/docs\/([\w/.-]+\.md)((?:[ ,]*(?:and )?§[\d.]+(?:[–-]§?[\d.]+)?)*)/g)) {
      const page = `docs/${m[1]!}`;
      citations++;
      if (!existsSync(join(root, page))) {
        problems.push(`${relative(root, file)}: ${page} does not exist`);
        continue;
      }
      const known = sections(page);
      for (const [, n] of m[2]!.matchAll(/§([\d]+(?:\.\d+)*)/g))
        if (!known.has(n!)) problems.push(`${relative(root, file)}: ${page} has no §${n}`);
    }
  }
  t.ok(citations >= 40, `${citations} citations`);
  t.same(problems, []);
  t.end();
});

t.test('the README links the license, changelog, contributing guide and docs', (t) => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const target of [
    'LICENSE',
    'CHANGELOG.md',
    'CONTRIBUTING.md',
    'docs/architecture.md',
    'docs/wire/multiplayer.md',
    'docs/wire/enet.md',
    'docs/README.md',
  ]) {
    t.ok(readme.includes(`](${target})`), `README links ${target}`);
    t.ok(existsSync(join(root, target)), `${target} exists`);
  }
  t.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /^MIT License/, 'LICENSE is MIT, as package.json says');
  t.end();
});
