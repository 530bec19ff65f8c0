// The error bad props raise at synth time, and how a received value is shown in it.
import { Size } from 'cdk8s';

/**
 * Thrown at synth time when a construct receives props it cannot turn into a safe deployment.
 * The message names the construct path, the prop, the rule and the value received.
 *
 * TypeScript and JavaScript only (jsii cannot extend Error): from Python, Java and Go the same message arrives as
 * the language's exception for a JavaScript error.
 * @jsii ignore
 */
export class PropValidationError extends Error {
  /** Path of the construct whose props are invalid (e.g. `consul/consul`). */
  public readonly constructPath: string;
  /** One line per broken rule: `prop "<name>" <rule>; got <value>`. */
  public readonly violations: string[];

  /**
   * @param constructPath path of the construct whose props are invalid
   * @param violations one line per broken rule
   */
  constructor(constructPath: string, violations: string[]) {
    super(`${constructPath}: invalid props\n${violations.map((v) => `  - ${v}`).join('\n')}`);
    this.name = 'PropValidationError';
    this.constructPath = constructPath;
    this.violations = violations;
  }
}

/** A value shown in an error message as given, not rendered (e.g. `<redacted>`, or what kind of value it is). */
export class ShownValue {
  constructor(public readonly text: string) {}
}

/** Shows `text` as it is in an error message: a value that must not be printed, or a description of one. */
export function shown(text: string): ShownValue {
  return new ShownValue(text);
}

/**
 * What kind of value was given where an instance of a class was expected, without printing it (it may hold
 * secrets): `undefined`, `null`, `a string`, `an object of another class`...
 */
export function kindOf(value: unknown): ShownValue {
  if (value === undefined || value === null) return shown(String(value));
  if (typeof value === 'object') return shown('an object of another class');
  return shown(`a ${typeof value}`);
}

/** Renders a received value for an error message: strings quoted, objects as JSON, {@link ShownValue}s as they are. */
export function describeValue(value: unknown): string {
  if (value instanceof ShownValue) return value.text;
  if (value === undefined) return 'undefined';
  if (value instanceof Size) return `Size.${(value as any).unit?.label ?? 'unknown'}(${(value as any).amount})`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
