/**
 * A view of `client` with some members replaced: every other property is the client's own, and its
 * methods run with the client as `this`. kafkajs builds its clients as plain objects, the
 * KafkaJS-compatible API of @confluentinc/kafka-javascript as class instances with private fields;
 * a copy (`{ ...client }`) would lose the latter's methods and a prototype link would break their
 * private fields, a proxy serves both. The client itself is never modified.
 */
export function overlay<T extends object>(client: T, members: Record<PropertyKey, unknown>): T {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(client, {
    get(target, property) {
      if (Object.hasOwn(members, property)) return members[property];
      const value: unknown = Reflect.get(target, property, target);
      // Own functions (kafkajs's closures) are handed out as they are; methods of a class run bound to the client.
      if (typeof value !== 'function' || Object.hasOwn(target, property)) return value;
      // One bound function per method, so `traced.connect === traced.connect`.
      let method = bound.get(property);
      if (method === undefined || (method as { original?: unknown }).original !== value) {
        method = Object.assign((value as (...args: unknown[]) => unknown).bind(target), { original: value });
        bound.set(property, method);
      }
      return method;
    },
    has: (target, property) => Object.hasOwn(members, property) || Reflect.has(target, property),
  });
}
