package org.crosscheck.coordinator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.crosscheck.runtime.Outcome;

/**
 * The campaign's metrics (Micrometer, scraped by Prometheus). Names follow Prometheus conventions
 * and DESIGN.md: {@code crosscheck_programs_executed_total{runtime}}, {@code
 * crosscheck_divergences_total{kind}}, {@code crosscheck_run_seconds{runtime}}... Meters are
 * cached so the hot path does no registry look-ups.
 */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter generated;
    private final Map<String, Counter> executed = new ConcurrentHashMap<>(), executions = new ConcurrentHashMap<>();
    private final Counter executionsTotal, pathsTotal;
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejections = new ConcurrentHashMap<>();
    private final Map<String, Counter> divergences = new ConcurrentHashMap<>();
    private final Map<String, Counter> deviations = new ConcurrentHashMap<>();
    private final Map<String, Counter> sightings = new ConcurrentHashMap<>();
    private final Map<String, Timer> runTimes = new ConcurrentHashMap<>();
    private final Counter newFindings;

    public Metrics() {
        registry.config().commonTags("app", "crosscheck");
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        generated = Counter.builder("crosscheck_programs_generated").description("Programs generated or mutated").register(registry);
        executionsTotal = Counter.builder("crosscheck_inputs_executed").description("(program, input) pairs run: each program on each of its inputs").register(registry);
        pathsTotal = Counter.builder("crosscheck_paths").description("Distinct paths the reference took, summed over programs").register(registry);
        newFindings = Counter.builder("crosscheck_findings_new").description("Findings seen for the first time").register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    public void generated(long n) {
        generated.increment(n);
    }

    /**
     * Campaign totals: {@code n} programs run on a runtime, on {@code inputs} (program, input) pairs in all
     * (counted by the coordinator from batch results).
     */
    public void executed(String runtime, long n, long inputs) {
        executed.computeIfAbsent(runtime, r -> Counter.builder("crosscheck_programs_executed")
                .description("Programs run, per runtime").tag("runtime", r).register(registry)).increment(n);
        executions.computeIfAbsent(runtime, r -> Counter.builder("crosscheck_executions")
                .description("Executions, per runtime: each program loaded once and run on each of its inputs").tag("runtime", r).register(registry))
                .increment(inputs);
    }

    /** Campaign totals: (program, input) pairs run, and the distinct reference paths they took (summed over programs). */
    public void inputs(long executions, long paths) {
        executionsTotal.increment(executions);
        pathsTotal.increment(paths);
    }

    /** One run of one program on one runtime on this node, with its outcome and time (per-node detail). */
    public void ran(String runtime, Outcome o, long nanos) {
        String kind = kind(o);
        outcomes.computeIfAbsent(runtime + '\0' + kind, k -> Counter.builder("crosscheck_outcomes")
                .description("Outcomes by kind, per runtime").tag("runtime", runtime).tag("kind", kind).register(registry)).increment();
        runTimes.computeIfAbsent(runtime, r -> Timer.builder("crosscheck_run").description("Time of one run, per runtime")
                .tag("runtime", r).publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        if (o instanceof Outcome.Rejected rej) {
            String reason = org.crosscheck.coordinator.compare.Reasons.normalize(rej.reason());
            rejections.computeIfAbsent(runtime + '\0' + reason, k -> Counter.builder("crosscheck_verifier_rejections")
                    .description("Loader or verifier rejections, by reason").tag("runtime", runtime).tag("reason", reason)
                    .register(registry)).increment();
        }
    }

    public void divergence(String kind, long n) {
        divergences.computeIfAbsent(kind, k -> Counter.builder("crosscheck_divergences").description("Divergences, by kind")
                .tag("kind", k).register(registry)).increment(n);
    }

    public void deviation(String runtime, String id) {
        deviation(runtime, id, 1);
    }

    public void deviation(String runtime, String id, long n) {
        deviations.computeIfAbsent(runtime + '\0' + id, k -> Counter.builder("crosscheck_deviations")
                .description("Known, documented deviations of a runtime (counted, not reported)")
                .tag("runtime", runtime).tag("deviation", id).register(registry)).increment(n);
    }

    private final Map<String, Counter> litmusTests = new ConcurrentHashMap<>(), litmusIterations = new ConcurrentHashMap<>();

    /**
     * Campaign totals of litmus campaigns: {@code n} tests run on a runtime whose model verdict was
     * {@code verdict} (Allowed, Forbidden, Required) and whose run showed the condition {@code observation}
     * (Never, Sometimes, Always; Error when it could not run).
     */
    public void litmus(String runtime, String verdict, String observation, long n) {
        litmusTests.computeIfAbsent(runtime + '\0' + verdict + '\0' + observation, k -> Counter.builder("crosscheck_litmus_tests")
                .description("Litmus tests run, per runtime, model verdict and observation").tag("runtime", runtime)
                .tag("verdict", verdict).tag("observation", observation).register(registry)).increment(n);
    }

    public void litmusIterations(String runtime, long n) {
        litmusIterations.computeIfAbsent(runtime, r -> Counter.builder("crosscheck_litmus_iterations")
                .description("Litmus iterations run, per runtime").tag("runtime", r).register(registry)).increment(n);
    }

    private final Map<String, Counter> oracle = new ConcurrentHashMap<>();
    private final Map<String, Counter> falseRejections = new ConcurrentHashMap<>();
    private final Map<String, Counter> guests = new ConcurrentHashMap<>();

    /**
     * VM runtimes' guests: {@code event} restarts ({@code crosscheck_vm_guest_restarts_total}: guests killed and
     * replaced after a crash, a hang or a kernel report) or crashes ({@code crosscheck_vm_guest_crashes_total}:
     * programs whose run ended in a kernel report), per runtime.
     */
    public void guests(String runtime, String event, long n) {
        boolean restarts = event.equals("restarts");
        guests.computeIfAbsent(runtime + '\0' + event, k -> Counter.builder(restarts ? "crosscheck_vm_guest_restarts" : "crosscheck_vm_guest_crashes")
                .description(restarts ? "VM guests killed and replaced after a crash, a hang or a kernel report, per runtime"
                        : "Programs whose run ended in a kernel report (oops, BUG, WARNING, panic) on a VM guest, per runtime")
                .tag("runtime", runtime).register(registry)).increment(n);
    }

    /**
     * Campaign totals of programs the reference ran safely (it returned) that a verifier rejected, by reason
     * ({@code crosscheck_verifier_false_rejections_total}); over {@code crosscheck_programs_executed_total}, the
     * false-rejection rate.
     */
    public void falseRejection(String runtime, String reason, long n) {
        falseRejections.computeIfAbsent(runtime + '\0' + reason, k -> Counter.builder("crosscheck_verifier_false_rejections")
                .description("Programs the reference interpreter ran safely that a verifier rejected, by reason").tag("runtime", runtime)
                .tag("reason", reason).register(registry)).increment(n);
    }

    /**
     * Campaign totals of the verifier oracle per kernel runtime: {@code counter} is checks (cases checked),
     * states (verifier states compared), log_bytes (of logs parsed), unreadable (logs it could not read) or
     * findings/CHECK ({@code crosscheck_verifier_oracle_findings_total{check}}).
     */
    public void oracle(String runtime, String counter, long n) {
        oracle.computeIfAbsent(runtime + '\0' + counter, k -> {
            boolean finding = counter.startsWith("findings/");
            Counter.Builder b = Counter.builder("crosscheck_verifier_oracle_" + (finding ? "findings" : counter))
                    .description(finding ? "Verifier claims the reference's run broke, by check" : "Verifier oracle: " + counter.replace('_', ' '))
                    .tag("runtime", runtime);
            if (finding) b.tag("check", counter.substring("findings/".length()));
            return b.register(registry);
        }).increment(n);
    }

    private final Map<String, Counter> csmithPrograms = new ConcurrentHashMap<>(), csmithBuilds = new ConcurrentHashMap<>();

    /** csmith campaigns: C programs by bucket ({@code agree}, {@code compiler-divergent}, {@code native-not-terminated}...). */
    public void csmithPrograms(String bucket, long n) {
        csmithPrograms.computeIfAbsent(bucket, b -> Counter.builder("crosscheck_csmith_programs")
                .description("csmith C programs, by bucket (the most telling of its builds', or why it is no case)").tag("bucket", b)
                .register(registry)).increment(n);
    }

    /** csmith campaigns: builds (a program by one compiler at one -O) by build ("gcc -O2") and bucket. */
    public void csmithBuilds(String build, String bucket, long n) {
        csmithBuilds.computeIfAbsent(build + "/" + bucket, k -> Counter.builder("crosscheck_csmith_builds")
                .description("csmith builds (compiler and -O) by bucket").tag("build", build).tag("bucket", bucket)
                .register(registry)).increment(n);
    }

    private final Map<String, Counter> counts = new ConcurrentHashMap<>();

    /** A plain counter of this node (worker programs, batch seconds...). */
    public void count(String name, String description, double n) {
        counts.computeIfAbsent(name, k -> Counter.builder(k).description(description).register(registry)).increment(n);
    }

    /** One sighting of a finding, by title (as many series as findings). */
    public void sighting(String title) {
        sightings.computeIfAbsent(title, t -> Counter.builder("crosscheck_finding_sightings")
                .description("Sightings of each finding, by title").tag("title", t).register(registry)).increment();
    }

    public void newFinding() {
        newFindings.increment();
    }

    /** A gauge read at scrape time, such as the number of findings or the coverage of a group. */
    public void gauge(String name, String description, Map<String, String> tags, Supplier<Number> value) {
        Gauge.Builder<Supplier<Number>> b = Gauge.builder(name, value).description(description);
        tags.forEach(b::tag);
        b.register(registry);
    }

    public static String kind(Outcome o) {
        return switch (o) {
            case Outcome.Returned r -> "returned";
            case Outcome.Trapped t -> "trapped_" + t.kind().name().toLowerCase(Locale.ROOT);
            case Outcome.Rejected r -> "rejected_" + r.stage().name().toLowerCase(Locale.ROOT);
            case Outcome.Crashed c -> "crashed";
            case Outcome.TimedOut t -> "timed_out";
            case Outcome.Unsupported u -> "unsupported";
        };
    }

}
