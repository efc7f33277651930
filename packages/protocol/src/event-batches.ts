/**
 * Event batches: an AWS_PROXY integration over HTTP with `batchSize` above 1 POSTs a JSON array of
 * Lambda proxy events and expects a JSON array of Lambda proxy results back, one per event, in the
 * same order. This header carries the number of events, so a backend can tell a batch from one event.
 * @see docs/lambda.md "Event batches"
 */

/** Request header of a batch: the number of events in its JSON array body. */
export const eventBatchHeader = 'x-switchboard-batch-size';
