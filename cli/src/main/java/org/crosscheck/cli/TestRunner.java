package org.crosscheck.cli;

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

/** Runs one .data test on one runtime and judges it against the test's expectation. */
final class TestRunner {
    /** XFAIL: failed as the runtime's expectations file says it does (counted with the skipped). */
    enum Status { PASS, FAIL, SKIP, XFAIL }

    record Verdict(Status status, String line) {}

    private final Runtime runtime;
    private final Limits limits;
    private final Set<Group> groups;
    private final CpuVersion maxCpu;
    private final Expectations expected;

    TestRunner(Runtime runtime, Limits limits, Set<Group> groups, CpuVersion maxCpu) {
        this.runtime = runtime;
        this.limits = limits;
        this.groups = groups;
        this.maxCpu = maxCpu;
        this.expected = Expectations.of(runtime.name());
    }

    /** Judges a test, then applies the runtime's list of known failures: listed and failing is
     * XFAIL, listed but passing is a FAIL (the list must stay exact). */
    Verdict run(Path file) {
        Verdict v = judge(file);
        String reason = expected.reason(file.getFileName().toString());
        if (reason == null) return v;
        return switch (v.status()) {
            case FAIL -> new Verdict(Status.XFAIL, "XFAIL " + file + ": " + reason + " [" + v.line().replaceFirst("^FAIL \\S+: ", "") + "]");
            case PASS -> new Verdict(Status.FAIL, "FAIL " + file + ": passes but " + expected.source() + " lists it as failing (" + reason + ")");
            default -> v;
        };
    }

    private Verdict judge(Path file) {
        DataFile data;
        Assembler.Assembled asm;
        byte[] memory;
        Long expected;
        try {
            data = DataFile.read(file);
            asm = data.program();
            memory = data.memory();
            expected = data.expectedResult();
        } catch (IsaException e) {
            return new Verdict(Status.FAIL, "FAIL " + e.getMessage());
        }
        Program p = asm.program();
        Set<Group> missing = EnumSet.copyOf(p.groups());
        missing.removeAll(groups);
        if (!missing.isEmpty()) return skip(file, "uses groups " + missing + " not selected");
        if (p.cpu().compareTo(maxCpu) > 0) return skip(file, "needs CPU " + p.cpu() + ", selected " + maxCpu);
        Set<Group> lacking = EnumSet.copyOf(p.groups());
        lacking.removeAll(runtime.capabilities().groups());
        if (!lacking.isEmpty()) return skip(file, runtime.name() + " does not support " + lacking);
        Outcome o = runtime.run(p, memory, limits);
        if (o instanceof Outcome.Unsupported u) return skip(file, u.what());
        String where = file + ":" + data.expectationLine();
        if (!meets(expected, o)) {
            String got = o.describe();
            if (o instanceof Outcome.Trapped t) got += " [line " + asm.lineOfPc(t.pc()) + "]";
            return new Verdict(Status.FAIL, "FAIL " + where + ": expected " + expectation(expected, data.expectedError()) + ", got " + got);
        }
        return new Verdict(Status.PASS, "PASS " + file + (expected != null ? "" : " (" + o.describe() + ")"));
    }

    /** Whether an outcome is what a test expects: its r0, or for a test without a result (an error test) any end but returning. */
    static boolean meets(Long expected, Outcome o) {
        if (expected != null) return o instanceof Outcome.Returned r && r.r0Is(expected);
        return !(o instanceof Outcome.Returned);
    }

    /** A test's expectation in words: {@code r0 = 0x11}, {@code an error "Invalid"}. */
    static String expectation(Long expected, String error) {
        if (expected != null) return "r0 = 0x" + Long.toHexString(expected);
        return "an error" + (error == null || error.isEmpty() ? "" : " \"" + error + "\"");
    }

    private static Verdict skip(Path file, String why) {
        return new Verdict(Status.SKIP, "SKIP " + file + ": " + why);
    }
}
