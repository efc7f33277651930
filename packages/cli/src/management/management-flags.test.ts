// Connection ids are base64url and may begin with `-`: `switchboard get/send/delete ID` must read such
// an id as the positional it is (and as a flag's value), not as an unknown flag.
import { describe, expect, it } from 'vitest';
import { parseManagementCommand } from './management-flags.js';

const ENV = { SWITCHBOARD_ENDPOINT: 'http://127.0.0.1:8081/dev' };

describe('parseManagementCommand', () => {
  it('reads a connection id that begins with a dash as a positional, in its place', () => {
    const parsed = parseManagementCommand('send', ['-6x1kmxc2VNjMCF=', 'hello', '--json'], ENV, 'help');
    expect(parsed?.positionals).toEqual(['-6x1kmxc2VNjMCF=', 'hello']);
    expect(parsed?.json).toBe(true);
  });

  it('reads ordinary ids and data unchanged', () => {
    const parsed = parseManagementCommand('get', ['R1kmxc2VNjMCFIA='], ENV, 'help');
    expect(parsed?.positionals).toEqual(['R1kmxc2VNjMCFIA=']);
  });

  it('still refuses an unknown flag', () => {
    expect(() => parseManagementCommand('get', ['-g'], ENV, 'help')).toThrow(/Unknown option '-g'/);
  });

  it('keeps a dashed id given as the value of a string flag', () => {
    const parsed = parseManagementCommand('send', ['--endpoint', 'http://127.0.0.1:9/dev', '-6x1kmxc2VNjMCF='], {}, 'help');
    expect(parsed?.positionals).toEqual(['-6x1kmxc2VNjMCF=']);
    expect(parsed?.values.endpoint).toBe('http://127.0.0.1:9/dev');
  });
});
