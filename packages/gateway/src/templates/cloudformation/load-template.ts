/**
 * Loading a CloudFormation or SAM template as configuration: read the file with the short-form
 * tags, resolve parameters and intrinsics, map the resources (template-to-config.ts). The result is
 * a configuration layer like a YAML file's, so env and flags still apply on top, and the gateway
 * never knows where its configuration came from.
 */
import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { GatewayError } from '../../errors.js';
import { parseTemplateText } from './template-yaml.js';
import { templateToConfig, type TemplateOptions, type TemplateResult } from './template-to-config.js';

/** A CloudFormation or SAM template, recognised by its top-level keys (YAML or JSON alike). */
export function isTemplate(content: Readonly<Record<string, unknown>>): boolean {
  return 'AWSTemplateFormatVersion' in content || 'Resources' in content || 'Transform' in content;
}

/** Reads and converts the template at `options.file`. */
export async function loadTemplateFile(options: TemplateOptions): Promise<TemplateResult> {
  let text: string;
  try {
    text = await readFile(options.file, 'utf8');
  } catch (error) {
    throw new GatewayError(
      'SWB_ERR_CONFIG_UNREADABLE',
      `Template ${options.file} could not be read: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return templateToConfig(parseTemplateText(text, options.file), options);
}

/** The Switchboard YAML equivalent of a converted template, with its notes and warnings as comments. */
export function templateResultToYaml(result: TemplateResult, file: string): string {
  const lines = [`# Switchboard configuration converted from ${file} by \`switchboard import\`.`];
  for (const note of result.notes) lines.push(`# note: ${note}`);
  for (const warning of result.warnings) lines.push(`# warning: ${warning}`);
  return `${lines.join('\n')}\n${stringify(result.config, { lineWidth: 0 })}`;
}
