package io.github.serverlesspatterns.testing.sam;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamTemplateTest {

    private static final String TEMPLATE = String.join("\n",
            "Transform: AWS::Serverless-2016-10-31",
            "Globals:",
            "  Function:",
            "    Timeout: 20",
            "    Runtime: java21",
            "Resources:",
            "  Consumer:",
            "    Type: AWS::Serverless::Function",
            "    Properties:",
            "      Handler: a.B::handleRequest",
            "      Timeout: 30",
            "      Environment:",
            "        Variables:",
            "          QUEUE: !Ref Queue",
            "          ARN: !GetAtt Queue.Arn",
            "          URL: !Sub 'https://${Api}.execute-api.${AWS::Region}.amazonaws.com'",
            "          MODE: !If [IsProd, fast, !Join ['-', [slow, !Ref AWS::Region]]]",
            "  Queue:",
            "    Type: AWS::SQS::Queue",
            "");

    @Test
    void shortFormIntrinsics_readAsTheirLongForms(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("template.yaml"), TEMPLATE);
        SamTemplate template = SamTemplate.load(file);
        @SuppressWarnings("unchecked")
        Map<String, Object> env = (Map<String, Object>) ((Map<String, Object>) template.function("Consumer").get("Environment")).get("Variables");
        assertEquals(Map.of("Ref", "Queue"), env.get("QUEUE"));
        assertEquals(Map.of("Fn::GetAtt", List.of("Queue", "Arn")), env.get("ARN"));
        assertEquals(Map.of("Fn::Sub", "https://${Api}.execute-api.${AWS::Region}.amazonaws.com"), env.get("URL"));
        assertEquals(Map.of("Fn::If", List.of("IsProd", "fast", Map.of("Fn::Join", List.of("-", List.of("slow", Map.of("Ref", "AWS::Region")))))),
                env.get("MODE"));
    }

    @Test
    void aFunctionsProperties_areItsOwnOverTheGlobals(@TempDir Path dir) throws Exception {
        SamTemplate template = SamTemplate.load(Files.writeString(dir.resolve("template.yaml"), TEMPLATE));
        assertEquals(30, template.function("Consumer").get("Timeout"));
        assertEquals("java21", template.function("Consumer").get("Runtime"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> template.function("Queue"));
        assertTrue(e.getMessage().contains("no function Queue") && e.getMessage().contains("Consumer"), e.getMessage());
    }

    @Test
    void aFileWithoutResources_isRefusedByName(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("template.yaml"), "Parameters: {}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SamTemplate.load(file));
        assertTrue(e.getMessage().contains("no Resources"), e.getMessage());
    }
}
