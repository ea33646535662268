package org.crosscheck.runtime.dpdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.IsaException;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.conformance.Expectations;
import org.crosscheck.runtime.executor.ExecutorRuntime;

/**
 * What DPDK itself does with each {@code .data} test, with no list of ours in front: loads it with
 * rte_bpf_load (and for the JIT, compiles it) in an executor process and says one of
 * {@code unsupported opcode|loop|call: <DPDK's message>} (its syntax check knows no such encoding; it
 * refuses backward jumps; it has no helpers),
 * {@code rejected by the validator: <message>}, {@code not compiled by the JIT},
 * {@code crash caught in the executor: <signal>}, or {@code runs}. The lines, pinned to each test's
 * hash as in {@link Expectations}, are the committed list {@code conformance/<runtime>-probe.txt}:
 * conformance skips what it calls unsupported and fails when our own up-front check
 * ({@link DpdkRuntime#UNSUPPORTED}) disagrees with it.
 */
public final class DpdkProbe {
    private DpdkProbe() {}

    /** The start of every class of what DPDK does not do at all (conformance skips those). */
    public static final String UNSUPPORTED = "unsupported ";

    /** rte_bpf_load's syntax check (bpf_validate.c): the messages of an encoding it does not know. */
    private static final Pattern SYNTAX = Pattern.compile("invalid opcode|invalid (src-reg|dst-reg|off|imm) field", Pattern.CASE_INSENSITIVE);
    /** Its control-flow check refuses every backward jump, and it has no helpers unless given some (we give none). */
    private static final Pattern LOOP = Pattern.compile("^loop at pc"), CALL = Pattern.compile("invalid external function index");

    /** The committed probe list of a DPDK runtime (its faithful engine's; empty for any other runtime). */
    public static Expectations listFor(String runtime) {
        for (DpdkRuntime.Mode m : DpdkRuntime.Mode.values()) {
            String name = DpdkRuntime.name(m, false);
            if (runtime.equals(name) || runtime.equals(DpdkRuntime.name(m, true))) return Expectations.resource("conformance/" + name + "-probe.txt");
        }
        return Expectations.parse("", "no probe list");
    }

    /** The class of one outcome of the unchecked runtime. */
    public static String classify(Outcome o) {
        return switch (o) {
            case Outcome.Rejected r when r.stage() == Outcome.Stage.JIT -> "not compiled by the JIT";
            case Outcome.Rejected r when SYNTAX.matcher(r.reason()).find() -> UNSUPPORTED + "opcode: " + r.reason();
            case Outcome.Rejected r when LOOP.matcher(r.reason()).find() -> UNSUPPORTED + "loop: " + r.reason();
            case Outcome.Rejected r when CALL.matcher(r.reason()).find() -> UNSUPPORTED + "call: " + r.reason();
            case Outcome.Rejected r -> "rejected by the validator: " + r.reason();
            case Outcome.Crashed c -> "crash caught in the executor: " + Expectations.withoutAddresses(c.detail());
            case Outcome.Unsupported u -> "not probed: " + u.what();
            default -> "runs";
        };
    }

    /** The probe list of {@code mode} for these tests (a malformed test is named in a comment line); {@code progress} gets each line. */
    public static String probe(DpdkRuntime.Mode mode, List<Path> files, Consumer<String> progress) throws IOException {
        List<String> out = new ArrayList<>();
        String name = DpdkRuntime.name(mode, false);
        out.add("# What DPDK's librte_bpf (" + name + ") does with each test, by `crosscheck probe --runtime " + name + "`.");
        out.add("# <test file> <sha256, 16 hex digits> <class>. Regenerate with that command; ProbeTest compares.");
        try (ExecutorRuntime runtime = new ExecutorRuntime(DpdkRuntime.probeSpec(mode))) {
            if (runtime.unavailableReason().isPresent()) throw new IOException(name + " unavailable: " + runtime.unavailableReason().get());
            for (Path f : files) {
                String line;
                try {
                    DataFile data = DataFile.read(f);
                    Outcome o = runtime.run(data.program().program(), data.memory(), Limits.DEFAULT);
                    line = f.getFileName() + " " + Expectations.hash(Files.readAllBytes(f)) + " " + classify(o);
                } catch (IsaException e) {
                    line = "# not probed, malformed: " + e.getMessage();
                }
                out.add(line);
                progress.accept(line);
            }
        }
        return String.join("\n", out) + "\n";
    }
}
