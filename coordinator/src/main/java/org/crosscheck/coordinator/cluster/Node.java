package org.crosscheck.coordinator.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * One crosscheck cluster node: a Pekko ActorSystem named {@value #SYSTEM} with Artery TCP on the
 * given address (loopback unless told otherwise), roles {@code coordinator} and/or {@code worker},
 * protobuf on the wire and Java serialization off, and the coordinator singleton (hosted on the
 * coordinator's node, a proxy elsewhere).
 */
public final class Node implements AutoCloseable {
    public static final String SYSTEM = "crosscheck";
    public static final String COORDINATOR = "coordinator", WORKER = "worker";

    private final ActorSystem<Void> system;
    private final ClusterPortGuard guard;

    private Node(ActorSystem<Void> system, ClusterPortGuard guard) {
        this.system = system;
        this.guard = guard;
    }

    /** Starts a node bound to {@code bind} (port 0: any free port); {@code publicHost} is how others reach it (null: the bind host). */
    public static Node start(List<String> roles, InetSocketAddress bind, String publicHost) {
        return new Node(ActorSystem.create(Behaviors.empty(), SYSTEM, config(roles, bind, publicHost, bind)), null);
    }

    /**
     * A node whose port {@code bind} is a {@link ClusterPortGuard}: what is not Artery's framing is
     * closed there with a WARN naming the peer; Artery listens on a loopback port behind it.
     */
    public static Node startGuarded(List<String> roles, InetSocketAddress bind, String publicHost) throws IOException {
        ClusterPortGuard guard = ClusterPortGuard.listen(bind, ConfigFactory.defaultReference());
        try {
            InetSocketAddress artery;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                artery = new InetSocketAddress(InetAddress.getLoopbackAddress(), probe.getLocalPort());
            }
            InetSocketAddress advertised = new InetSocketAddress(bind.getHostString(), guard.port());
            Config cfg = config(roles, advertised, publicHost, artery);
            guard.forwardTo(artery);
            return new Node(ActorSystem.create(Behaviors.empty(), SYSTEM, cfg), guard);
        } catch (RuntimeException | IOException e) {
            guard.close();
            throw e;
        }
    }

    /** Artery's configuration: others reach it at {@code canonical} ({@code publicHost} if given), it listens on {@code listen}. */
    static Config config(List<String> roles, InetSocketAddress canonical, String publicHost, InetSocketAddress listen) {
        String host = canonical.getHostString();
        String hocon = """
                pekko {
                  loglevel = WARNING
                  stdout-loglevel = OFF
                  loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
                  logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
                  log-dead-letters = off
                  log-dead-letters-during-shutdown = off
                  actor {
                    provider = cluster
                    allow-java-serialization = off
                    serializers { crosscheck = "org.crosscheck.coordinator.cluster.ProtoSerializer" }
                    serialization-bindings { "com.google.protobuf.GeneratedMessage" = crosscheck }
                  }
                  remote.artery {
                    transport = tcp
                    canonical.hostname = "%s"
                    canonical.port = %d
                    bind.hostname = "%s"
                    bind.port = %d
                  }
                  cluster {
                    roles = [%s]
                    jmx.enabled = off
                    log-info = off
                    # the coordinator's side survives a partition; workers cut off from it are downed,
                    # leave, and join again (crosscheck worker does that by itself)
                    downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
                    split-brain-resolver {
                      active-strategy = keep-oldest
                      keep-oldest.down-if-alone = off
                      keep-oldest.role = coordinator
                      stable-after = 4s
                    }
                  }
                  coordinated-shutdown {
                    exit-jvm = off
                    run-by-jvm-shutdown-hook = off
                  }
                }
                """.formatted(publicHost != null ? publicHost : host, canonical.getPort(), listen.getHostString(), listen.getPort(), String.join(", ", roles));
        return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference());
    }

    public ActorSystem<Void> system() {
        return system;
    }

    /** This node's address as other nodes see it (with the port actually bound). */
    public Address address() {
        return Cluster.get(system).selfMember().address();
    }

    /** Joins the cluster through these seed nodes (HOST:PORT); a node whose own address is listed first starts the cluster. */
    public void join(List<InetSocketAddress> seeds) {
        List<Address> as = new ArrayList<>();
        for (InetSocketAddress s : seeds) as.add(new Address("pekko", SYSTEM, s.getHostString(), s.getPort()));
        Cluster.get(system).manager().tell(new JoinSeedNodes(as));
    }

    /** Starts a cluster of this node alone. */
    public void joinSelf() {
        Cluster.get(system).manager().tell(new JoinSeedNodes(List.of(address())));
    }

    /** The coordinator singleton: hosted here when this node has the coordinator role, else a proxy to it. */
    public ActorRef<Object> coordinator(Behavior<Object> behavior) {
        Behavior<Object> supervised = Behaviors.supervise(behavior).onFailure(SupervisorStrategy.restartWithBackoff(
                Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
        return ClusterSingleton.get(system).init(SingletonActor.of(supervised, COORDINATOR)
                .withSettings(ClusterSingletonSettings.create(system).withRole(COORDINATOR)));
    }

    /** The coordinator's proxy on a worker-only node. */
    public ActorRef<Object> coordinatorProxy() {
        return coordinator(Behaviors.empty());
    }

    public boolean terminated() {
        return system.getWhenTerminated().toCompletableFuture().isDone();
    }

    @Override
    public void close() {
        if (guard != null) guard.close();
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort: the process is ending or starting over
        }
    }
}
