// The memory adapter against the conformance suite.
import { createSessionStore } from '../src/index.js';
import { sessionStoreConformance } from './conformance/session-store.case.js';

sessionStoreConformance('memory', () => createSessionStore({ kind: 'memory' }));
