/**
 * Local `$ref` resolution (`#/definitions/x`, `#/$defs/x`) in a JSON Schema: the one resolver the
 * sweep-spec validator, the kernel's completions and the plugin's form share. Browser-safe.
 */

/** The smallest view of a schema node the resolver reads. */
interface IRefNode {
  $ref?: unknown;
  definitions?: unknown;
  $defs?: unknown;
}

/**
 * `node` with its `$ref` chain followed inside `root` (siblings of a `$ref` win over the target's
 * fields). Throws naming the reference when it points nowhere, or loops.
 */
export function resolveSchemaRef<T extends object>(root: object, node: T): T {
  let current = node as T & IRefNode;
  for (let hops = 0; current.$ref !== undefined; hops++) {
    const ref = current.$ref;
    const match =
      typeof ref === 'string'
        ? /^#\/(definitions|\$defs)\/(.+)$/.exec(ref)
        : null;
    const table = match
      ? ((root as IRefNode)[match[1] as 'definitions' | '$defs'] as
          Record<string, T> | undefined)
      : undefined;
    const target = match && table ? table[match[2]] : undefined;
    if (!target || hops >= 32) {
      throw new Error(
        `Unresolvable $ref ${JSON.stringify(ref)} in the sweep schema.`
      );
    }
    const rest: T & IRefNode = { ...current };
    delete rest.$ref;
    current = { ...target, ...rest };
  }
  return current;
}
