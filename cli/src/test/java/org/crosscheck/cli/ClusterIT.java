package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crosscheck.coordinator.findings.FindingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster on 127.0.0.1: a coordinator and worker JVMs of the packaged jar. Killing a worker
 * (SIGKILL) or the coordinator mid-campaign loses nothing and counts nothing twice: the campaign
 * finishes with exactly N programs and the very findings (ids and case counts) of a single-node run
 * of the same seed and program count.
 */
class ClusterIT {
    static final int PROGRAMS = 16_000;
    static final List<String> CAMPAIGN = List.of("--runtimes", "interp,interp-mutant:add32-zext,interp-mutant:neg32-sext",
            "--seed", "7", "--programs", Integer.toString(PROGRAMS), "--batch-size", "128");

    @TempDir
    Path tmp;

    @RegisterExtension
    final Jvms jvms = new Jvms();

    Process start(String name, List<String> args) throws IOException {
        return jvms.start(name, args);
    }

    String log(String name) throws IOException {
        return jvms.log(name);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** id -> number of cases, of every finding in a workdir. */
    static Map<String, Long> findings(Path workdir) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        for (FindingStore.Summary s : new FindingStore(workdir).list()) out.put(s.id(), s.count());
        return out;
    }

    /** The single-node run's findings, computed once for both tests (the run is deterministic). */
    static Map<String, Long> singleNodeFindings;

