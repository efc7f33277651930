/**
 * Resolves CloudFormation intrinsic functions in template values: Ref (parameters, pseudo
 * parameters, resources), Fn::Sub (both forms), Fn::Join, Fn::GetAtt (a Lambda function's Arn is
 * an ARN that maps back to the local handler), Fn::If with Conditions (Fn::Equals, Fn::Not,
 * Fn::And, Fn::Or, Condition), Fn::Select, Fn::Split, Fn::FindInMap and Fn::Base64.
 * `Ref: AWS::NoValue` removes the property that holds it.
 */
import { GatewayError } from '../../errors.js';

/** What a `Ref` or `Fn::GetAtt` of a resource gives. */
export interface ResourceRefs {
  /** The physical id `Ref` returns, or undefined for an unknown resource. */
  ref(logicalId: string): string | undefined;
  /** The value of `Fn::GetAtt [logicalId, attribute]`, or undefined for an unknown resource. */
  getAtt(logicalId: string, attribute: string): string | undefined;
}

export interface ResolveContext {
  /** Parameter and pseudo-parameter values by name. */
  readonly parameters: ReadonlyMap<string, string | string[]>;
  readonly resources: ResourceRefs;
  /** Condition values by name (evaluated lazily by the caller). */
  condition(name: string): boolean;
  readonly mappings: Readonly<Record<string, unknown>>;
}

/** Marks a property removed by `Ref: AWS::NoValue`. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export function templateError(where: string, message: string): GatewayError {
  return new GatewayError('SWB_ERR_TEMPLATE_INVALID', `${where}: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Resolves every intrinsic function inside `value`; `where` names the resource and property for errors. */
