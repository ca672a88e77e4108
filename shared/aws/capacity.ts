/**
 * DynamoDB capacity as AWS bills it on demand, from what a call sent and got back.
 * The rules (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
 * and .../CapacityUnitCalculations.html):
 * - a write is one unit per 1 KB of the item, rounded up, per item; in a transaction, two;
 * - a strongly consistent read is one unit per 4 KB, an eventually consistent one half that,
 *   a transactional read two; a Query rounds the total of the items it returned, a GetItem each item;
 * - every call is billed at least one such unit, even one that returned nothing.
 * The emulator's own ConsumedCapacity is kept beside it: moto does not follow these rules
 * everywhere (a transaction of two items is not billed 2 units per KB per item there).
 */

const KB = 1024;
const READ_BLOCK = 4 * KB;
const AV_KEYS = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL']);

type Item = Record<string, unknown>;

/** An AttributeValue as the low-level client sends it: one known type key. */
function isAttributeValue(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array || v instanceof Set) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && AV_KEYS.has(keys[0]!);
}

const utf8 = (s: string) => Buffer.byteLength(s);
// "Numbers are variable length, with up to 38 significant digits... approximately 1 byte per two significant digits, plus one byte".
const numberSize = (n: string) => Math.ceil(n.replace(/^-|\.|e.*$/gi, '').replace(/^0+/, '').length / 2) + 1;

function valueSize(v: unknown): number {
  if (isAttributeValue(v)) {
    const [k, x] = Object.entries(v)[0]!;
    if (k === 'S') return utf8(String(x));
    if (k === 'N') return numberSize(String(x));
    if (k === 'B') return (x as Uint8Array).byteLength ?? utf8(String(x));
    if (k === 'NULL' || k === 'BOOL') return 1;
    if (k === 'SS') return (x as string[]).reduce((s, e) => s + utf8(e), 0);
    if (k === 'NS') return (x as string[]).reduce((s, e) => s + numberSize(e), 0);
    if (k === 'BS') return (x as Uint8Array[]).reduce((s, e) => s + e.byteLength, 0);
    if (k === 'L') return 3 + (x as unknown[]).reduce<number>((s, e) => s + 1 + valueSize(e), 0);
    return 3 + Object.entries(x as Item).reduce((s, [n, e]) => s + 1 + utf8(n) + valueSize(e), 0);
  }
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return utf8(v);
  if (typeof v === 'number' || typeof v === 'bigint') return numberSize(String(v));
  if (v instanceof Uint8Array) return v.byteLength;
  if (v instanceof Set) return [...v].reduce<number>((s, e) => s + valueSize(e), 0);
  if (Array.isArray(v)) return 3 + v.reduce<number>((s, e) => s + 1 + valueSize(e), 0);
  return 3 + Object.entries(v as Item).reduce((s, [n, e]) => s + 1 + utf8(n) + valueSize(e), 0);
}

/** An item's size by DynamoDB's rules: attribute names plus values. */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce((s, [n, v]) => s + utf8(n) + valueSize(v), 0);
}

const writeUnits = (item: Item | undefined) => Math.max(1, Math.ceil((item ? itemSize(item) : 0) / KB));
const readUnits = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / READ_BLOCK)) * (consistent ? 1 : 0.5);

interface TransactItem {
  Put?: { Item?: Item };
  Update?: { Key?: Item };
  Delete?: { Key?: Item };
  ConditionCheck?: { Key?: Item };
}

/**
 * Billed units and items of one DynamoDB call. `output` is undefined for a call that
 * failed (a refused condition is still billed its write). An update or delete is sized
 * from its key: the stored item is not seen, so a large one is under-counted (noted in the model).
 */
export function billedCapacityUnits(operation: string, input: unknown, output: unknown): { units: number; items: number } {
  const i = (input ?? {}) as Record<string, unknown>;
  const o = (output ?? {}) as Record<string, unknown>;
  const consistent = i.ConsistentRead === true;
  switch (operation) {
    case 'PutItem':
      return { units: writeUnits(i.Item as Item), items: 1 };
    case 'UpdateItem':
    case 'DeleteItem': {
      const after = o.Attributes as Item | undefined;
      return { units: writeUnits(after ?? (i.Key as Item)), items: 1 };
    }
    case 'TransactWriteItems': {
      const items = (i.TransactItems as TransactItem[] | undefined) ?? [];
      const units = items.reduce((s, t) => s + 2 * writeUnits(t.Put?.Item ?? t.Update?.Key ?? t.Delete?.Key ?? t.ConditionCheck?.Key), 0);
      return { units, items: items.length };
    }
    case 'BatchWriteItem': {
      const reqs = Object.values(
        (i.RequestItems as Record<string, Array<{ PutRequest?: { Item?: Item }; DeleteRequest?: { Key?: Item } }>>) ?? {},
      ).flat();
      return { units: reqs.reduce((s, r) => s + writeUnits(r.PutRequest?.Item ?? r.DeleteRequest?.Key), 0), items: reqs.length };
    }
    case 'GetItem': {
      const item = o.Item as Item | undefined;
      return output ? { units: readUnits(item ? itemSize(item) : 0, consistent), items: item ? 1 : 0 } : { units: 0, items: 0 };
    }
    case 'Query':
    case 'Scan': {
      if (!output) return { units: 0, items: 0 };
      const items = (o.Items as Item[] | undefined) ?? [];
      return {
        units: readUnits(
          items.reduce((s, it) => s + itemSize(it), 0),
          consistent,
        ),
        items: items.length,
      };
    }
    case 'BatchGetItem': {
      if (!output) return { units: 0, items: 0 };
      const items = Object.values((o.Responses as Record<string, Item[]>) ?? {}).flat();
      return { units: items.reduce((s, it) => s + readUnits(itemSize(it), consistent), 0), items: items.length };
    }
    case 'TransactGetItems': {
      if (!output) return { units: 0, items: 0 };
      const items = ((o.Responses as Array<{ Item?: Item }>) ?? []).map((r) => r.Item);
      return { units: items.reduce<number>((s, it) => s + 2 * readUnits(it ? itemSize(it) : 0, true), 0), items: items.length };
    }
    default:
      return { units: 0, items: 0 };
  }
}
