/**
 * The README is what a platform team operates from, so two of its promises
 * are checked: every alert the rules file defines is explained under
 * "Operate" (and no explained alert is gone), and every relative link of the
 * README and docs/ reaches a file, and a heading where it names one (the
 * internals moved to docs/, and a moved section must not leave a dead link).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = path.join(ROOT, 'README.md');
const ALERTS = path.join(ROOT, 'deploy', 'prometheus', 'alerts.yaml');

/** The text from `heading` to the next heading of the same or a higher level. */
function sectionOf(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start === -1) throw new Error(`no "${heading}" in the README`);
  const level = heading.indexOf(' ');
  const rest = markdown.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`^#{1,${level}} `, 'm'));
  return next === -1 ? rest : rest.slice(0, next);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function headingAnchors(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1]!)));
}

async function markdownFiles(): Promise<string[]> {
  const docs = (await readdir(path.join(ROOT, 'docs'))).filter((name) => name.endsWith('.md'));
  return [README, ...docs.map((name) => path.join(ROOT, 'docs', name))];
}

describe('the README', () => {
  it('explains every alert of deploy/prometheus/alerts.yaml under Operate, and no other', async () => {
    const rules = parse(await readFile(ALERTS, 'utf8')) as { groups: { rules: { alert?: string }[] }[] };
    const defined = rules.groups.flatMap((group) => group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : [])));
    expect(defined.length).toBeGreaterThan(0);
    const alertsSection = sectionOf(await readFile(README, 'utf8'), '### Alerts');
    const explained = [...alertsSection.matchAll(/^\| `(\w+)`/gm)].map((match) => match[1]);
    expect([...explained].sort()).toEqual([...defined].sort());
  });

  it('and docs/ link only to files and headings that exist', async () => {
    const broken: string[] = [];
    for (const file of await markdownFiles()) {
      const markdown = await readFile(file, 'utf8');
      const links = [...markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
      for (const link of links.filter((target) => !/^[a-z]+:/.test(target))) {
        const [target = '', anchor] = link.split('#');
        const resolved = target === '' ? file : path.resolve(path.dirname(file), target);
        const exists = await stat(resolved).then(() => true, () => false);
        if (!exists) broken.push(`${path.relative(ROOT, file)}: ${link} (no such file)`);
        else if (anchor !== undefined && resolved.endsWith('.md') && !headingAnchors(await readFile(resolved, 'utf8')).has(anchor)) {
          broken.push(`${path.relative(ROOT, file)}: ${link} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('anchors as GitHub writes them', () => {
  it('drop punctuation and join words with hyphens', () => {
    expect(anchorOf('Guards: held deletions and how to confirm them')).toBe('guards-held-deletions-and-how-to-confirm-them');
    expect(anchorOf('The controller (`onboarder run`)')).toBe('the-controller-onboarder-run');
  });
});
