package io.github.serverlesspatterns.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis 7 cluster of three masters (no replicas) on free ports of 127.0.0.1, made as an operator
 * makes one ({@code --cluster-enabled yes}, then {@code redis-cli --cluster create}): the 16,384
 * hash slots are spread over the three nodes, so keys live on different nodes and a command sent
 * to the wrong one is answered {@code MOVED}, as on ElastiCache in cluster mode and ElastiCache
 * Serverless. {@link #client()} is a {@link RedisClusterClient}. {@link #freeze(int)} stalls one
 * node. Thread-safe.
 */
public final class RedisClusterService implements AutoCloseable {

    private static final int NODES = 3;

    private final List<RedisServerProcess> nodes;
    private final RedisClusterClient client;
    private final List<RedisURI> seeds;

    private RedisClusterService(List<RedisServerProcess> nodes) {
        this.nodes = List.copyOf(nodes);
        List<RedisURI> seeds = new ArrayList<>();
        for (RedisServerProcess n : nodes) {
            seeds.add(RedisURI.builder().withHost("127.0.0.1").withPort(n.port()).build());
        }
        this.client = RedisClusterClient.create(seeds);
        this.seeds = List.copyOf(seeds);
    }

    /**
     * Starts three Redis 7 nodes and joins them into one cluster; returns when every node reports
     * {@code cluster_state:ok}.
     *
     * @return the running cluster
     * @throws IllegalStateException with the install command when {@code redis-server} or {@code redis-cli} is missing
     */
    public static RedisClusterService start() {
        Path binary = RedisBinaries.redisServer();
        Path cli = RedisBinaries.redisCli();
        List<RedisServerProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < NODES; i++) {
                nodes.add(RedisServerProcess.startOnFreePort(true, port -> new RedisServerProcess(binary, port,
                        RedisService.folder("redis-cluster-" + port), List.of("--port", Integer.toString(port), "--cluster-enabled", "yes",
                                "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "3000"))));
            }
            List<String> create = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
            for (RedisServerProcess n : nodes) {
                create.add("127.0.0.1:" + n.port());
            }
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Commands.run(create, nodes.get(0).dir().resolve("cluster-create.txt"));
            for (RedisServerProcess n : nodes) {
                Ports.await("cluster state ok on port " + n.port(), Duration.ofSeconds(30), () -> clusterOk(n.port()));
            }
            return new RedisClusterService(nodes);
        } catch (RuntimeException e) {
            nodes.forEach(RedisServerProcess::stop);
            throw e;
        }
    }

    private static boolean clusterOk(int port) {
        RedisClient probe = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(port).build());
        try (var c = probe.connect()) {
            return c.sync().clusterInfo().contains("cluster_state:ok");
        } finally {
            probe.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /** @return a shared cluster client (shut down by {@link #close()}) */
    public RedisClusterClient client() {
        return client;
    }

    /** @return a new cluster client for this cluster (another instance's); the caller shuts it down */
    public RedisClusterClient newClient() {
        return RedisClusterClient.create(seeds);
    }

    /** @return the nodes' URIs */
    public List<RedisURI> nodes() {
        return seeds;
    }

    /**
     * Freezes one node (SIGSTOP) until {@link #thaw(int)}.
     *
     * @param node 0, 1 or 2
     */
    public void freeze(int node) {
        nodes.get(node).freeze();
    }

    /**
     * Lets a frozen node answer again.
     *
     * @param node 0, 1 or 2
     */
    public void thaw(int node) {
        nodes.get(node).thaw();
    }

    @Override
    public void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        nodes.forEach(RedisServerProcess::stop);
    }

    @Override
    public String toString() {
        return "RedisClusterService{3 masters at 127.0.0.1:" + nodes.get(0).port() + ",...}";
    }
}
