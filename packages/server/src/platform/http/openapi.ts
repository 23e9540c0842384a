/**
 * Named schemas in the served OpenAPI document. Every shape of @dropgate/contract carries a
 * `title` (its export name); this lists each titled schema the operations use under
 * `components.schemas`, so generators and readers get the names. The operations keep their
 * schemas inline, so each one stands alone (and compiles alone as JSON Schema).
 */
type Json = Record<string, unknown>;

export function withNamedSchemas<T extends object>(document: T): T {
  const { paths, components = {} } = document as { paths?: unknown; components?: Json };
  const named: Record<string, unknown> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const schema = node as Json;
    if (typeof schema.title === 'string' && !(schema.title in named) && ('type' in schema || 'anyOf' in schema)) named[schema.title] = schema;
    Object.values(schema).forEach(visit);
  };
  visit(paths);
  const sorted = Object.fromEntries(Object.entries(named).sort(([a], [b]) => a.localeCompare(b)));
  return { ...document, components: { ...components, schemas: { ...sorted, ...(components.schemas as Json | undefined) } } };
}
