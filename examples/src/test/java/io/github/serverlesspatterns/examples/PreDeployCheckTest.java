package io.github.serverlesspatterns.examples;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pre-deploy check on every example template (transformed by the SAM translator, offline), and
 * each of its rules on a template broken in just that way ({@code src/test/resources/predeploy}).
 */
class PreDeployCheckTest {

    private static final Path BROKEN = Path.of("src/test/resources/predeploy");
    private static final Path OUT = Path.of("target/predeploy");
    private static PreDeployCheck check;

    @BeforeAll
    static void transformAll() throws Exception {
        check = new PreDeployCheck(Path.of("predeploy"));
        List<Path> templates = new ArrayList<>(examples());
        try (Stream<Path> broken = Files.list(BROKEN)) {
            broken.filter(p -> p.toString().endsWith(".yaml")).forEach(templates::add);
        }
        PreDeployCheck.transform(OUT, templates);
    }

    private static List<Path> examples() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("."))) {
            return dirs.filter(d -> d.getFileName().toString().matches("\\d\\d-.+")).map(d -> d.resolve("template.yaml")).sorted().toList();
        }
    }

    private static List<String> problems(Path template) throws IOException {
        return check.check(template, OUT.resolve(template.getParent().getFileName() + ".json"));
    }

    private static List<String> brokenProblems(String file) throws Exception {
        return check.check(BROKEN.resolve(file), OUT.resolve(file.replace(".yaml", ".json")));
    }

    private static void assertFound(List<String> problems, String... words) {
        assertTrue(problems.stream().anyMatch(p -> Stream.of(words).allMatch(p::contains)),
                "expected a problem with " + List.of(words) + " in " + problems);
    }

    @Test
    void everyExampleTemplate_passesThePreDeployCheck() throws IOException {
        List<String> all = new ArrayList<>();
        for (Path t : examples()) {
            problems(t).forEach(p -> all.add(t.getParent().getFileName() + ": " + p));
        }
        assertEquals(List.of(), all);
    }

    @Test
    void aBatchResponseWithoutReportBatchItemFailures_isReported() throws Exception {
        assertFound(brokenProblems("no-report-batch-item-failures.yaml"), "Consumer", "SQSBatchResponse", "no ReportBatchItemFailures");
    }

    @Test
    void aVisibilityTimeoutUnderSixTimesTheFunctionTimeout_isReported() throws Exception {
        assertFound(brokenProblems("short-visibility.yaml"), "Readings", "60 s", "30 s");
    }

    @Test
    void aVpcFunctionCallingSqsWithoutEndpointOrNat_isReported() throws Exception {
        assertFound(brokenProblems("vpc-without-endpoint.yaml"), "Consumer", "VPC", "sqs");
    }

    @Test
    void aRestProxyEventIntoAStringMapHandler_isReported() throws Exception {
        List<String> problems = brokenProblems("wrong-event-type.yaml");
        assertFound(problems, "Profile", "APIGatewayProxyRequestEvent", "Map<java.lang.String, java.lang.String>");
        assertFound(problems, "Profile", "APIGatewayProxyResponseEvent");
    }

    @Test
    void anApiFunctionWithoutAProxyResponse_isReported() throws Exception {
        assertFound(brokenProblems("no-proxy-response.yaml"), "Profile", "must return APIGatewayProxyResponseEvent");
    }

    @Test
    void aCallTheRoleDoesNotAllow_isReported() throws Exception {
        assertFound(brokenProblems("missing-permission.yaml"), "Items", "dynamodb:PutItem", "does not allow");
    }

    @Test
    void aPolicyTemplateGrantingCallsTheCodeNeverMakes_isReported() throws Exception {
        // DynamoDBCrudPolicy also grants Scan and the batch calls: the SimpleWebService function makes GetItem and PutItem only
        assertFound(brokenProblems("broad-policy.yaml"), "Items", "its role allows", "dynamodb:Scan", "never calls");
    }

    @Test
    void aFunctionWithoutALogGroupWithRetention_isReported() throws Exception {
        assertFound(brokenProblems("missing-permission.yaml"), "Items", "no log group", "forever");
    }

    @Test
    void anApiWithoutThrottling_orWithoutAnAuthorizerAndNotDeclaredOpen_isReported() throws Exception {
        List<String> problems = brokenProblems("open-api.yaml");
        assertFound(problems, "ServerlessRestApi", "no authorizer", "OpenApis");
        assertFound(problems, "Stage", "no throttling");
    }

    @Test
    void invokingEveryFunctionOfTheAccount_isReported() throws Exception {
        assertFound(brokenProblems("invoke-any-function.yaml"), "Checkout", "function:*");
    }

    @Test
    void anUnresolvedHandlerOrEnvironmentReference_isReported() throws Exception {
        List<String> problems = brokenProblems("unresolved-handler-and-environment.yaml");
        assertFound(problems, "Ghost", "does not resolve");
        assertFound(problems, "Items", "TABLE_NAME", "TableThatIsNotThere");
    }

    @Test
    void anAuthorizerOfASnapStartFunctionOnLatest_isReported() throws Exception {
        assertFound(brokenProblems("authorizer-on-latest.yaml"), "Gatekeeper", "$LATEST", "Gatekeeper.Alias");
    }

    @Test
    void anAwsIntegrationThatAnswers200ToEverything_isReported() throws Exception {
        assertFound(brokenProblems("integration-always-200.yaml"), "/readings/post", "only 'default'");
    }

    @Test
    void aMappingTemplateQuotingARequestValueByHand_isReported() throws Exception {
        assertFound(brokenProblems("template-quotes-request-value.yaml"), "/readings/post", "$input.path('$.deviceId')", "$input.json");
    }

    @Test
    void aDeadLetterQueueThatKeepsMessagesNoLongerThanItsSource_isReported() throws Exception {
        assertFound(brokenProblems("dlq-retention.yaml"), "ChangesDlq", "no longer than its source");
    }

    @Test
    void aFailureQueueWithoutADepthAlarm_isReported_whetherFoundByItsUseOrByItsName() throws Exception {
        List<String> problems = brokenProblems("dlq-without-alarm.yaml");
        assertFound(problems, "Leftovers", "no alarm watches its depth");
        assertFound(problems, "PaymentsDlq", "no alarm watches its depth");
        assertTrue(problems.stream().noneMatch(p -> p.startsWith("ReturnsDlq") || p.startsWith("Orders") || p.startsWith("Returns:")),
                "an alarmed dead-letter queue, and queues that are none, are not reported: " + problems);
    }

    @Test
    void aDashboardThatMissesAFunctionOrAFailureQueue_isReported_andATemplateWithoutOne() throws Exception {
        List<String> problems = brokenProblems("dashboard-misses-a-function.yaml");
        assertFound(problems, "AuditFunction", "no dashboard shows this function");
        assertFound(problems, "AuditDlq", "no dashboard shows this failure queue");
        assertTrue(problems.stream().noneMatch(p -> p.startsWith("QuoteFunction: no dashboard")), "QuoteFunction is shown: " + problems);
        assertFound(brokenProblems("dlq-retention.yaml"), "has no AWS::CloudWatch::Dashboard");
    }

    @Test
    void aNoEchoParameterInAFunctionsEnvironment_isReported() throws Exception {
        assertFound(brokenProblems("plaintext-password.yaml"), "Replica", "DB_PASSWORD", "NoEcho parameter DbPassword");
    }
}
