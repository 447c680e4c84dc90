import type { MethodMap, MethodSpec, OutputOf, ParsedInputOf } from '../../../shared/contract/define';
import type { EngineContext } from './context';

export type Handler<M extends MethodSpec> = (input: ParsedInputOf<M>, ctx: EngineContext) => OutputOf<M> | Promise<OutputOf<M>>;

/** A domain's implementation of its slice of the contract. */
export type Handlers<T extends MethodMap> = { [K in keyof T]: Handler<T[K]> };

/**
 * Joins the domains' handler maps into one. A method implemented by two domains is a mistake that spreading
 * objects would hide (the later one silently wins), so it throws, naming the method.
 */
export function combineHandlers<T extends object>(...maps: object[]): T {
  const all: Record<string, unknown> = {};
  for (const map of maps) {
    for (const [method, handler] of Object.entries(map)) {
      if (method in all) throw new Error(`The method "${method}" has two handlers: each method belongs to one domain.`);
      all[method] = handler;
    }
  }
  return all as T;
}
