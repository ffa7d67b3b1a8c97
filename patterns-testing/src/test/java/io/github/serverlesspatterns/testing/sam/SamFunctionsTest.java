package io.github.serverlesspatterns.testing.sam;

import io.github.serverlesspatterns.testing.FunctionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamFunctionsTest {

    private static Path template(Path dir) throws Exception {
        return Files.writeString(dir.resolve("template.yaml"), String.join("\n",
                "Globals:",
                "  Function:",
                "    Timeout: 20",
                "Resources:",
                "  Worker:",
                "    Type: AWS::Serverless::Function",
                "    Properties:",
                "      Handler: a.B::handleRequest",
                "      ReservedConcurrentExecutions: 4",
                "      AutoPublishAlias: live",
                "      EventInvokeConfig: {MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 120}",
                "      Environment:",
                "        Variables:",
                "          MODE: fast",
                "          TABLE: !Ref Jobs",
                "          QUEUE_ARN: !GetAtt Failed.Arn",
                "          URL: !Sub 'https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/v1'",
                "          MISSING: !Ref Nowhere",
                ""));
    }

    @Test
    void config_takesTheTemplatesTimeoutConcurrencyAliasAndRetries(@TempDir Path dir) throws Exception {
        FunctionConfig config = SamFunctions.config(template(dir), "Worker", "worker", (payload, ctx) -> payload).build();
        assertEquals(Duration.ofSeconds(20), config.timeout());
        assertEquals(4, config.reservedConcurrency().getAsInt());
        assertEquals(Set.of("live"), config.aliases());
        assertEquals(1, config.maxEventRetries());
        assertEquals(Duration.ofSeconds(120), config.maximumEventAge());
    }

    @Test
    void environment_resolvesRefsGetAttsAndSubs_toTheLocalResources_andNamesWhatItCannot(@TempDir Path dir) throws Exception {
        Path t = template(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SamFunctions.environment(t, "Worker",
                Map.of("Jobs", "local-jobs", "Failed.Arn", "arn:aws:sqs:us-east-1:000000000000:failed", "Api", "abc")));
        assertTrue(e.getMessage().contains("MISSING") && e.getMessage().contains("Nowhere"), e.getMessage());
        Map<String, String> env = SamFunctions.environment(t, "Worker", Map.of("Jobs", "local-jobs",
                "Failed.Arn", "arn:aws:sqs:us-east-1:000000000000:failed", "Api", "abc", "Nowhere", "x"));
        assertEquals("fast", env.get("MODE"));
        assertEquals("local-jobs", env.get("TABLE"));
        assertEquals("arn:aws:sqs:us-east-1:000000000000:failed", env.get("QUEUE_ARN"));
        assertEquals("https://abc.execute-api.us-east-1.amazonaws.com/v1", env.get("URL"));
    }
}
