package io.github.serverlesspatterns.circuitbreaker;

class InMemoryCircuitStateStoreTest extends CircuitStateStoreContract {

    private final InMemoryCircuitStateStore store = new InMemoryCircuitStateStore();

    @Override
    protected CircuitStateStore store() {
        return store;
    }
}
