/* eslint-disable @typescript-eslint/no-explicit-any -- the mixin pattern's constructor shape */
/** A class the class factories can extend (the mixin pattern needs `any[]` constructor arguments). */
export type Constructor<T> = new (...args: any[]) => T;
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * What a class factory returns: a class whose instances are the client's plus `Members`, with the
 * client class's statics; each binding documents its constructor's arguments.
 */
export type Traced<B extends Constructor<object>, Members> = Omit<B, 'prototype'> & Constructor<InstanceType<B> & Members>;
