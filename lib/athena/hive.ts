/** Hive/Glue column types: one tree rendered two ways (Glue type string, pretty DDL). */

export type HivePrimitive = 'string' | 'bigint' | 'int' | 'boolean' | 'double';

export type HiveType =
  | { readonly kind: 'primitive'; readonly name: HivePrimitive }
  | { readonly kind: 'struct'; readonly fields: readonly HiveField[] }
  | { readonly kind: 'array'; readonly element: HiveType }
  | { readonly kind: 'map'; readonly key: HiveType; readonly value: HiveType };

export interface HiveField {
  readonly name: string;
  readonly type: HiveType;
  readonly comment?: string;
}

export const STRING: HiveType = { kind: 'primitive', name: 'string' };
export const BIGINT: HiveType = { kind: 'primitive', name: 'bigint' };
export const INT: HiveType = { kind: 'primitive', name: 'int' };
export const struct = (...fields: HiveField[]): HiveType => ({ kind: 'struct', fields });
export const array = (element: HiveType): HiveType => ({ kind: 'array', element });
export const map = (key: HiveType, value: HiveType): HiveType => ({ kind: 'map', key, value });
export const f = (name: string, type: HiveType = STRING, comment?: string): HiveField =>
  comment === undefined ? { name, type } : { name, type, comment };

/** The Glue Data Catalog spelling: `struct<a:string,b:array<string>>`. */
export function glueType(t: HiveType): string {
  switch (t.kind) {
    case 'primitive':
      return t.name;
    case 'struct':
      return `struct<${t.fields.map((x) => `${x.name}:${glueType(x.type)}`).join(',')}>`;
    case 'array':
      return `array<${glueType(t.element)}>`;
    case 'map':
      return `map<${glueType(t.key)},${glueType(t.value)}>`;
  }
}

export function ddlType(t: HiveType, indent: string): string {
  switch (t.kind) {
    case 'primitive':
      return t.name.toUpperCase();
    case 'struct': {
      const inner = `${indent}    `;
      return `STRUCT<\n${t.fields.map((x) => `${inner}${x.name}: ${ddlType(x.type, inner)}`).join(',\n')}>`;
    }
    case 'array':
      return `ARRAY<${ddlType(t.element, indent)}>`;
    case 'map':
      return `MAP<${ddlType(t.key, indent)}, ${ddlType(t.value, indent)}>`;
  }
}
