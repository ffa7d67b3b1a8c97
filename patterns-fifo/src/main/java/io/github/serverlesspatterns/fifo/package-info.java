/**
 * Queue and stream consumers: {@link io.github.serverlesspatterns.fifo.SqsBatchHandler} (standard and FIFO SQS batches
 * with partial failures and a dead-letter queue), {@link io.github.serverlesspatterns.fifo.FifoDrainLoop} (the FIFOer),
 * {@link io.github.serverlesspatterns.fifo.StreamBatchHandler} (Kinesis and DynamoDB Streams) and
 * {@link io.github.serverlesspatterns.fifo.NewerWinsWriter} (stale changes never overwrite newer ones).
 */
package io.github.serverlesspatterns.fifo;
