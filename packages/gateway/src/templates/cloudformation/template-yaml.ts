/**
 * Reads a CloudFormation or SAM template (YAML or JSON) into plain data, turning the short-form
 * tags (`!Ref`, `!Sub`, `!GetAtt`, `!Join`, `!If`, …) into their long form (`{Ref: …}`,
 * `{"Fn::Sub": …}`), so that the resolver sees one shape.
 */
import { parse, type ScalarTag, type CollectionTag } from 'yaml';
import { GatewayError } from '../../errors.js';

const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
] as const;

function longName(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

/** One scalar tag and one sequence/mapping tag for each short form. */
function tags(): (ScalarTag | CollectionTag)[] {
  const all: (ScalarTag | CollectionTag)[] = [];
  for (const name of [...FUNCTIONS, 'Ref', 'Condition', 'GetAtt']) {
    const key = longName(name);
    all.push({
      tag: `!${name}`,
      resolve: (value: string) => ({ [key]: name === 'GetAtt' ? splitGetAtt(value) : value }),
    } satisfies ScalarTag);
    all.push({
      tag: `!${name}`,
      collection: 'seq',
      resolve: (value) => ({ [key]: (value as { toJSON(): unknown }).toJSON() }),
    });
    all.push({
      tag: `!${name}`,
      collection: 'map',
      resolve: (value) => ({ [key]: (value as { toJSON(): unknown }).toJSON() }),
    });
  }
  return all;
}

/** `!GetAtt Res.Attr` in its scalar form: the first dot splits resource and attribute. */
function splitGetAtt(value: string): string[] {
  const dot = value.indexOf('.');
  return dot === -1 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

/** Parses the text of a template; a syntax error is SWB_ERR_CONFIG_UNREADABLE naming the file. */
export function parseTemplateText(text: string, file: string): unknown {
  try {
    return parse(text, { customTags: tags(), maxAliasCount: 1000 }) as unknown;
  } catch (error) {
    throw new GatewayError(
      'SWB_ERR_CONFIG_UNREADABLE',
      `${file}: not valid YAML or JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
