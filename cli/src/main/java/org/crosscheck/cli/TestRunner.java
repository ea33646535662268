package org.crosscheck.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.IsaException;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Runtime;
import org.crosscheck.runtime.conformance.Expectations;
import org.crosscheck.runtime.conformance.Expected;
import org.crosscheck.runtime.dpdk.DpdkProbe;

/**
 * Runs one .data test on one runtime and judges it against the outcome the test expects
 * ({@link Expected}), then against the runtime's list of known failures ({@link Expectations}).
 */
final class TestRunner {
    /** XFAIL: failed exactly as the runtime's list says it does (counted with the skipped). */
    enum Status { PASS, FAIL, SKIP, XFAIL }

    /**
     * A verdict; {@code outcome} is what the runtime did (null when it did not run: malformed, skipped, not
     * decoded); {@code endsAsExpected}: whether that is what the test expects, the list aside.
     */
    record Verdict(Status status, String line, Outcome outcome, byte[] content, boolean endsAsExpected) {
        Verdict(Status status, String line, Outcome outcome) {
            this(status, line, outcome, null, status == Status.PASS);
        }
    }

    private final Runtime runtime;
    private final Limits limits;
    private final Set<Group> groups;
    private final CpuVersion maxCpu;
    private final Expectations expected;
    /** What the runtime itself does with each test, when it has a probe list (DPDK): its skips are checked against it. */
    private final Expectations probe;

    TestRunner(Runtime runtime, Limits limits, Set<Group> groups, CpuVersion maxCpu, Expectations expected) {
        this.runtime = runtime;
        this.limits = limits;
        this.groups = groups;
        this.maxCpu = maxCpu;
        this.expected = expected;
        this.probe = DpdkProbe.listFor(runtime.name());
    }

    /** Judges a test, then by the list: a listed test is XFAIL only when its content and outcome are the listed ones. */
    Verdict run(Path file) {
        byte[] content; // read once: the lists pin its hash (the parse below reads the file for itself)
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            return new Verdict(Status.FAIL, "FAIL " + file + ": cannot read: " + e.getMessage(), null);
        }
        Verdict v = judge(file, content);
        if (v.outcome() == null || v.status() == Status.SKIP) return v;
        Expectations.Judgement j = expected.judge(file.getFileName().toString(), content, v.status() == Status.PASS, v.outcome());
        boolean asExpected = v.status() == Status.PASS;
        return switch (j.status()) {
            case PASS -> new Verdict(v.status(), v.line(), v.outcome(), content, asExpected);
            case XFAIL -> new Verdict(Status.XFAIL, "XFAIL " + file + ": " + j.why(), v.outcome(), content, asExpected);
            case FAIL -> new Verdict(Status.FAIL, j.why().isEmpty() ? v.line() : "FAIL " + file + ": " + j.why(), v.outcome(), content, asExpected);
        };
    }

    private Verdict judge(Path file, byte[] content) {
        DataFile data;
        Assembler.Assembled asm;
        byte[] memory;
        Expected want;
        try {
            data = DataFile.read(file);
            want = Expected.of(data);
            memory = data.memory();
        } catch (IsaException e) {
            return new Verdict(Status.FAIL, "FAIL " + e.getMessage(), null);
        }
        if (data.elfTest()) return skip(file, "an ELF loader test (pyelf): crosscheck runs instructions, it has no ELF loader");
        try {
            asm = data.program();
        } catch (DataFile.Undecodable e) {
            // the words are not a program: the one outcome that is judged before any runtime
            return want.meetsDecodeRejection()
                    ? new Verdict(Status.PASS, "PASS " + file + " (decode rejection: " + e.getMessage() + ")", null)
                    : new Verdict(Status.FAIL, "FAIL " + e.getMessage() + " (the test expects " + want.describe() + ")", null);
        } catch (IsaException e) {
            return new Verdict(Status.FAIL, "FAIL " + e.getMessage(), null);
        }
        Program p = asm.program();
        Set<Group> missing = EnumSet.copyOf(p.groups());
        missing.removeAll(groups);
        if (!missing.isEmpty()) return skip(file, "uses groups " + missing + " not selected");
        if (p.cpu().compareTo(maxCpu) > 0) return skip(file, "needs CPU " + p.cpu() + ", selected " + maxCpu);
        Set<Group> lacking = EnumSet.copyOf(p.groups());
        lacking.removeAll(runtime.capabilities().groups());
        if (!lacking.isEmpty()) return skip(file, runtime.name() + " does not support " + lacking);
        if (data.noJitReason() != null && runtime.compiles()) return skip(file, "the test says no jit (" + data.noJitReason() + ")");
        Outcome o = runtime.run(p, memory, limits);
        Verdict probed = checkProbe(file, content, o);
        if (probed != null) return probed;
        if (o instanceof Outcome.Unsupported u) return skip(file, u.what());
        if (!want.meets(o)) {
            String got = o.describe();
            if (o instanceof Outcome.Trapped t) got += " [line " + asm.lineOfPc(t.pc()) + "]";
            return new Verdict(Status.FAIL, "FAIL " + file + ":" + data.expectationLine() + ": expected " + want.describe() + ", got " + got, o);
        }
        return new Verdict(Status.PASS, "PASS " + file + (want.kind() == Expected.Kind.VALUE ? "" : " (" + o.describe() + ")"), o);
    }

    /**
     * Against the probe list: our up-front skip (the runtime's own list of encodings it lacks) must be
     * what the runtime itself does; null when the list has no say.
     */
    private Verdict checkProbe(Path file, byte[] content, Outcome o) {
        Expectations.Entry e = probe.entries().get(file.getFileName().toString());
        if (e == null) return null;
        String hash = Expectations.hash(content);
        String where = probe.source() + ":" + e.line();
        if (!hash.equals(e.hash())) {
            return new Verdict(Status.FAIL, "FAIL " + file + ": its content changed since " + where + " probed it: run crosscheck probe --runtime "
                    + runtime.name().replace("-instrumented", "") + " again", null);
        }
        boolean dpdkRefuses = e.outcome().startsWith(DpdkProbe.UNSUPPORTED);
        if (dpdkRefuses && o instanceof Outcome.Unsupported u) return skip(file, u.what() + "; the probe agrees (" + e.outcome() + ")");
        if (dpdkRefuses) {
            return new Verdict(Status.FAIL, "FAIL " + file + ": " + where + " says " + e.outcome() + ", but " + runtime.name()
                    + "'s own list of encodings it lacks lets the test through (" + o.describe() + ")", o);
        }
        if (o instanceof Outcome.Unsupported u) {
            return new Verdict(Status.FAIL, "FAIL " + file + ": " + runtime.name() + " skips it (" + u.what() + "), but " + where + " says: " + e.outcome(), null);
        }
        return null;
    }

    private static Verdict skip(Path file, String why) {
        return new Verdict(Status.SKIP, "SKIP " + file + ": " + why, null);
    }
}
