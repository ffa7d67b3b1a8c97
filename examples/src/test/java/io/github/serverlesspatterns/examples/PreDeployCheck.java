package io.github.serverlesspatterns.examples;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponse;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The pre-deploy check: reads a SAM template and the CloudFormation the SAM translator makes of it
 * ({@code predeploy/transform.py}, offline) and reports, per function, what would fail on AWS:
 * <ol>
 *   <li>the handler string does not resolve to a class with that method;</li>
 *   <li>an environment variable refers to a resource or parameter the template does not have;</li>
 *   <li>the event a source delivers does not fit the handler's declared input type (an API proxy
 *       function must also return a proxy response, an authorizer an IAM policy);</li>
 *   <li>a function returning {@code SQSBatchResponse} / {@code StreamsEventResponse} without
 *       {@code ReportBatchItemFailures} on its mapping (or the other way round);</li>
 *   <li>a queue whose visibility timeout is under 6 times its consumer's timeout;</li>
 *   <li>an AWS call the handler (and the library code it uses) makes that its role does not allow
 *       ({@code handler-calls.properties} and {@code sdk-iam-actions.properties} hold the data), and
 *       {@code lambda:InvokeFunction} granted on every function of the account; and least privilege:
 *       an action of DynamoDB, SQS, SNS, Kinesis, Lambda or Step Functions that the template's policies
 *       grant and the function never calls (SAM's {@code DynamoDBCrudPolicy} grants Scan and batch calls);</li>
 *   <li>a function in a VPC that calls an AWS API the template gives no VPC endpoint or NAT for.</li>
 * </ol>
 * And per template: an authorizer of a SnapStart function wired to {@code $LATEST} instead of its
 * alias; an API Gateway {@code aws} integration that answers 200 whatever the service answered; a
 * dead-letter queue that keeps messages no longer than its source queue; a {@code NoEcho} parameter
 * (a password) handed to a function's environment in plain text; a function without a log group of
 * its own with a retention.
 * IAM resources are not matched against the calls' resources (only the actions are).
 */
final class PreDeployCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PSEUDO = Set.of("AWS::Region", "AWS::AccountId", "AWS::StackName", "AWS::Partition",
            "AWS::URLSuffix", "AWS::StackId", "AWS::NoValue", "AWS::NotificationARNs");

    private final Properties calls;
    private final Properties actions;

    PreDeployCheck(Path dataDir) throws IOException {
        this.calls = load(dataDir.resolve("handler-calls.properties"));
        this.actions = load(dataDir.resolve("sdk-iam-actions.properties"));
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return p;
    }

    /** Runs the SAM translator over the templates; answers the folder of the generated CloudFormation JSON files. */
    static Path transform(Path outDir, List<Path> templates) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", Path.of("predeploy", "transform.py").toString(), outDir.toString()));
        templates.forEach(t -> command.add(t.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the SAM translator (python3 with cfn-lint and aws-sam-translator) failed:\n" + output);
        }
        return outDir;
    }

    /**
     * @param template    the SAM template
     * @param transformed the CloudFormation JSON the translator made of it
     * @return the problems found, each naming the function or resource; empty when it would deploy and run
     */
    @SuppressWarnings("unchecked")
    List<String> check(Path template, Path transformed) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, Object> sam = new YAMLMapper().readValue(Files.readString(template), Map.class);
        JsonNode cfn = JSON.readTree(transformed.toFile());
        JsonNode resources = cfn.path("Resources");
        Set<String> names = new LinkedHashSet<>();
        resources.fieldNames().forEachRemaining(names::add);
        cfn.path("Parameters").fieldNames().forEachRemaining(names::add);
        Map<String, Object> samResources = (Map<String, Object>) sam.get("Resources");

        for (Map.Entry<String, JsonNode> e : resources.properties()) {
            if (!"AWS::Lambda::Function".equals(e.getValue().path("Type").asText())) {
                continue;
            }
            String id = e.getKey();
            JsonNode fn = e.getValue().path("Properties");
            Handler handler = handler(id, fn.path("Handler").asText(), problems);
            checkEnvironment(id, fn.path("Environment").path("Variables"), names, problems);
            if (handler == null) {
                continue;
            }
            Map<String, Object> samFn = samResources.get(id) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            checkSamEvents(id, handler, samFn, problems);
            checkCalls(id, handler, fn, resources, problems);
        }
        checkLogRetention(resources, problems);
        checkApiThrottling(resources, problems);
        checkApiAuthentication(sam, problems);
        checkAuthorizers(samResources, resources, problems);
        checkEventSourceMappings(resources, problems);
        checkAwsIntegrations("", sam, problems);
        checkDeadLetterRetention(resources, problems);
        checkDeadLetterAlarms(resources, problems);
        checkDashboard(resources, problems);
        checkSecretParameters(sam, resources, problems);
        return problems;
    }

    /** Every API stage throttles (a REST stage's method settings, an HTTP API's default route settings). */
    private static void checkApiThrottling(JsonNode resources, List<String> problems) {
        for (Map.Entry<String, JsonNode> e : resources.properties()) {
            String type = e.getValue().path("Type").asText();
            JsonNode props = e.getValue().path("Properties");
            boolean throttled;
            if ("AWS::ApiGateway::Stage".equals(type)) {
                throttled = false;
                for (JsonNode m : props.path("MethodSettings")) {
                    throttled |= m.has("ThrottlingRateLimit") && m.has("ThrottlingBurstLimit");
                }
            } else if ("AWS::ApiGatewayV2::Stage".equals(type)) {
                throttled = props.path("DefaultRouteSettings").has("ThrottlingRateLimit")
                        && props.path("DefaultRouteSettings").has("ThrottlingBurstLimit");
            } else {
                continue;
            }
            if (!throttled) {
                problems.add(e.getKey() + ": the API stage has no throttling (rate and burst limits): a burst of calls runs up the "
                        + "functions' concurrency and the bill");
            }
        }
    }

    /**
     * Every API has an authorizer, or is declared open in the template's {@code Metadata: OpenApis:}
     * (the API's logical id, {@code ServerlessRestApi} / {@code ServerlessHttpApi} for SAM's implicit
     * ones, with the reason): an API left open by accident is the commonest serverless hole.
     */
    @SuppressWarnings("unchecked")
    private static void checkApiAuthentication(Map<String, Object> sam, List<String> problems) {
        Map<String, Object> resources = (Map<String, Object>) sam.getOrDefault("Resources", Map.of());
        Map<String, Object> globals = (Map<String, Object>) sam.getOrDefault("Globals", Map.of());
        Map<String, Object> metadata = (Map<String, Object>) sam.getOrDefault("Metadata", Map.of());
        Map<String, Object> declaredOpen = (Map<String, Object>) metadata.getOrDefault("OpenApis", Map.of());
        Set<String> open = new LinkedHashSet<>();
        for (Map.Entry<String, Object> r : resources.entrySet()) {
            Map<String, Object> res = (Map<String, Object>) r.getValue();
            String type = String.valueOf(res.get("Type"));
            Map<String, Object> props = (Map<String, Object>) res.getOrDefault("Properties", Map.of());
            if (type.equals("AWS::Serverless::Api") || type.equals("AWS::Serverless::HttpApi")) {
                if (!hasDefaultAuthorizer(props)) {
                    open.add(r.getKey());
                }
            }
            if (!type.equals("AWS::Serverless::Function")) {
                continue;
            }
            Map<String, Object> events = (Map<String, Object>) props.getOrDefault("Events", Map.of());
            for (Object ev : events.values()) {
                Map<String, Object> event = (Map<String, Object>) ev;
                String eventType = String.valueOf(event.get("Type"));
                if (!eventType.equals("Api") && !eventType.equals("HttpApi")) {
                    continue;
                }
                Map<String, Object> ep = (Map<String, Object>) event.getOrDefault("Properties", Map.of());
                Object apiRef = ep.get(eventType.equals("Api") ? "RestApiId" : "ApiId");
                if (apiRef != null) {
                    continue; // judged with its API resource above
                }
                Map<String, Object> auth = (Map<String, Object>) ep.getOrDefault("Auth", Map.of());
                Map<String, Object> global = (Map<String, Object>) globals.getOrDefault(eventType, Map.of());
                boolean authorized = auth.get("Authorizer") != null && !"NONE".equals(auth.get("Authorizer"))
                        || hasDefaultAuthorizer(global);
                if (!authorized) {
                    open.add(eventType.equals("Api") ? "ServerlessRestApi" : "ServerlessHttpApi");
                }
            }
        }
        for (String api : open) {
            if (!declaredOpen.containsKey(api)) {
                problems.add(api + ": the API has no authorizer; add one, or declare it open with the reason in the template's "
                        + "Metadata: OpenApis: " + api + ": \"why\"");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean hasDefaultAuthorizer(Map<String, Object> apiProps) {
        Map<String, Object> auth = (Map<String, Object>) apiProps.getOrDefault("Auth", Map.of());
        Object d = auth.get("DefaultAuthorizer");
        return d != null && !"NONE".equals(d);
    }

    /**
     * Every function has its log group in the template with a retention ({@code /aws/lambda/${Function}}):
     * the group Lambda creates by itself keeps logs forever, and whatever a handler logs with them.
     */
    private static void checkLogRetention(JsonNode resources, List<String> problems) {
        Map<String, JsonNode> groups = new java.util.HashMap<>();
        for (Map.Entry<String, JsonNode> e : resources.properties()) {
            if ("AWS::Logs::LogGroup".equals(e.getValue().path("Type").asText())) {
                JsonNode name = e.getValue().path("Properties").path("LogGroupName");
                String text = name.has("Fn::Sub") ? name.get("Fn::Sub").asText() : name.asText();
                groups.put(text, e.getValue().path("Properties"));
            }
        }
        for (Map.Entry<String, JsonNode> e : resources.properties()) {
            if (!"AWS::Lambda::Function".equals(e.getValue().path("Type").asText())) {
                continue;
            }
            JsonNode group = groups.get("/aws/lambda/${" + e.getKey() + "}");
            if (group == null) {
                problems.add(e.getKey() + ": no log group /aws/lambda/${" + e.getKey() + "} in the template: Lambda creates one "
                        + "that keeps its logs forever");
            } else if (!group.has("RetentionInDays")) {
                problems.add(e.getKey() + ": its log group has no RetentionInDays: logs are kept forever");
            }
        }
    }

    /** {@code "$input.path(...)"} or {@code "$input.params(...)"} between JSON string quotes in a mapping template. */
    private static final java.util.regex.Pattern QUOTED_REQUEST_VALUE = java.util.regex.Pattern.compile(
            "\"\\$(input\\.(path|params)|util\\.escapeJavaScript)\\([^)]*\\)\\)?\"");

    /** An {@code aws} integration whose responses map only {@code default}: every answer of the service, errors too, becomes 200. */
    @SuppressWarnings("unchecked")
    private static void checkAwsIntegrations(String where, Object node, List<String> problems) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("x-amazon-apigateway-integration") instanceof Map<?, ?> integration && "aws".equals(integration.get("type"))) {
                Map<String, Object> responses = (Map<String, Object>) integration.get("responses");
                if (responses == null || responses.keySet().stream().allMatch("default"::equals)) {
                    problems.add(where + ": its aws integration maps every answer of the service to one status (only 'default'): "
                            + "map 4xx and 5xx answers so that refused or failed writes are not reported as success");
                }
            }
            if (map.get("x-amazon-apigateway-integration") instanceof Map<?, ?> integration
                    && integration.get("requestTemplates") instanceof Map<?, ?> templates) {
                for (Object template : templates.values()) {
                    java.util.regex.Matcher quoted = QUOTED_REQUEST_VALUE.matcher(String.valueOf(template));
                    if (quoted.find()) {
                        problems.add(where + ": its request template writes a request value into a JSON string by hand ("
                                + quoted.group().trim() + "): a quote or backslash in the value breaks the JSON or adds fields; use "
                                + "$input.json(...), which writes a JSON value with its quotes and escapes");
                    }
                }
            }
            ((Map<String, Object>) map).forEach((k, v) -> checkAwsIntegrations(where.isEmpty() ? k : where + "/" + k, v, problems));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> checkAwsIntegrations(where, v, problems));
        }
    }

    /** Logical ids that name a queue where failures wait: a dead-letter, on-failure or poison queue. */
    private static final java.util.regex.Pattern FAILURE_QUEUE_NAME = java.util.regex.Pattern.compile(
            "(?i).*(dlq|deadletter|failure|failed|poison).*");

    /**
     * A queue where failures wait must page someone when something lands in it, or a failed event sits
     * unread until it expires: every dead-letter target (a queue's redrive policy, a function's
     * dead-letter config, an on-failure destination of an async invoke or a stream mapping, an SNS
     * subscription's redrive policy) and every queue named as one needs an alarm on its
     * {@code ApproximateNumberOfMessagesVisible}.
     */
    private static void checkDeadLetterAlarms(JsonNode resources, List<String> problems) {
        Set<String> failureQueues = failureQueues(resources);
        Set<String> alarmed = new LinkedHashSet<>();
        resources.properties().forEach(e -> {
            JsonNode alarm = e.getValue().path("Properties");
            if ("AWS::CloudWatch::Alarm".equals(e.getValue().path("Type").asText())
                    && "ApproximateNumberOfMessagesVisible".equals(alarm.path("MetricName").asText())
                    && "AWS/SQS".equals(alarm.path("Namespace").asText())) {
                alarm.path("Dimensions").forEach(d -> {
                    if ("QueueName".equals(d.path("Name").asText())) {
                        alarmed.addAll(references(d.path("Value")));
                    }
                });
            }
        });
        for (String queue : failureQueues) {
            if (!alarmed.contains(queue)) {
                problems.add(queue + ": failed events wait in this queue, but no alarm watches its depth "
                        + "(AWS::CloudWatch::Alarm on AWS/SQS ApproximateNumberOfMessagesVisible for its QueueName): a failure sits "
                        + "there unread until it expires");
            }
        }
    }

    /** @return the SQS queues where failed events wait: dead-letter and on-failure targets, and queues named as such */
    private static Set<String> failureQueues(JsonNode resources) {
        Set<String> failureQueues = new LinkedHashSet<>();
        resources.properties().forEach(e -> {
            JsonNode properties = e.getValue().path("Properties");
            failureQueues.addAll(references(properties.path("RedrivePolicy").path("deadLetterTargetArn")));
            failureQueues.addAll(references(properties.path("DeadLetterConfig").path("TargetArn")));
            failureQueues.addAll(references(properties.path("DestinationConfig").path("OnFailure").path("Destination")));
            if ("AWS::SQS::Queue".equals(e.getValue().path("Type").asText()) && FAILURE_QUEUE_NAME.matcher(e.getKey()).matches()) {
                failureQueues.add(e.getKey());
            }
        });
        failureQueues.removeIf(id -> !"AWS::SQS::Queue".equals(resources.path(id).path("Type").asText()));
        return failureQueues;
    }

    /**
     * One dashboard per example, showing every function (its {@code FunctionName}, by {@code ${Id}} in the
     * body's {@code Fn::Sub}) and every queue where failures wait ({@code ${Id.QueueName}}).
     */
    private static void checkDashboard(JsonNode resources, List<String> problems) {
        List<String> bodies = new ArrayList<>();
        resources.properties().forEach(e -> {
            if ("AWS::CloudWatch::Dashboard".equals(e.getValue().path("Type").asText())) {
                JsonNode body = e.getValue().path("Properties").path("DashboardBody");
                bodies.add(body.has("Fn::Sub") ? body.get("Fn::Sub").asText() : body.asText());
            }
        });
        if (bodies.isEmpty()) {
            problems.add("the template has no AWS::CloudWatch::Dashboard: nobody sees its functions and failure queues at a glance");
            return;
        }
        String all = String.join("\n", bodies);
        resources.properties().forEach(e -> {
            if ("AWS::Lambda::Function".equals(e.getValue().path("Type").asText()) && !all.contains("${" + e.getKey() + "}")) {
                problems.add(e.getKey() + ": no dashboard shows this function (FunctionName ${" + e.getKey() + "} in a DashboardBody)");
            }
        });
        for (String queue : failureQueues(resources)) {
            if (!all.contains("${" + queue + ".QueueName}")) {
                problems.add(queue + ": no dashboard shows this failure queue's depth (QueueName ${" + queue + ".QueueName})");
            }
        }
    }

    /** A queue's dead-letter queue must keep a message longer than the source did, or a failure can expire there unread. */
    private static void checkDeadLetterRetention(JsonNode resources, List<String> problems) {
        resources.properties().forEach(e -> {
            JsonNode queue = e.getValue().path("Properties");
            if (!"AWS::SQS::Queue".equals(e.getValue().path("Type").asText()) || !queue.has("RedrivePolicy")) {
                return;
            }
            List<String> target = references(queue.path("RedrivePolicy").path("deadLetterTargetArn"));
            if (target.isEmpty()) {
                return;
            }
            int source = queue.path("MessageRetentionPeriod").asInt(345_600);
            int dlq = resources.path(target.get(0)).path("Properties").path("MessageRetentionPeriod").asInt(345_600);
            if (dlq <= source) {
                problems.add(target.get(0) + ": as the dead-letter queue of " + e.getKey() + " it keeps messages " + dlq
                        + " s, no longer than its source (" + source + " s): set MessageRetentionPeriod to 1209600, the maximum");
            }
        });
    }

    /** A NoEcho parameter (a password) in a function's environment is readable by anyone who can read the function's configuration. */
    @SuppressWarnings("unchecked")
    private static void checkSecretParameters(Map<String, Object> sam, JsonNode resources, List<String> problems) {
        Map<String, Object> parameters = (Map<String, Object>) sam.getOrDefault("Parameters", Map.of());
        resources.properties().forEach(e -> {
            if (!"AWS::Lambda::Function".equals(e.getValue().path("Type").asText())) {
                return;
            }
            e.getValue().path("Properties").path("Environment").path("Variables").properties().forEach(v -> {
                for (String ref : references(v.getValue())) {
                    if (parameters.get(ref) instanceof Map<?, ?> parameter && Boolean.TRUE.equals(parameter.get("NoEcho"))) {
                        problems.add(e.getKey() + ": environment variable " + v.getKey() + " is the NoEcho parameter " + ref
                                + " in plain text: use a Secrets Manager dynamic reference or IAM database authentication");
                    }
                }
            });
        });
    }

    private record Handler(String className, Type input, Type output, boolean stream) {
    }

    private static Handler handler(String id, String handler, List<String> problems) {
        String[] parts = handler.split("::", 2);
        String method = parts.length > 1 ? parts[1] : "handleRequest";
        Class<?> type;
        try {
            type = Class.forName(parts[0]);
        } catch (ClassNotFoundException | LinkageError e) {
            problems.add(id + ": handler " + handler + " does not resolve: no class " + parts[0]);
            return null;
        }
        if (RequestStreamHandler.class.isAssignableFrom(type)) {
            return new Handler(parts[0], InputStream.class, void.class, true);
        }
        for (Method m : type.getMethods()) {
            if (m.getName().equals(method) && !m.isBridge() && m.getParameterCount() == 2 && m.getParameterTypes()[1] == Context.class) {
                return new Handler(parts[0], m.getGenericParameterTypes()[0], m.getGenericReturnType(), false);
            }
        }
        problems.add(id + ": handler " + handler + " does not resolve: " + parts[0] + " has no public " + method + "(input, Context)");
        return null;
    }

    private static void checkEnvironment(String id, JsonNode variables, Set<String> names, List<String> problems) {
        variables.properties().forEach(v -> {
            for (String ref : references(v.getValue())) {
                if (!names.contains(ref) && !PSEUDO.contains(ref)) {
                    problems.add(id + ": environment variable " + v.getKey() + " refers to " + ref + ", which the template does not have");
                }
            }
        });
    }

    /** The logical ids a value refers to: Ref, Fn::GetAtt and the ${Name} of Fn::Sub. */
    private static List<String> references(JsonNode value) {
        List<String> refs = new ArrayList<>();
        if (value.has("Ref")) {
            refs.add(value.get("Ref").asText());
        } else if (value.has("Fn::GetAtt")) {
            JsonNode att = value.get("Fn::GetAtt");
            refs.add(att.isArray() ? att.get(0).asText() : att.asText().split("\\.")[0]);
        } else if (value.has("Fn::Sub")) {
            JsonNode sub = value.get("Fn::Sub");
            String text = sub.isArray() ? sub.get(0).asText() : sub.asText();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Za-z0-9:]+)(\\.[A-Za-z.]+)?}").matcher(text);
            Set<String> local = new LinkedHashSet<>();
            if (sub.isArray()) {
                sub.get(1).fieldNames().forEachRemaining(local::add);
            }
            while (m.find()) {
                if (!local.contains(m.group(1))) {
                    refs.add(m.group(1));
                }
            }
        }
        return refs;
    }

    /** Event types by SAM event type, as Lambda's pollers and API Gateway deliver them. */
    @SuppressWarnings("unchecked")
    private static void checkSamEvents(String id, Handler handler, Map<String, Object> samFn, List<String> problems) {
        Map<String, Object> properties = (Map<String, Object>) samFn.getOrDefault("Properties", Map.of());
        Map<String, Object> events = (Map<String, Object>) properties.getOrDefault("Events", Map.of());
        for (var event : events.entrySet()) {
            Map<String, Object> e = (Map<String, Object>) event.getValue();
            String type = String.valueOf(e.get("Type"));
            Class<?> expected = switch (type) {
                case "Api" -> APIGatewayProxyRequestEvent.class;
                case "HttpApi" -> "1.0".equals(String.valueOf(((Map<String, Object>) e.getOrDefault("Properties", Map.of()))
                        .get("PayloadFormatVersion"))) ? APIGatewayProxyRequestEvent.class : APIGatewayV2HTTPEvent.class;
                case "SQS" -> SQSEvent.class;
                case "Kinesis" -> KinesisEvent.class;
                case "DynamoDB" -> DynamodbEvent.class;
                case "SNS" -> SNSEvent.class;
                case "CloudWatchLogs" -> CloudWatchLogsEvent.class;
                case "Schedule", "ScheduleV2", "EventBridgeRule", "CloudWatchEvent" -> ScheduledEvent.class;
                default -> null;
            };
            if (expected == null || handler.stream()) {
                continue;
            }
            boolean pojoAllowed = expected == ScheduledEvent.class; // a rule's JSON maps onto any POJO with its fields
            if (!accepts(handler.input(), expected, pojoAllowed)) {
                problems.add(id + ": its " + type + " event " + event.getKey() + " delivers " + expected.getSimpleName()
                        + " but the handler takes " + handler.input().getTypeName()
                        + " (the runtime's deserializer fails on every call)");
            }
            if ("Api".equals(type) && handler.output() != APIGatewayProxyResponseEvent.class) {
                problems.add(id + ": behind the REST API event " + event.getKey() + " it must return APIGatewayProxyResponseEvent (a proxy "
                        + "response with statusCode), not " + handler.output().getTypeName() + ": API Gateway answers 502");
            }
            if ("HttpApi".equals(type) && expected == APIGatewayV2HTTPEvent.class && handler.output() != APIGatewayV2HTTPResponse.class
                    && handler.output() != String.class) {
                problems.add(id + ": behind the HTTP API event " + event.getKey() + " it should return APIGatewayV2HTTPResponse, not "
                        + handler.output().getTypeName());
            }
        }
    }

    private static boolean accepts(Type input, Class<?> event, boolean pojoAllowed) {
        if (input == event || input == Object.class) {
            return true;
        }
        if (input instanceof ParameterizedType p && p.getRawType() == Map.class) {
            return p.getActualTypeArguments()[1] == Object.class; // Map<String, String> cannot hold the nested objects
        }
        return pojoAllowed && input instanceof Class<?> c && !c.getName().startsWith("java.")
                && !c.getName().startsWith("com.amazonaws.services.lambda.runtime.events.");
    }

    @SuppressWarnings("unchecked")
    private void checkAuthorizers(Map<String, Object> samResources, JsonNode resources, List<String> problems) {
        for (var r : samResources.entrySet()) {
            Map<String, Object> resource = (Map<String, Object>) r.getValue();
            Map<String, Object> properties = (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
            if (!"AWS::Serverless::Api".equals(resource.get("Type")) || !(properties.get("Auth") instanceof Map<?, ?> auth)
                    || !(auth.get("Authorizers") instanceof Map<?, ?> authorizers)) {
                continue;
            }
            for (var a : ((Map<String, Object>) authorizers).entrySet()) {
                Map<String, Object> authorizer = (Map<String, Object>) a.getValue();
                JsonNode arn = JSON.valueToTree(authorizer.get("FunctionArn"));
                String fnId = functionOf(arn);
                JsonNode fn = resources.path(fnId);
                Map<String, Object> samFn = samResources.get(fnId) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
                Map<String, Object> fnProperties = (Map<String, Object>) samFn.getOrDefault("Properties", Map.of());
                boolean snapStart = fnProperties.get("SnapStart") instanceof Map<?, ?> snap && "PublishedVersions".equals(snap.get("ApplyOn"));
                if (snapStart && !arn.path("Ref").asText().endsWith(".Alias")) {
                    problems.add(r.getKey() + ": authorizer " + a.getKey() + " calls " + fnId + " unqualified ($LATEST), so its SnapStart "
                            + "snapshot is never used: name its alias (Ref: " + fnId + ".Alias)");
                }
                if (!fn.isObject()) {
                    problems.add(r.getKey() + ": authorizer " + a.getKey() + " names no function of the template");
                    continue;
                }
                Handler handler = handler(fnId, fn.path("Properties").path("Handler").asText(), new ArrayList<>());
                if (handler == null || handler.stream()) {
                    continue;
                }
                if (!accepts(handler.input(), APIGatewayCustomAuthorizerEvent.class, false)) {
                    problems.add(fnId + ": as authorizer " + a.getKey() + " it gets APIGatewayCustomAuthorizerEvent but takes "
                            + handler.input().getTypeName());
                }
                if (handler.output() != IamPolicyResponse.class && handler.output() != IamPolicyResponseV1.class
                        && !(handler.output() instanceof ParameterizedType p && p.getRawType() == Map.class)) {
                    problems.add(fnId + ": as authorizer " + a.getKey() + " it must return an IAM policy, not " + handler.output().getTypeName());
                }
            }
        }
    }

    /** The function a FunctionArn or FunctionName value names: the function itself, or the function of an alias or version. */
    private static String functionOf(JsonNode value) {
        List<String> refs = value == null ? List.of() : references(value);
        if (refs.isEmpty()) {
            return "";
        }
        String ref = refs.get(0);
        int alias = ref.indexOf(".Alias");
        if (alias > 0) {
            return ref.substring(0, alias);
        }
        return ref.replaceFirst("Alias[A-Za-z0-9]+$", "");
    }

    private void checkEventSourceMappings(JsonNode resources, List<String> problems) {
        resources.properties().forEach(e -> {
            JsonNode mapping = e.getValue().path("Properties");
            if (!"AWS::Lambda::EventSourceMapping".equals(e.getValue().path("Type").asText())) {
                return;
            }
            String fnId = functionOf(mapping.path("FunctionName"));
            JsonNode fn = resources.path(fnId).path("Properties");
            Handler handler = handler(fnId, fn.path("Handler").asText(), new ArrayList<>());
            List<String> source = references(mapping.path("EventSourceArn"));
            JsonNode sourceResource = source.isEmpty() ? null : resources.path(source.get(0));
            String sourceType = sourceResource == null ? "" : sourceResource.path("Type").asText();
            boolean reports = false;
            for (JsonNode t : mapping.path("FunctionResponseTypes")) {
                reports |= "ReportBatchItemFailures".equals(t.asText());
            }
            Class<?> response = "AWS::SQS::Queue".equals(sourceType) ? SQSBatchResponse.class : StreamsEventResponse.class;
            if (handler != null && !handler.stream()) {
                boolean returnsResponse = handler.output() == response;
                if (returnsResponse && !reports) {
                    problems.add(fnId + ": returns " + response.getSimpleName() + " but its mapping " + e.getKey()
                            + " has no ReportBatchItemFailures: Lambda ignores the failures it reports and deletes the whole batch");
                }
                if (!returnsResponse && reports) {
                    problems.add(fnId + ": its mapping " + e.getKey() + " has ReportBatchItemFailures but the handler returns "
                            + handler.output().getTypeName() + ", not " + response.getSimpleName());
                }
            }
            if ("AWS::SQS::Queue".equals(sourceType)) {
                int visibility = sourceResource.path("Properties").path("VisibilityTimeout").asInt(30);
                int timeout = fn.path("Timeout").asInt(3);
                if (visibility < 6 * timeout) {
                    problems.add(source.get(0) + ": visibility timeout " + visibility + " s is under 6 x the " + timeout + " s timeout of "
                            + fnId + " (AWS's rule, so a batch being retried is not received twice)");
                }
            }
        });
    }

    private void checkCalls(String id, Handler handler, JsonNode fn, JsonNode resources, List<String> problems) {
        String listed = calls.getProperty(handler.className());
        if (listed == null) {
            problems.add(id + ": " + handler.className() + " is not in handler-calls.properties: list the AWS calls it makes");
            return;
        }
        List<String> needed = new ArrayList<>();
        Set<String> services = new LinkedHashSet<>();
        for (String call : listed.split(",")) {
            if (call.isBlank()) {
                continue;
            }
            String iam = actions.getProperty(call.trim());
            if (iam == null) {
                problems.add(id + ": no IAM action known for " + call.trim() + " (sdk-iam-actions.properties)");
                continue;
            }
            for (String action : iam.split(",")) {
                needed.add(action.trim());
                services.add(action.trim().substring(0, action.trim().indexOf(':')));
            }
        }
        List<JsonNode> statements = statements(fn, resources);
        checkLeastPrivilege(id, handler, needed, templatePolicyStatements(id, fn, resources), problems);
        for (String action : needed) {
            if (statements.stream().noneMatch(s -> allows(s, action))) {
                problems.add(id + ": " + handler.className() + " calls " + action + " but its role does not allow it (AccessDenied on AWS)");
            }
        }
        for (JsonNode s : statements) {
            if (allows(s, "lambda:InvokeFunction") && resourceText(s.path("Resource")).stream()
                    .anyMatch(r -> r.equals("*") || r.endsWith("function:*"))) {
                problems.add(id + ": its role may invoke every function of the account (lambda:InvokeFunction on function:*): "
                        + "grant the functions it calls");
            }
        }
        if (fn.has("VpcConfig") && !services.isEmpty()) {
            boolean nat = false;
            Set<String> endpoints = new LinkedHashSet<>();
            for (Iterator<JsonNode> it = resources.elements(); it.hasNext(); ) {
                JsonNode r = it.next();
                nat |= "AWS::EC2::NatGateway".equals(r.path("Type").asText());
                if ("AWS::EC2::VPCEndpoint".equals(r.path("Type").asText())) {
                    JsonNode name = r.path("Properties").path("ServiceName");
                    String text = name.has("Fn::Sub") ? name.get("Fn::Sub").asText() : name.asText();
                    endpoints.add(text.substring(text.lastIndexOf('.') + 1));
                }
            }
            for (String service : services) {
                if (!nat && !endpoints.contains(service)) {
                    problems.add(id + ": runs in a VPC and calls " + service + ", but the template has no " + service
                            + " VPC endpoint and no NAT gateway: every call times out");
                }
            }
        }
    }

    /** Services whose grants must match the calls made (the ones the library and the examples call). */
    private static final Set<String> CHECKED_SERVICES = Set.of("dynamodb", "sqs", "sns", "kinesis", "lambda", "states");

    /**
     * Least privilege: every action the role's inline policies grant on a service the function calls
     * is one it makes (SAM's policy templates, e.g. {@code DynamoDBCrudPolicy}, also grant Scan and batch
     * calls no code makes: in example 03 the authorizer's role could Scan every token hash). Event
     * source mappings' own permissions come from AWS managed policies, which are not inline.
     */
    private static void checkLeastPrivilege(String id, Handler handler, List<String> needed, List<JsonNode> statements,
                                            List<String> problems) {
        Set<String> neededLower = new LinkedHashSet<>();
        needed.forEach(a -> neededLower.add(a.toLowerCase(java.util.Locale.ROOT)));
        Set<String> extra = new LinkedHashSet<>();
        for (JsonNode statement : statements) {
            JsonNode a = statement.path("Action");
            for (JsonNode granted : a.isArray() ? a : JSON.createArrayNode().add(a)) {
                String action = granted.asText();
                int colon = action.indexOf(':');
                String service = colon < 0 ? action : action.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
                if (action.equals("*") || CHECKED_SERVICES.contains(service) && !neededLower.contains(action.toLowerCase(java.util.Locale.ROOT))) {
                    extra.add(action);
                }
            }
        }
        if (!extra.isEmpty()) {
            problems.add(id + ": its role allows " + extra + ", which " + handler.className() + " never calls "
                    + "(grant only the calls it makes: handler-calls.properties)");
        }
    }

    /**
     * The Allow statements of the policies the template's {@code Policies} list gave the function
     * (SAM names them {@code <function>RolePolicy<n>}); not the ones SAM adds for the Lambda service
     * itself (an on-failure destination, a dead-letter queue), which the code never calls.
     */
    private static List<JsonNode> templatePolicyStatements(String id, JsonNode fn, JsonNode resources) {
        List<JsonNode> statements = new ArrayList<>();
        List<String> role = references(fn.path("Role"));
        if (role.isEmpty()) {
            return statements;
        }
        for (JsonNode policy : resources.path(role.get(0)).path("Properties").path("Policies")) {
            if (!policy.path("PolicyName").asText().matches(java.util.regex.Pattern.quote(id) + "RolePolicy\\d+")) {
                continue;
            }
            JsonNode s = policy.path("PolicyDocument").path("Statement");
            for (JsonNode statement : s.isArray() ? s : JSON.createArrayNode().add(s)) {
                if ("Allow".equals(statement.path("Effect").asText())) {
                    statements.add(statement);
                }
            }
        }
        return statements;
    }

    /** The Allow statements of the function's role's inline policies. */
    private static List<JsonNode> statements(JsonNode fn, JsonNode resources) {
        List<JsonNode> statements = new ArrayList<>();
        List<String> role = references(fn.path("Role"));
        if (role.isEmpty()) {
            return statements;
        }
        for (JsonNode policy : resources.path(role.get(0)).path("Properties").path("Policies")) {
            JsonNode s = policy.path("PolicyDocument").path("Statement");
            for (JsonNode statement : s.isArray() ? s : JSON.createArrayNode().add(s)) {
                if ("Allow".equals(statement.path("Effect").asText())) {
                    statements.add(statement);
                }
            }
        }
        return statements;
    }

    private static boolean allows(JsonNode statement, String action) {
        JsonNode a = statement.path("Action");
        for (JsonNode granted : a.isArray() ? a : JSON.createArrayNode().add(a)) {
            String pattern = granted.asText();
            if (pattern.equals("*") || pattern.equalsIgnoreCase(action)
                    || pattern.endsWith("*") && action.toLowerCase(java.util.Locale.ROOT).startsWith(
                    pattern.substring(0, pattern.length() - 1).toLowerCase(java.util.Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> resourceText(JsonNode resource) {
        List<String> texts = new ArrayList<>();
        for (JsonNode r : resource.isArray() ? resource : JSON.createArrayNode().add(resource)) {
            if (r.isTextual()) {
                texts.add(r.asText());
            } else if (r.has("Fn::Sub")) {
                JsonNode sub = r.get("Fn::Sub");
                texts.add(sub.isArray() ? sub.get(0).asText() : sub.asText());
            }
        }
        return texts;
    }
}
