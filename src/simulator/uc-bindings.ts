/**
 * Workspace bindings of bindable securables, keyed like grants
 * (`<type>/<lower-case name>`). Pure storage: the rules (workspace exists,
 * READ_ONLY only on catalogs) are checked by `UnityCatalogState`.
 */
import type { BindingType, UcBinding } from './uc-types.js';

export class BindingStore {
  private readonly bySecurable = new Map<string, Map<string, BindingType>>();

  /** Sorted by numeric workspace id. */
  list(key: string): UcBinding[] {
    return [...(this.bySecurable.get(key) ?? [])]
      .map(([workspaceId, bindingType]) => ({ workspaceId, bindingType }))
      .sort((a, b) => (BigInt(a.workspaceId) < BigInt(b.workspaceId) ? -1 : 1));
  }
  type(key: string, workspaceId: string): BindingType | undefined {
    return this.bySecurable.get(key)?.get(workspaceId);
  }
  /** Removes first, then adds: adding a bound workspace again sets its type. */
  update(key: string, add: readonly UcBinding[], remove: readonly string[]): void {
    let map = this.bySecurable.get(key);
    if (!map) {
      map = new Map();
      this.bySecurable.set(key, map);
    }
    for (const workspaceId of remove) map.delete(workspaceId);
    for (const binding of add) map.set(binding.workspaceId, binding.bindingType);
  }
  drop(key: string): void {
    this.bySecurable.delete(key);
  }
  rename(from: string, to: string): void {
    const map = this.bySecurable.get(from);
    this.bySecurable.delete(from);
    if (map) this.bySecurable.set(to, map);
  }
}
