package org.crosscheck.coordinator.campaign;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.crosscheck.coordinator.findings.FindingStore;

/**
 * The counters and finding reports of one batch: what a worker sends to the coordinator. Counted
 * through its methods; read as unmodifiable views.
 */
public final class Tally {
    private long programs, executions, paths, multiPath;
    private final Map<String, Long> executed = new TreeMap<>(), divergences = new TreeMap<>(), deviations = new TreeMap<>();
    private final Map<String, Long> verifierRuns = new TreeMap<>(), verifierAccepts = new TreeMap<>();
    private final Map<String, Long> litmusObservations = new TreeMap<>(), litmusIterations = new TreeMap<>();
    private final Map<String, Long> oracle = new TreeMap<>();
    private final Map<String, Long> falseRejections = new TreeMap<>();
    private final Map<String, Long> guests = new TreeMap<>();
    private final Map<String, Long> csmith = new TreeMap<>();
    private final List<FindingStore.Report> findings = new ArrayList<>();
    private PathInputs kept;

    /**
     * A program and the inputs of it that each reached a path the ones before did not (the first is its own
     * input): what a batch offers the workdir's corpus ({@link org.crosscheck.coordinator.generate.PathCorpus}).
     */
    public record PathInputs(org.crosscheck.isa.Program program, List<Input> inputs, long index) {
        public PathInputs {
            inputs = List.copyOf(inputs);
        }
    }

    /** An input and the reference's r0 on it (null: it did not return). */
    public record Input(byte[] memory, Long r0) {}

    /**
     * Offers a program whose inputs took several paths; the batch keeps one, the one with the most paths (the
     * first of them on a tie), so a corpus grows by the programs whose input matters most, not by thousands a second.
     */
    public void offerPathInputs(PathInputs p) {
        if (p.inputs().size() > 1 && (kept == null || p.inputs().size() > kept.inputs().size())) kept = p;
    }

    /** The program this batch keeps for the corpus, or null. */
    public PathInputs pathInputs() {
        return kept;
    }

    public void countPrograms(long n) {
        programs += n;
    }

    /**
     * What running programs on several inputs found: {@code executions} (program, input) pairs, the sum over
     * programs of the distinct paths the reference took, and the programs that took more than one.
     */
    public void countInputs(long executions, long paths, long multiPathPrograms) {
        this.executions += executions;
        this.paths += paths;
        this.multiPath += multiPathPrograms;
    }

    public long executions() {
        return executions;
    }

    public long paths() {
        return paths;
    }

    public long multiPathPrograms() {
        return multiPath;
    }

    public void countExecuted(String runtime, long n) {
        executed.merge(runtime, n, Long::sum);
    }

    /** {@code kind}: the divergence's kind ({@code r0}, {@code memory}, ...) or a litmus verdict. */
    public void countDivergences(String kind, long n) {
        divergences.merge(kind, n, Long::sum);
    }

    /** Divergences a documented deviation explains, by "runtime/deviation id". */
    public void countDeviations(String runtimeAndId, long n) {
        deviations.merge(runtimeAndId, n, Long::sum);
    }

    public void countDeviation(String runtime, String id) {
        countDeviations(runtime + "/" + id, 1);
    }

    /** Programs a kernel verifier judged ({@code runs}) and accepted, by "runtime/generated" or "runtime/mutant". */
    public void countVerdicts(String key, long runs, long accepts) {
        if (runs > 0) verifierRuns.merge(key, runs, Long::sum);
        if (accepts > 0) verifierAccepts.merge(key, accepts, Long::sum);
    }

    /** Litmus tests by "runtime/verdict/observation". */
    public void countLitmusTests(String observation, long n) {
        litmusObservations.merge(observation, n, Long::sum);
    }

    public void countLitmusIterations(String runtime, long n) {
        litmusIterations.merge(runtime, n, Long::sum);
    }

    /** The verifier oracle's counts by "runtime/counter": checks, states, log_bytes, unreadable, findings/CHECK. */
    public void countOracle(String runtimeAndCounter, long n) {
        oracle.merge(runtimeAndCounter, n, Long::sum);
    }

    /** Programs the reference ran safely (it returned) that a verifier rejected, by "runtime/reason". */
    public void countFalseRejection(String runtimeAndReason, long n) {
        falseRejections.merge(runtimeAndReason, n, Long::sum);
    }

    public Map<String, Long> falseRejections() {
        return Collections.unmodifiableMap(falseRejections);
    }

    /** VM runtimes' guest events by "runtime/restarts" (guests killed and replaced) and "runtime/crashes" (programs that ended in a kernel report). */
    public void countGuests(String runtimeAndEvent, long n) {
        if (n > 0) guests.merge(runtimeAndEvent, n, Long::sum);
    }

    public Map<String, Long> guests() {
        return Collections.unmodifiableMap(guests);
    }

    /** csmith campaigns: C programs by "programs/BUCKET" and builds by "builds/CC -O/BUCKET" ({@link CsmithCaseRunner}). */
    public void countCsmith(String key, long n) {
        csmith.merge(key, n, Long::sum);
    }

    public Map<String, Long> csmith() {
        return Collections.unmodifiableMap(csmith);
    }

    public Map<String, Long> oracle() {
        return Collections.unmodifiableMap(oracle);
    }

    public void addFinding(FindingStore.Report r) {
        findings.add(r);
    }

    public long programs() {
        return programs;
    }

    public Map<String, Long> executed() {
        return Collections.unmodifiableMap(executed);
    }

    public Map<String, Long> divergences() {
        return Collections.unmodifiableMap(divergences);
    }

    public Map<String, Long> deviations() {
        return Collections.unmodifiableMap(deviations);
    }

    public Map<String, Long> verifierRuns() {
        return Collections.unmodifiableMap(verifierRuns);
    }

    public Map<String, Long> verifierAccepts() {
        return Collections.unmodifiableMap(verifierAccepts);
    }

    public Map<String, Long> litmusObservations() {
        return Collections.unmodifiableMap(litmusObservations);
    }

    public Map<String, Long> litmusIterations() {
        return Collections.unmodifiableMap(litmusIterations);
    }

    public List<FindingStore.Report> findings() {
        return Collections.unmodifiableList(findings);
    }
}
