import type { MethodMap, MethodSpec, OutputOf, ParsedInputOf } from '../../../shared/contract/define';
import type { EngineContext } from '../context';

export type Handler<M extends MethodSpec> = (input: ParsedInputOf<M>, ctx: EngineContext) => OutputOf<M> | Promise<OutputOf<M>>;

/** A domain's implementation of its slice of the contract. */
export type Handlers<T extends MethodMap> = { [K in keyof T]: Handler<T[K]> };