    Map<String, Long> singleNode() throws Exception {
        if (singleNodeFindings != null) return singleNodeFindings;
        List<String> args = new ArrayList<>(List.of("campaign", "--workdir", tmp.resolve("single").toString(), "--metrics", "off", "--threads", "2"));
        args.addAll(CAMPAIGN);
        Process p = start("single", args);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "single-node run did not finish");
        assertEquals(0, p.exitValue(), log("single"));
        assertTrue(log("single").contains("campaign: " + String.format("%,d", PROGRAMS) + " programs"), log("single"));
        singleNodeFindings = findings(tmp.resolve("single"));
        assertTrue(singleNodeFindings.size() >= 2, "the mutants give findings: " + singleNodeFindings);
        return singleNodeFindings;
    }

    final int port = freePortUnchecked(), http = freePortUnchecked();

    static int freePortUnchecked() {
        try {
            return freePort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Process coordinator(String logName) throws IOException {
        List<String> args = new ArrayList<>(List.of("coordinator", "--bind", "127.0.0.1:" + port, "--workdir", tmp.resolve("cluster").toString(),
                "--http", "127.0.0.1:" + http, "--lease", "20s"));
        args.addAll(CAMPAIGN);
        return start(logName, args);
    }

    Process worker(String name, String secret) throws IOException {
        return start(name, List.of("worker", "--join", "127.0.0.1:" + port, "--threads", "1", "--secret", secret,
                "--runtimes", "interp,interp-mutant:add32-zext,interp-mutant:neg32-sext"));
    }

    String awaitSecret(String coordinatorLog) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Matcher m = Pattern.compile("cluster secret (\\w+)").matcher(log(coordinatorLog));
            if (m.find()) return m.group(1);
            Thread.sleep(100);
        }
        throw new AssertionError("the coordinator did not start: " + log(coordinatorLog));
    }

    /** A counter of the coordinator's /metrics (0 when absent). */
    double metric(String name) throws Exception {
        try (HttpClient c = HttpClient.newHttpClient()) {
            String body = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(body);
            return m.find() ? Double.parseDouble(m.group(2)) : 0;
        } catch (IOException e) {
            return 0; // the coordinator is (re)starting
        }
    }

    void awaitPrograms(double atLeast, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (metric("crosscheck_programs_generated_total") < atLeast) {
            assertTrue(System.nanoTime() < deadline, "no progress: " + log("coordinator"));
            Thread.sleep(100);
        }
    }

    Properties state() throws IOException {
        Properties p = new Properties();
        p.load(Files.newBufferedReader(tmp.resolve("cluster").resolve("campaign.properties")));
        return p;
    }

    @Test
    void workerKilledMidCampaign() throws Exception {
        Map<String, Long> expected = singleNode();
        Process coord = coordinator("coordinator");
        String secret = awaitSecret("coordinator");
        Process w1 = worker("w1", secret);
        Process w2 = worker("w2", secret);
        awaitPrograms(PROGRAMS / 4.0, 60);
        assertEquals(2, metric("crosscheck_cluster_workers_up"), "workers up");
        // a scrape can fall between a result and the next lease: look again for a moment
        long inFlightBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (metric("crosscheck_batches_in_flight") < 1 && System.nanoTime() < inFlightBy) Thread.sleep(20);
        assertTrue(metric("crosscheck_batches_in_flight") >= 1, "a batch in flight when the worker is killed");
        w1.destroyForcibly().waitFor(); // SIGKILL, with a batch in flight
        Process w3 = worker("w3", secret);

        assertTrue(coord.waitFor(90, TimeUnit.SECONDS), "campaign did not finish: " + log("coordinator"));
        assertEquals(0, coord.exitValue(), log("coordinator"));
        assertTrue(w2.waitFor(20, TimeUnit.SECONDS) && w3.waitFor(20, TimeUnit.SECONDS), "workers did not stop");
        assertEquals(0, w2.exitValue(), log("w2"));
        assertEquals(0, w3.exitValue(), log("w3"));
        assertTrue(log("w3").contains("the campaign is over"), log("w3"));

        Properties st = state();
        assertEquals(Integer.toString(PROGRAMS), st.getProperty("programs"), "every program counted exactly once: " + st);
        assertEquals(Integer.toString(PROGRAMS), st.getProperty("watermark"));
        assertTrue(log("coordinator").contains("coordinator: " + String.format("%,d", PROGRAMS) + " programs"), log("coordinator"));
        assertEquals(expected, findings(tmp.resolve("cluster")), "findings (id -> cases) of the cluster and of one node");
    }

    @Test
    void coordinatorKilledAndRestarted() throws Exception {
        Map<String, Long> expected = singleNode();
        Process coord = coordinator("coordinator");
        String secret = awaitSecret("coordinator");
        Process w1 = worker("w1", secret);
        Process w2 = worker("w2", secret);
        awaitPrograms(PROGRAMS / 3.0, 60);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (Long.parseLong(state().getProperty("watermark")) == 0) { // a checkpoint first, so there is something to resume
            assertTrue(System.nanoTime() < deadline, "no checkpoint");
            Thread.sleep(100);
        }
        coord.destroyForcibly().waitFor(); // SIGKILL
        long resumeAt = Long.parseLong(state().getProperty("watermark"));
        assertTrue(resumeAt < PROGRAMS, "killed too late to test anything");

        Process again = coordinator("coordinator2");
        assertTrue(again.waitFor(100, TimeUnit.SECONDS), "campaign did not finish after the restart: " + log("coordinator2"));
        assertEquals(0, again.exitValue(), log("coordinator2"));
        assertTrue(log("coordinator2").contains("resuming in"), log("coordinator2"));
        assertTrue(w1.waitFor(30, TimeUnit.SECONDS) && w2.waitFor(30, TimeUnit.SECONDS), "workers did not stop: " + log("w1"));
        assertEquals(0, w1.exitValue(), log("w1"));
        assertEquals(0, w2.exitValue(), log("w2"));

        Properties st = state();
        assertEquals(Integer.toString(PROGRAMS), st.getProperty("programs"), "every program counted exactly once: " + st);
        assertEquals(expected, findings(tmp.resolve("cluster")), "findings (id -> cases) of the cluster and of one node");
    }

    @Test
    void strayWorkerIsRefused() throws Exception {
        Process coord = coordinator("coordinator");
        awaitSecret("coordinator");
        Process stray = start("stray", List.of("worker", "--join", "127.0.0.1:" + port, "--secret", "not-the-secret", "--runtimes", "interp,interp-mutant:add32-zext"));
        assertTrue(stray.waitFor(60, TimeUnit.SECONDS), "stray worker still running: " + log("stray"));
        assertEquals(1, stray.exitValue());
        assertTrue(log("stray").contains("crosscheck: worker refused by the coordinator: wrong cluster secret"), log("stray"));
        assertEquals(0, metric("crosscheck_programs_generated_total"), "a stray worker got work");
        coord.destroyForcibly();
    }

    /**
     * A litmus campaign over the same machinery: a coordinator and two worker JVMs run generated
     * litmus tests on the interpreter and on the deliberately wrong JIT mapping; every test is counted
     * once, the mutant's forbidden states are findings (with the test and the histograms), the
     * interpreter has none.
     */
    @Test
    void litmusCampaignOnTwoWorkers() throws Exception {
        List<String> args = List.of("coordinator", "--bind", "127.0.0.1:" + port, "--workdir", tmp.resolve("litmus").toString(),
                "--http", "127.0.0.1:" + http, "--litmus", "--runtimes", "interp,jit-mutant:unordered-fetch", "--groups", "atomic64",
                "--litmus-iterations", "4000", "--seed", "3", "--programs", "24", "--batch-size", "3");
        Process coord = start("coordinator", args);
        String secret = awaitSecret("coordinator");
        List<Process> ws = new ArrayList<>();
        for (String w : List.of("w1", "w2"))
            ws.add(start(w, List.of("worker", "--join", "127.0.0.1:" + port, "--threads", "1", "--secret", secret,
                    "--runtimes", "interp,jit-mutant:unordered-fetch")));
        awaitPrograms(6, 90);
        assertTrue(metric("crosscheck_litmus_iterations_total") > 0, "litmus iterations are counted");
        assertTrue(coord.waitFor(120, TimeUnit.SECONDS), "litmus campaign did not finish: " + log("coordinator"));
        assertEquals(0, coord.exitValue(), log("coordinator"));
        for (Process w : ws) assertTrue(w.waitFor(30, TimeUnit.SECONDS), "worker did not stop");
        assertTrue(log("coordinator").contains("coordinator: 24 litmus tests"), log("coordinator"));
        List<FindingStore.Summary> found = new FindingStore(tmp.resolve("litmus")).list();
        assertTrue(found.stream().anyMatch(f -> f.title().startsWith("forbidden state: jit-mutant:unordered-fetch vs bpf-memory-model [")),
                "the wrong mapping is caught: " + found);
        assertTrue(found.stream().noneMatch(f -> f.runtimes().contains("interp")), "the reference shows no forbidden state: " + found);
        for (FindingStore.Summary f : found) {
            assertTrue(Files.readString(f.dir().resolve("test.litmus")).startsWith("BPF "), "the finding keeps its test");
            assertTrue(Files.readString(f.dir().resolve("outcomes")).contains("<- forbidden by the BPF memory model"));
        }
    }
}
