/**
 * The factory defaults that a client's own options leave in force (the bindings' `TracedKafka`):
 * carriers given for one client replace the default mode and envelope settings, and a mode replaces
 * default carriers.
 */
export function overriddenDefaults<T extends { carriers?: unknown; mode?: unknown; envelope?: unknown }>(defaults: T | undefined, own: T | undefined): Partial<T> {
  if (defaults === undefined) return {};
  const { carriers, mode, envelope, ...rest } = defaults;
  if (own?.carriers !== undefined) return rest as Partial<T>;
  if (own?.mode !== undefined || own?.envelope !== undefined) return { ...rest, ...(mode === undefined || own.mode !== undefined ? {} : { mode }), ...(envelope === undefined ? {} : { envelope }) } as Partial<T>;
  return { ...rest, ...(carriers === undefined ? {} : { carriers }), ...(mode === undefined ? {} : { mode }), ...(envelope === undefined ? {} : { envelope }) } as Partial<T>;
}
