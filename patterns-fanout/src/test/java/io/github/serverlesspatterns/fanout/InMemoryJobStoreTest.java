package io.github.serverlesspatterns.fanout;

import java.time.Clock;

/** The job store contract on the in-memory store. */
class InMemoryJobStoreTest extends JobStoreContract {

    @Override
    protected JobStore store(Clock clock) {
        return new InMemoryJobStore(clock);
    }
}
