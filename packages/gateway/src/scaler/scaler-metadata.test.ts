/**
 * parseScalerMetadata: defaults, every supported key, and every problem reported at once.
 */
import { describe, expect, it } from 'vitest';
import { hasCode } from '../errors.js';
import { parseScalerMetadata } from './scaler-metadata.js';

describe('parseScalerMetadata', () => {
  it('defaults to connections over every stage with a target of 100', () => {
    expect(parseScalerMetadata({}, ['dev'])).toEqual({
      metric: 'connections',
      stage: undefined,
      target: 100,
      activationTarget: 0,
      metricName: 'switchboard-connections',
    });
  });

  it('reads metric, stage and both targets', () => {
    expect(
      parseScalerMetadata(
        { metric: 'messageRate', stage: 'prod', targetValue: '2.5', activationTargetValue: '1' },
        ['dev', 'prod'],
      ),
    ).toEqual({
      metric: 'messageRate',
      stage: 'prod',
      target: 2.5,
      activationTarget: 1,
      metricName: 'switchboard-messagerate-prod',
    });
  });

  it('reports every problem at once with SWB_ERR_SCALER_METADATA', () => {
    let caught: unknown;
    try {
      parseScalerMetadata({ metric: 'cpu', stage: 'nope', targetValue: '0', activationTargetValue: '-1' }, [
        'dev',
      ]);
    } catch (error) {
      caught = error;
    }
    expect(hasCode(caught, 'SWB_ERR_SCALER_METADATA')).toBe(true);
    const message = (caught as Error).message;
    for (const part of ['metric "cpu"', 'stage "nope"', 'targetValue "0"', 'activationTargetValue "-1"'])
      expect(message).toContain(part);
  });
});
