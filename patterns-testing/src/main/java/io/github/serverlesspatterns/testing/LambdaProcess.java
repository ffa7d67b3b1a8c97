package io.github.serverlesspatterns.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A function run the way the managed Java runtime runs it: in its own JVM, by the runtime's own
 * client ({@code aws-lambda-java-runtime-interface-client}), which loads the handler from a task
 * root in Lambda's Java layout (classes at the root, jars under {@code lib/}) with its customer
 * class loader, runs the init phase (static initializers, the handler's no-argument constructor
 * reading its environment), and takes invocations from a Runtime API
 * ({@code /2018-06-01/runtime/invocation/next}, {@code /response}, {@code /error},
 * {@code /init/error}) that this class serves on a local port. One process is one instance: its
 * static state and its {@code /tmp} (a folder of its own, as {@code java.io.tmpdir}) last until it
 * ends; an invocation that is interrupted (the {@link LambdaService} timeout) ends the process, and
 * the next invocation starts a new instance with a new init, as Lambda does. An init error fails
 * every invocation until then with the runtime's error document. The process's stdout and stderr
 * (what Lambda sends to CloudWatch Logs) are kept: {@link #output()}.
 *
 * <p>Register it with {@link LambdaService#register(FunctionConfig)} like any {@link LocalFunction}.
 * Invocations run one at a time on the instance, as on Lambda; with {@code AWS_LAMBDA_MAX_CONCURRENCY}
 * in the environment the runtime client runs that many at once on the one instance, as Lambda
 * Managed Instances do. Thread-safe. Close it to end the process.
 */
public final class LambdaProcess implements LocalFunction, AutoCloseable {

    private static final String NEXT = "/2018-06-01/runtime/invocation/next";
    private static final String INVOCATION = "/2018-06-01/runtime/invocation/";
    private static final String INIT_ERROR = "/2018-06-01/runtime/init/error";
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final String functionName;
    private final String handler;
    private final Path taskRoot;
    private final Map<String, String> environment;
    private final int memoryMb;
    private final ExecutorService apiThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lambda-runtime-api");
        t.setDaemon(true);
        return t;
    });
    private final BlockingDeque<Pending> queue = new LinkedBlockingDeque<>();
    /** Each instance gets a Runtime API of its own, so a dead instance's pending /next cannot take a live one's invocation. */
    private HttpServer runtimeApi;
    private volatile int generation;
    private final Map<String, Pending> inFlight = new ConcurrentHashMap<>();
    private final StringBuffer output = new StringBuffer();
    private final Object lifecycle = new Object();
    private Process process;
    private volatile String initError;
    private int starts;

    private record Pending(String requestId, byte[] payload, long deadlineMs, String functionArn,
                           CompletableFuture<byte[]> result) {
    }

    private LambdaProcess(String functionName, String handler, Path taskRoot, Map<String, String> environment, int memoryMb) {
        this.functionName = functionName;
        this.handler = handler;
        this.taskRoot = taskRoot;
        this.environment = Map.copyOf(environment);
        this.memoryMb = memoryMb;
    }

    /**
     * @param functionName the function's name ({@code AWS_LAMBDA_FUNCTION_NAME})
     * @param handler      the handler string, as in a template: {@code pkg.Class::method} or {@code pkg.Class}
     * @param taskRoot     a folder in Lambda's Java layout: the unpacked deployment package
     * @param environment  the function's environment variables (the template's, with endpoints of local services)
     * @return the function (512 MB); its process starts on the first invocation
     */
    public static LambdaProcess of(String functionName, String handler, Path taskRoot, Map<String, String> environment) {
        return of(functionName, handler, taskRoot, environment, 512);
    }

    /**
     * The same with the function's {@code MemorySize}: the runtime client sees it as
     * {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE} and the child JVM's heap is bounded by it (85 %), so a
     * function that needs more memory than its template gives fails here too.
     *
     * @param functionName the function's name
     * @param handler      the handler string
     * @param taskRoot     the unpacked deployment package
     * @param environment  the function's environment variables
     * @param memoryMb     {@code MemorySize}: 128 to 10,240 MB, as on Lambda
     * @return the function; its process starts on the first invocation
     */
    public static LambdaProcess of(String functionName, String handler, Path taskRoot, Map<String, String> environment, int memoryMb) {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(taskRoot, "taskRoot");
        Objects.requireNonNull(environment, "environment");
        if (!Files.isDirectory(taskRoot)) {
            throw new IllegalArgumentException("the task root is not a folder: " + taskRoot);
        }
        if (memoryMb < 128 || memoryMb > 10_240) {
            throw new IllegalArgumentException("memoryMb must be between 128 and 10240, as on Lambda: " + memoryMb);
        }
        return new LambdaProcess(functionName, handler, taskRoot, environment, memoryMb);
    }

    /** @return what the process wrote to stdout and stderr so far, every instance in turn */
    public String output() {
        return output.toString();
    }

    /** @return how many instances (processes) were started: 1 plus one for each that ended */
    public int instancesStarted() {
        synchronized (lifecycle) {
            return starts;
        }
    }

    @Override
    public byte[] invoke(byte[] payload, Context context) throws Exception {
        synchronized (lifecycle) {
            ensureStarted();
        }
        long deadline = System.currentTimeMillis() + Math.max(1, context.getRemainingTimeInMillis());
        Pending pending = new Pending(context.getAwsRequestId(), payload, deadline,
                context.getInvokedFunctionArn() == null ? "arn:aws:lambda:" + AwsClients.REGION + ":" + AwsClients.ACCOUNT_ID
                        + ":function:" + functionName : context.getInvokedFunctionArn(), new CompletableFuture<>());
        inFlight.put(pending.requestId(), pending);
        queue.add(pending);
        try {
            while (true) {
                try {
                    return pending.result().get(200, TimeUnit.MILLISECONDS);
                } catch (TimeoutException notYet) {
                    String init = initError;
                    if (init != null) {
                        throw new RuntimeError(init);
                    }
                    synchronized (lifecycle) {
                        if (process != null && !process.isAlive() && !pending.result().isDone()) {
                            String exit = "{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"RequestId: " + pending.requestId()
                                    + " Error: Runtime exited with error: exit status " + process.exitValue() + "\"}";
                            process = null;
                            throw new RuntimeError(exit);
                        }
                    }
                }
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        } catch (InterruptedException e) {
            // the invocation timed out: Lambda ends the instance; the next invocation gets a new one
            stopInstance();
            throw e;
        } finally {
            inFlight.remove(pending.requestId());
            queue.remove(pending);
        }
    }

    private void ensureStarted() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        initError = null;
        int instance = ++generation;
        if (runtimeApi != null) {
            runtimeApi.stop(0);
        }
        runtimeApi = LoopbackHttp.create("the local Runtime API", 16);
        runtimeApi.setExecutor(apiThreads);
        runtimeApi.createContext("/2018-06-01/runtime/", exchange -> serve(exchange, instance));
        runtimeApi.start();
        Path instanceDir = Files.createTempDirectory("lambda-instance-");
        Path tmp = Files.createDirectories(instanceDir.resolve("tmp"));
        Path jni = instanceDir.resolve("libaws-lambda-jni.so");
        try (InputStream in = AWSLambda.class.getResourceAsStream("/jni/libaws-lambda-jni." + platform() + ".so")) {
            if (in == null) {
                throw new IllegalStateException("the runtime client has no native library for " + platform());
            }
            Files.copy(in, jni, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:+TieredCompilation");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-Xmx" + Math.max(64, memoryMb * 85 / 100) + "m");
        // each process its own copy of the JNI library: several clients unpacking to one fixed /tmp file crash
        command.add("-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=" + jni);
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-cp");
        command.add(runtimeClasspath());
        command.add(AWSLambda.class.getName());
        command.add(handler);
        ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("AWS_REGION", AwsClients.REGION);
        env.put("AWS_DEFAULT_REGION", AwsClients.REGION);
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.put("AWS_LAMBDA_FUNCTION_NAME", functionName);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + functionName);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local/" + INSTANCES.incrementAndGet());
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("_HANDLER", handler);
        env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + runtimeApi.getAddress().getPort());
        env.putAll(environment);
        process = builder.start();
        starts++;
        Process started = process;
        Thread pump = new Thread(() -> {
            try (InputStream in = started.getInputStream()) {
                byte[] buffer = new byte[8192];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "lambda-process-output");
        pump.setDaemon(true);
        pump.start();
    }

    private static String platform() {
        String arch = System.getProperty("os.arch");
        return "linux-" + (arch.equals("aarch64") || arch.equals("arm64") ? "aarch_64" : "x86_64");
    }

    /** The runtime's own jars, as the managed runtime puts them on the system class path; the function's code is not among them. */
    private static String runtimeClasspath() {
        List<String> entries = new ArrayList<>();
        for (Class<?> c : List.of(AWSLambda.class, RequestHandler.class, PojoSerializer.class)) {
            entries.add(location(c));
        }
        try {
            entries.add(location(Class.forName("software.amazon.awssdk.utilslite.SdkInternalThreadLocal")));
        } catch (ClassNotFoundException absent) {
            // older runtime clients do without it
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the jar of " + c.getName(), e);
        }
    }

    private void serve(HttpExchange exchange, int instance) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if ("GET".equals(exchange.getRequestMethod()) && path.equals(NEXT)) {
                Pending next;
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (instance != generation) { // this instance has ended: the invocation is the next instance's
                    queue.addFirst(next);
                    return;
                }
                exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", next.requestId());
                exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(next.deadlineMs()));
                exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", next.functionArn());
                exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                reply(exchange, 200, next.payload());
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.equals(INIT_ERROR)) {
                initError = new String(body, StandardCharsets.UTF_8);
                reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.startsWith(INVOCATION) && (path.endsWith("/response") || path.endsWith("/error"))) {
                String id = path.substring(INVOCATION.length(), path.lastIndexOf('/'));
                Pending pending = inFlight.get(id);
                if (pending == null) {
                    reply(exchange, 400, "{\"errorType\":\"InvalidRequestID\"}".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                if (path.endsWith("/response")) {
                    pending.result().complete(body);
                } else {
                    pending.result().completeExceptionally(new RuntimeError(new String(body, StandardCharsets.UTF_8)));
                }
                reply(exchange, 202, "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            reply(exchange, 404, "{\"errorType\":\"NotFound\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void stopInstance() {
        synchronized (lifecycle) {
            if (process != null) {
                process.destroyForcibly();
                try {
                    process.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                process = null;
            }
            generation++;
        }
    }

    @Override
    public void close() {
        stopInstance();
        synchronized (lifecycle) {
            if (runtimeApi != null) {
                runtimeApi.stop(0);
            }
        }
        apiThreads.shutdownNow();
    }

    @Override
    public String toString() {
        return "LambdaProcess{" + functionName + ", " + handler + ", taskRoot=" + taskRoot + '}';
    }
}