export function resolveValue(value: unknown, ctx: ResolveContext, where: string): unknown {
  if (Array.isArray(value))
    return value
      .map((item, i) => resolveValue(item, ctx, `${where}[${i}]`))
      .filter((item) => item !== NO_VALUE);
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const [only] = keys;
  if (
    keys.length === 1 &&
    only !== undefined &&
    (only === 'Ref' || only.startsWith('Fn::') || only === 'Condition')
  ) {
    return resolveFunction(only, value[only], ctx, where);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const resolved = resolveValue(value[key], ctx, `${where}.${key}`);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

function resolveFunction(name: string, argument: unknown, ctx: ResolveContext, where: string): unknown {
  const at = `${where} (${name})`;
  switch (name) {
    case 'Ref':
      return resolveRef(argument, ctx, at);
    case 'Condition':
      // A bare `Condition` key inside a property is a condition reference (in Fn::And etc.).
      if (typeof argument !== 'string') throw templateError(at, 'Condition needs a condition name');
      return ctx.condition(argument);
    case 'Fn::Sub':
      return resolveSub(argument, ctx, at);
    case 'Fn::Join': {
      const args = resolveValue(argument, ctx, at);
      if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string' || !Array.isArray(args[1]))
        throw templateError(at, 'Fn::Join needs [delimiter, [values]]');
      return (args[1] as unknown[]).map((item) => scalar(item, at)).join(args[0]);
    }
    case 'Fn::GetAtt': {
      const args = typeof argument === 'string' ? argument.split('.') : resolveValue(argument, ctx, at);
      if (!Array.isArray(args) || args.length < 2)
        throw templateError(at, 'Fn::GetAtt needs [resource, attribute]');
      const [logicalId, ...rest] = args.map((item) => scalar(item, at));
      const value = ctx.resources.getAtt(logicalId ?? '', rest.join('.'));
      if (value === undefined) throw templateError(at, `unknown resource "${logicalId ?? ''}"`);
      return value;
    }
    case 'Fn::If': {
      if (!Array.isArray(argument) || argument.length !== 3 || typeof argument[0] !== 'string')
        throw templateError(at, 'Fn::If needs [condition, valueIfTrue, valueIfFalse]');
      return resolveValue(ctx.condition(argument[0]) ? argument[1] : argument[2], ctx, at);
    }
    case 'Fn::Equals': {
      const args = resolveValue(argument, ctx, at);
      if (!Array.isArray(args) || args.length !== 2) throw templateError(at, 'Fn::Equals needs two values');
      return JSON.stringify(args[0]) === JSON.stringify(args[1]);
    }
    case 'Fn::Not': {
      const args = resolveValue(argument, ctx, at);
      if (!Array.isArray(args) || args.length !== 1 || typeof args[0] !== 'boolean')
        throw templateError(at, 'Fn::Not needs [condition]');
      return !args[0];
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const args = resolveValue(argument, ctx, at);
      if (!Array.isArray(args) || args.length < 2 || !args.every((item) => typeof item === 'boolean'))
        throw templateError(at, `${name} needs at least two conditions`);
      return name === 'Fn::And' ? args.every(Boolean) : args.some(Boolean);
    }
    case 'Fn::Select': {
      const args = resolveValue(argument, ctx, at);
      if (!Array.isArray(args) || args.length !== 2 || !Array.isArray(args[1]))
        throw templateError(at, 'Fn::Select needs [index, [values]]');
      const list = args[1] as unknown[];
      const item = list[Number(args[0])];
      if (item === undefined) throw templateError(at, `index ${String(args[0])} is out of range`);
      return item;
    }
    case 'Fn::Split': {
      const args = resolveValue(argument, ctx, at);
      if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string')
        throw templateError(at, 'Fn::Split needs [delimiter, string]');
      return scalar(args[1], at).split(args[0]);
    }
    case 'Fn::FindInMap': {
      const args = resolveValue(argument, ctx, at);
      if (!Array.isArray(args) || args.length !== 3)
        throw templateError(at, 'Fn::FindInMap needs [map, topKey, secondKey]');
      const [map, top, second] = args.map((item) => scalar(item, at));
      const found = (
        ctx.mappings[map ?? ''] as Record<string, Record<string, unknown> | undefined> | undefined
      )?.[top ?? '']?.[second ?? ''];
      if (found === undefined)
        throw templateError(at, `Mappings has no ${map ?? ''}.${top ?? ''}.${second ?? ''}`);
      return found;
    }
    case 'Fn::Base64':
      return Buffer.from(scalar(resolveValue(argument, ctx, at), at)).toString('base64');
    default:
      throw templateError(
        at,
        `${name} is not supported (supported: Ref, Fn::Sub, Fn::Join, Fn::GetAtt, Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Fn::Select, Fn::Split, Fn::FindInMap, Fn::Base64)`,
      );
  }
}

function resolveRef(argument: unknown, ctx: ResolveContext, at: string): unknown {
  if (typeof argument !== 'string') throw templateError(at, 'Ref needs a name');
  if (argument === 'AWS::NoValue') return NO_VALUE;
  const parameter = ctx.parameters.get(argument);
  if (parameter !== undefined) return parameter;
  const resource = ctx.resources.ref(argument);
  if (resource !== undefined) return resource;
  throw templateError(at, `Ref to "${argument}", which is neither a parameter nor a resource`);
}

/** `Fn::Sub`: `"text ${Name} ${Res.Attr} ${!Literal}"` or `[text, {Name: value}]`. */
function resolveSub(argument: unknown, ctx: ResolveContext, at: string): string {
  let text: unknown = argument;
  let variables: Record<string, unknown> = {};
  if (Array.isArray(argument)) {
    if (argument.length !== 2 || !isObject(argument[1]))
      throw templateError(at, 'Fn::Sub needs a string or [string, {variables}]');
    text = argument[0];
    variables = resolveValue(argument[1], ctx, at) as Record<string, unknown>;
  }
  if (typeof text !== 'string') throw templateError(at, 'Fn::Sub needs a string');
  return text.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    if (Object.hasOwn(variables, name)) return scalar(variables[name], at);
    const parameter = ctx.parameters.get(name);
    if (parameter !== undefined) return scalar(parameter, at);
    const dot = name.indexOf('.');
    if (dot > 0) {
      const value = ctx.resources.getAtt(name.slice(0, dot), name.slice(dot + 1));
      if (value !== undefined) return value;
    } else {
      const value = ctx.resources.ref(name);
      if (value !== undefined) return value;
    }
    throw templateError(at, `\${${name}} names no parameter, resource or variable (in "${whole}")`);
  });
}

function scalar(value: unknown, at: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((item) => scalar(item, at)).join(',');
  throw templateError(at, `expected a string, found ${JSON.stringify(value)}`);
}
