package io.github.serverlesspatterns.examples;

import io.github.serverlesspatterns.testing.LocalServices;
import io.github.serverlesspatterns.testing.LocalServicesExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One end-to-end test per example pattern, on the kit's local services. */
@ExtendWith(LocalServicesExtension.class)
class ExamplesEndToEndTest {

    @Test
    void everyPatternOfTheCatalogue_hasARunnableScenario() {
        assertEquals(19, PatternScenarios.all().size(), "scenarios");
        assertEquals(19, PatternScenarios.all().stream().map(PatternScenarios.Scenario::number).distinct().count(), "distinct numbers");
        assertTrue(PatternScenarios.PENDING.isEmpty(), "pending: " + PatternScenarios.PENDING);
    }

    @Test
    void pattern01_simpleWebService_storesAndReadsItemsThroughDynamoDb(LocalServices services) {
        assertTrue(PatternScenarios.simpleWebService(services).contains("round-tripped"));
    }

    @Test
    void pattern02_scalableWebhook_queuesThenWritesEachEventOnce_andInvalidOnesToTheDlq(LocalServices services) {
        assertTrue(PatternScenarios.scalableWebhook(services).contains("written to PostgreSQL once each"));
    }

    @Test
    void pattern03_gatekeeper_deniesBadTokens_allowsGoodOnes_andTheCachedPolicyCoversOnlyGrantedRoutes(LocalServices services) {
        assertTrue(PatternScenarios.gatekeeper(services).contains("denied DELETE (403)"));
    }

    @Test
    void pattern04_internalApi_callsThePricingFunctionSynchronously(LocalServices services) {
        assertTrue(PatternScenarios.internalApi(services).contains("750 cents"));
    }

    @Test
    void pattern05_internalHandoff_shipsOnceAndSendsFailuresToTheDestination(LocalServices services) {
        assertTrue(PatternScenarios.internalHandoff(services).contains("shipped it once"));
    }

    @Test
    void pattern06_aggregator_mergesWhatArrivesBeforeTheDeadline_andOpensTheBreaker(LocalServices services) {
        assertTrue(PatternScenarios.aggregator(services).contains("circuit opened"));
    }

    @Test
    void pattern07_notifier_deliversEachEventToEverySubscriberWhoseFilterMatches(LocalServices services) {
        assertTrue(PatternScenarios.notifier(services).contains("shipping's filter"));
    }

    @Test
    void pattern08_fifoer_drainsTheQueueInOrderThroughSelfReinvocations(LocalServices services) {
        assertTrue(PatternScenarios.fifoer(services).contains("posted in order"));
    }

    @Test
    void pattern09_streamer_keepsEachDevicesReadingsOnceInOrder_andMalformedOnesInTheDlq(LocalServices services) {
        assertTrue(PatternScenarios.streamer(services).contains("delivered twice"));
    }

    @Test
    void pattern10_strangler_sendsMigratedRoutesToTheNewFunction_andEveryOtherPathToTheLegacyApi(LocalServices services) {
        assertTrue(PatternScenarios.strangler(services).contains("reached the local legacy API"));
    }

    @Test
    void pattern11_stateMachine_taskHandlersFollowTheDefinitionsRetriesWaitsAndRollback(LocalServices services) {
        assertTrue(PatternScenarios.stateMachine(services).contains("released its stock"));
    }

    @Test
    void pattern12_router_sendsEachEventToItsTaskFunction_andUnroutableOnesToAQueue(LocalServices services) {
        assertTrue(PatternScenarios.router(services).contains("unroutable queue"));
    }

    @Test
    void pattern13_robustApi_routesToFunctionsSharingATable_callsPricingSyncAndNotifiesAsync(LocalServices services) {
        assertTrue(PatternScenarios.robustApi(services).contains("a retried POST got the first answer"));
    }

    @Test
    void pattern14_frugalConsumer_drainsTheQueueIntoPostgresOnce_andInvalidReadingsToTheDlq(LocalServices services) {
        assertTrue(PatternScenarios.frugalConsumer(services).contains("30 rows written once"));
    }

    @Test
    void pattern15_readHeavy_servesFromRedis_andChangeEventsInvalidate(LocalServices services) {
        assertTrue(PatternScenarios.readHeavy(services).contains("250 was read"));
    }

    @Test
    void pattern16_fanOutFanIn_sumsEveryResultOnce(LocalServices services) {
        assertTrue(PatternScenarios.fanOutFanIn(services).contains("once"));
    }

    @Test
    void pattern17_eventuallyConsistent_copiesTheStreamInOrder_andRejectsStaleChanges(LocalServices services) {
        assertTrue(PatternScenarios.eventuallyConsistent(services).contains("did not overwrite"));
    }

    @Test
    void pattern18_distributedTrigger_turnsLogEventsIntoAlertsForSubscribers_andCorruptPayloadsReachTheDlq(LocalServices services) {
        assertTrue(PatternScenarios.distributedTrigger(services).contains("after 3 attempts"));
    }

    @Test
    void pattern19_circuitBreaker_opensOnAFailingPartnerAndRecovers(LocalServices services) {
        assertTrue(PatternScenarios.circuitBreaker(services).contains("closed after recovery"));
    }
}
