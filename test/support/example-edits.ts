/**
 * Edits of a copy of the bundled example that several tests make, kept in
 * one place so they stay the same edit.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The text with each of the parts taken out; a part that is not there is an error (the example changed). */
export function without(text: string, ...parts: string[]): string {
  return parts.reduce((rest, part) => {
    if (!rest.includes(part)) throw new Error(`the example no longer contains ${JSON.stringify(part.slice(0, 60))}`);
    return rest.replace(part, '');
  }, text);
}

/**
 * Acme drops a persona (scientists), a schema (marketing), its warehouse and
 * its notebook: five owned objects to prune, within the deletion budget.
 */
export async function dropAcmeScientistsAndAssets(dir: string): Promise<void> {
  const customer = path.join(dir, 'customers/acme/customer.yaml');
  const text = await readFile(customer, 'utf8');
  await writeFile(
    customer,
    without(
      text,
      '    scientists: { template: scientists }\n',
      '      - { name: marketing, comment: Acme Corp marketing data }\n',
      '        - on: { schema: customer_acme.marketing }\n          privileges: [USE_SCHEMA, SELECT]\n',
      '        scientists: [READ_FILES]\n',
      text.slice(text.indexOf('  warehouses:\n'), text.indexOf('  clusterPolicies:\n')),
      text.slice(text.indexOf('  notebooks:\n')),
    ),
  );
  const roster = path.join(dir, 'customers/acme/roster.yaml');
  const people = await readFile(roster, 'utf8');
  without(people, 'personas: [scientists, analysts]'); // Sarah keeps only her other persona
  await writeFile(roster, people.replace('personas: [scientists, analysts]', 'personas: [analysts]'));
}
