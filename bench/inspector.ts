import type { Session } from 'node:inspector';

/** One inspector call as a promise (the profilers of `profile.ts` and `broker-case.ts`). */
export function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
}
