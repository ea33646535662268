package org.crosscheck.coordinator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.crosscheck.coordinator.compare.Divergence;
import org.crosscheck.coordinator.compare.Title;
import org.crosscheck.coordinator.oracle.VerifierOracle.Check;
import org.crosscheck.coordinator.oracle.VerifierOracle.Violation;
import org.crosscheck.coordinator.reference.Reference;
import org.crosscheck.coordinator.reference.ReferenceTrace;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.ProgramInput;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.kernel.VerifierStates;
import org.crosscheck.runtime.kernel.VerifierStates.Scalar;
import org.crosscheck.runtime.kernel.VerifierStates.State;
import org.junit.jupiter.api.Test;

/**
 * The oracle on real logs of Debian's guest kernels 6.1 and 6.12 (captured from {@code vm:amd64-6.1:interp} and
 * {@code vm:amd64-6.12:interp} with their programs, in runtimes' test resources): as the kernel wrote them they
 * break no claim; with one bound narrowed below the value the reference computed there, the value check
 * catches it, under the title a campaign gives it.
 */
class VmLogOracleTest {
    static final Path LOGS = Path.of("../runtimes/src/test/resources/verifier-logs");
    /** The prologue of the faithful code (KernelCode.faithful: the memory map's lddw, r2 = its length), as the .data files say. */
    static final Pattern USER_START = Pattern.compile("userStart (\\d+)");

    /** A captured case: its kernel release (the folder), program and input, log and where the program starts in it. */
    record Captured(String release, String name, ProgramInput input, String log, int userStart) {
        ReferenceTrace trace() {
            return Reference.trace(input, Limits.DEFAULT);
        }

        List<Violation> check(String log) throws VerifierStates.Unreadable {
            return VerifierOracle.check(trace(), VerifierStates.parse(log), userStart);
        }
    }

    static List<Captured> captured() throws Exception {
        try (Stream<Path> s = Files.walk(LOGS)) {
            List<Captured> out = new java.util.ArrayList<>();
            for (Path data : s.filter(f -> f.toString().endsWith(".data")).sorted().toList()) {
                DataFile d = DataFile.read(data);
                Matcher m = USER_START.matcher(Files.readString(data));
                assertTrue(m.find(), data + " names no userStart");
                String name = data.getFileName().toString().replace(".data", "");
                out.add(new Captured(data.getParent().getFileName().toString(), name, new ProgramInput(d.program().program(), d.memory()),
                        Files.readString(data.resolveSibling(name + ".verifier.txt")), Integer.parseInt(m.group(1))));
            }
            assertTrue(out.stream().anyMatch(c -> c.release().startsWith("6.1.")) && out.stream().anyMatch(c -> c.release().startsWith("6.12.")), out.toString());
            return out;
        }
    }

    @Test
    void theGuestKernelsLogsBreakNoClaim() throws Exception {
        for (Captured c : captured()) assertEquals(List.of(), c.check(c.log()), c.release() + " " + c.name());
    }

    @Test
    void aBoundNarrowedBelowTheConcreteValueIsCaughtAndTitled() throws Exception {
        for (Captured c : captured()) {
            ReferenceTrace trace = c.trace();
            List<State> states = VerifierStates.parse(c.log());
            // the first instruction of the run that writes a register the log bounds but does not know, with a value above 0
            Integer step = null;
            for (int k = 0; k + 1 < trace.steps() && step == null; k++) {
                Insn i = c.input().program().at(trace.pc(k));
                if (i == null || !i.op().shape.dstWritten || i.dst() > 9 || trace.addressTaint().addressDefs().contains(trace.pc(k))) continue;
                int kpc = trace.pc(k) + c.userStart(), r = i.dst();
                long v = trace.register(k + 1, r);
                List<State> after = states.stream().filter(st -> st.pc() == kpc && st.kind() == VerifierStates.Kind.AFTER).toList();
                if (v != 0 && !after.isEmpty() && after.stream().allMatch(st -> st.registers().get(r) instanceof Scalar sc && sc.tnumMask() != 0)) step = k;
            }
            assertNotNull(step, c.name() + ": no unknown scalar written on the run");
            int pc = trace.pc(step), r = c.input().program().at(pc).dst(), kpc = pc + c.userStart();
            long v = trace.register(step + 1, r);
            String narrowed = Long.toUnsignedString(v - 1);
            // every state of R<r> after kpc: its umax (chained or not) set to v - 1, or umax=v-1 added
            Pattern reg = Pattern.compile("(R" + r + "(?:_[rw]+)?=P?scalar\\()([^)]*(?:\\([^)]*\\)[^)]*)*)\\)");
            String perturbed = c.log().lines().map(l -> !l.matches(kpc + ": \\(.*") ? l : reg.matcher(l).replaceAll(mr -> {
                String body = mr.group(2).replaceAll("umax=(0x[0-9a-f]+|\\d+)", "umax=" + narrowed);
                if (body.equals(mr.group(2))) body = "umax=" + narrowed + (body.isEmpty() ? "" : "," + body);
                return Matcher.quoteReplacement(mr.group(1) + body + ")");
            })).collect(Collectors.joining("\n"));
            assertFalse(perturbed.equals(c.log()), c.name());
            List<Violation> found = c.check(perturbed);
            String what = c.release() + " " + c.name() + " pc " + pc + " R" + r + " = " + v + ": " + found;
            assertEquals(List.of(Check.VALUE), found.stream().map(Violation::check).toList(), what);
            Violation x = found.get(0);
            assertEquals(pc, x.pc(), what);
            assertEquals(r, x.register(), what);
            assertEquals(v, x.value(), what);
            assertTrue(x.claim().matches("(smax|umax|smax32|umax32)=.*"), x.claim());
            String runtime = "vm:amd64-" + (c.release().startsWith("6.1.") ? "6.1" : "6.12") + ":interp";
            String title = Title.of(new Divergence(Divergence.Kind.VERIFIER_CLAIM, x.check().id, List.of(runtime), "interp", Map.of()), c.input().program());
            assertTrue(title.startsWith("verifier claim (value): " + runtime + " vs interp ["), title);
        }
    }

    /** A guest runtime's name (':' and '-' in it) is its metrics' runtime label as it is. */
    @Test
    void aGuestsCountsAreLabelledWithItsName() {
        org.crosscheck.coordinator.metrics.Metrics metrics = new org.crosscheck.coordinator.metrics.Metrics();
        metrics.oracle("vm:amd64-6.12:interp", "checks", 3);
        metrics.oracle("vm:amd64-6.12:interp", "findings/value", 1);
        String text = metrics.scrape();
        assertTrue(text.contains("crosscheck_verifier_oracle_checks_total{app=\"crosscheck\",runtime=\"vm:amd64-6.12:interp\"} 3.0"), text);
        assertTrue(text.contains("crosscheck_verifier_oracle_findings_total{app=\"crosscheck\",check=\"value\",runtime=\"vm:amd64-6.12:interp\"} 1.0"), text);
    }
}
