package org.crosscheck.coordinator.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.NotSerializableException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crosscheck.coordinator.campaign.Tally;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.coordinator.generate.Generator;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.Group;
import org.crosscheck.proto.BatchResult;
import org.crosscheck.runtime.Outcome;
import org.crosscheck.runtime.Capabilities;
import org.junit.jupiter.api.Test;

/** What crosses the wire comes back equal: outcomes of every kind, finding reports, generator configs, batch results. */
class WireTest {
    static final List<Outcome> OUTCOMES = List.of(new Outcome.Returned(-1L, new byte[] {1, 2}),
            new Outcome.Trapped(Outcome.TrapKind.BUDGET, 7, "budget"),
            new Outcome.Rejected(Outcome.Stage.VERIFIER, Outcome.RejectKind.TOO_LARGE, "too big", "log\nlines"),
            new Outcome.Crashed("signal 11"), new Outcome.TimedOut(250), new Outcome.Unsupported("lddw map"));

    @Test
    void outcomesRoundTrip() {
        for (Outcome o : OUTCOMES) {
            Outcome back = Wire.outcome(Wire.outcome(o));
            assertEquals(o, back);
        }
    }

    @Test
    void generatorConfigRoundTrip() {
        var c = new Generator.Config(new Capabilities(Group.rfc(), java.util.EnumSet.of(org.crosscheck.isa.Op.values()[3]), true, true), CpuVersion.V3, 17, false);
        assertEquals(c, Wire.generator(Wire.generator(c)));
        var dpdk = new Generator.Config(new Capabilities(Group.rfc(), java.util.EnumSet.noneOf(org.crosscheck.isa.Op.class), false, false), CpuVersion.V2, 9, true);
        assertEquals(dpdk, Wire.generator(Wire.generator(dpdk)));
    }

    @Test
    void csmithSpecRoundTrip() {
        var o = new org.crosscheck.coordinator.csmith.Csmith.Options(List.of(org.crosscheck.isa.elf.BpfCompiler.CLANG, org.crosscheck.isa.elf.BpfCompiler.GCC),
                List.of("-O0", "-O2"), CpuVersion.V2, 1234, 567);
        assertEquals(o, Wire.csmith(Wire.csmith(o)));
    }

    @Test
    void batchResultThroughTheSerializer() throws Exception {
        Generator.Case c = new Generator(Generator.Config.of(Group.rfc(), CpuVersion.V4)).generate(5, 9);
        Map<String, Outcome> outs = new LinkedHashMap<>();
        outs.put("interp", OUTCOMES.get(0));
        outs.put("kernel", OUTCOMES.get(2));
        Tally t = new Tally();
        t.countPrograms(128);
        t.countExecuted("interp", 128);
        t.countDivergences("r0", 3);
        t.countDeviation("kernel", "some-deviation");
        t.countFalseRejection("kernel/R2 !read_ok", 2);
        t.countGuests("vm:arm64-6.1:jit/restarts", 3);
        t.countGuests("vm:arm64-6.1:jit/crashes", 1);
        t.addFinding(new FindingStore.Report("r0 mismatch: kernel vs interp [base64 add]", "r0 mismatch", List.of("kernel"), "interp",
                "base64", c.program(), c.memory(), c.program(), c.memory(), outs, "5:9", 5, 9, Generator.VERSION, true));
        t.addFinding(new FindingStore.Report("checksum mismatch: gcc -O2 -mcpu=v3 vs native [csmith]", "compiler", List.of("interp", "jit"), "native",
                "csmith", c.program(), new byte[0], c.program(), new byte[0], outs, "csmith-7-gcc_-O2_-mcpu=v3", 5, 10, 0, false)
                .withFiles(Map.of("csmith.c", "int main(void) { return 0; }\n", "native.txt", "native checksum 0x1\n")));
        t.countCsmith("programs/agree", 2);
        t.countCsmith("builds/gcc -O2/agree", 2);
        t.offerPathInputs(new Tally.PathInputs(c.program(), List.of(new Tally.Input(new byte[] {1, 2}, 7L), new Tally.Input(new byte[] {3}, null)), 9));
        BatchResult r = Wire.result("w1", 256, 384, List.of("interp", "kernel"), t);
        ProtoSerializer ser = new ProtoSerializer(null);
        BatchResult back = (BatchResult) ser.fromBinary(ser.toBinary(r), ser.manifest(r));
        assertEquals(r, back);
        Tally t2 = Wire.tally(back);
        assertEquals(t.executed(), t2.executed());
        assertEquals(t.deviations(), t2.deviations());
        assertEquals(t.falseRejections(), t2.falseRejections());
        assertEquals(Map.of("vm:arm64-6.1:jit/restarts", 3L, "vm:arm64-6.1:jit/crashes", 1L), t2.guests());
        FindingStore.Report f = t2.findings().get(0);
        assertEquals(t.findings().get(0).title(), f.title());
        assertArrayEquals(c.program().encode(), f.repro().encode());
        assertEquals(outs, f.reproOutcomes());
        assertEquals(t.findings().get(1).files(), t2.findings().get(1).files(), "a csmith finding's C source and native checksum travel with it");
        assertEquals(t.csmith(), t2.csmith());
        Tally.PathInputs kept = t2.pathInputs();
        assertEquals(c.program(), kept.program());
        assertEquals(9, kept.index());
        assertArrayEquals(new byte[] {3}, kept.inputs().get(1).memory());
        assertEquals(List.of(7L), kept.inputs().stream().map(Tally.Input::r0).filter(java.util.Objects::nonNull).toList(), "r0 where it returned, null where not");
        var e = assertThrows(NotSerializableException.class, () -> ser.fromBinary(new byte[0], "crosscheck.cluster.Nope"));
        assertTrue(e.getMessage().contains("unknown crosscheck message type 'crosscheck.cluster.Nope'"), e.getMessage());
    }
}
