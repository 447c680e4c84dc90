import { z } from 'zod';

/**
 * One API method of the contract: the zod schema of its input and of its output.
 * Both bridges (IPC, WebSocket) and the engine validate against these.
 */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  /** One line for the docs and the CLI. */
  readonly doc: string;
}

export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, doc: string): MethodSpec<I, O> {
  return { input, output, doc };
}

export type MethodMap = Record<string, MethodSpec>;

/** What a caller passes (before defaults are applied). */
export type InputOf<M extends MethodSpec> = z.input<M['input']>;
/** What the engine's handler receives (after parsing). */
export type ParsedInputOf<M extends MethodSpec> = z.output<M['input']>;
export type OutputOf<M extends MethodSpec> = z.output<M['output']>;

/** An event of the contract: a name and its payload schema. */
export type EventMap = Record<string, z.ZodType>;
