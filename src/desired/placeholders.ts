/**
 * `${customer}` and `${catalog}` in persona strings and notebook sources.
 * Anything else that looks like a placeholder is left alone in notebooks
 * (Databricks SQL widgets use `${name}` too) but is an error in persona
 * fields, where it can only be a typo.
 */

export interface PlaceholderValues {
  /** The Customer's displayName (default: its metadata.name). */
  customer: string;
  /** The Customer's catalog name; absent when it declares none. */
  catalog?: string;
}

export const PLACEHOLDERS = ['customer', 'catalog'] as const;

const PLACEHOLDER = /\$\{([^}]*)\}/g;

export function substitute(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    if (name === 'customer') return values.customer;
    if (name === 'catalog' && values.catalog !== undefined) return values.catalog;
    return whole;
  });
}

/** Names of every `${...}` in `text`, in order of appearance. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

export function usesCatalog(text: string): boolean {
  return placeholdersIn(text).includes('catalog');
}
