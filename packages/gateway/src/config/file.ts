/**
 * Reading the YAML configuration file. A missing or unreadable file, or text that is not YAML, is
 * SWB_ERR_CONFIG_UNREADABLE naming the file (and, for YAML, the line and column).
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { GatewayError } from '../errors.js';

/** The file's content as plain data; an empty file (or one with only comments) is `null`. */
export async function readConfigFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason =
      errnoCode(error) === 'ENOENT'
        ? 'does not exist'
        : `could not be read: ${error instanceof Error ? error.message : String(error)}`;
    throw new GatewayError('SWB_ERR_CONFIG_UNREADABLE', `Config file ${file} ${reason}`, { cause: error });
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter });
  const [first] = document.errors;
  if (first !== undefined) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    const at = ` at line ${line}, column ${col}`;
    throw new GatewayError(
      'SWB_ERR_CONFIG_UNREADABLE',
      `Config file ${file} is not valid YAML${at}: ${first.message}`,
      { cause: first },
    );
  }
  try {
    return document.toJS() as unknown;
  } catch (error) {
    // e.g. too many alias expansions (a "billion laughs" document)
    throw new GatewayError(
      'SWB_ERR_CONFIG_UNREADABLE',
      `Config file ${file} could not be read as YAML: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

function errnoCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
