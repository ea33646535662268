package org.crosscheck.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.runtime.interp.Interpreter;
import org.crosscheck.runtime.jit.Jit;
import org.crosscheck.runtime.kernel.KernelRuntime;
import org.crosscheck.runtime.kernel.KernelTests;
import org.junit.jupiter.api.Test;

class OpProbeTest {
    private static final Set<Op> UNPROBED = EnumSet.of(Op.CALL, Op.CALLX, Op.CALL_RUNTIME, Op.LDDW_MAP_FD, Op.LDDW_MAP_VALUE,
            Op.LDDW_VAR_ADDR, Op.LDDW_CODE_ADDR, Op.LDDW_MAP_IDX, Op.LDDW_MAP_IDX_VALUE);

    /** Each probe holds its op, and runs on the reference interpreter: a refusal elsewhere is the runtime's. */
    @Test
    void everyProbeHoldsItsOpAndRunsOnTheReference() {
        Map<Op, OpProbe.Result> r = OpProbe.probe(new Interpreter());
        for (Op op : Op.values()) {
            Program p = OpProbe.program(op);
            if (UNPROBED.contains(op)) {
                assertNull(p, op.name());
                assertEquals(OpProbe.Verdict.NOT_PROBED, r.get(op).verdict());
                continue;
            }
            assertTrue(p != null && p.insns().stream().anyMatch(i -> i.op() == op), op + " not in its probe: " + p);
            assertEquals(OpProbe.Verdict.RUNS, r.get(op).verdict(), op + ": " + r.get(op).detail());
        }
        assertEquals(Set.of(), OpProbe.unsupported(r));
    }

    @Test
    void ourJitRunsEveryProbe() {
        try (Jit jit = new Jit()) {
            assertEquals(Set.of(), OpProbe.unsupported(OpProbe.probe(jit)));
        }
    }

    /** The host's kernel (6.6 or later) has every probed op. */
    @Test
    void theHostKernelRunsEveryProbe() {
        KernelTests.assumeKernel();
        try (KernelRuntime k = new KernelRuntime()) {
            Map<Op, OpProbe.Result> r = OpProbe.probe(k);
            assertEquals(Set.of(), OpProbe.unsupported(r), OpProbe.format(r));
        }
    }

    @Test
    void narrowingDropsRefusedOpsAndGroupsWithNothingLeft() {
        Map<Op, OpProbe.Result> r = new EnumMap<>(Op.class);
        for (Op op : Op.values()) r.put(op, new OpProbe.Result(OpProbe.probed(op) ? OpProbe.Verdict.RUNS : OpProbe.Verdict.NOT_PROBED, ""));
        for (Op op : Op.values()) if (op.group == Group.ACQREL) r.put(op, new OpProbe.Result(OpProbe.Verdict.REFUSED, "unknown opcode"));
        r.put(Op.BSWAP16, new OpProbe.Result(OpProbe.Verdict.CRASHED, "guest died"));
        Capabilities c = OpProbe.narrow(Capabilities.all(), r);
        assertFalse(c.groups().contains(Group.ACQREL));
        assertTrue(c.groups().contains(Group.BASE32));
        assertTrue(c.unsupportedOps().containsAll(EnumSet.of(Op.BSWAP16, Op.LOAD_ACQ_W)));
        assertFalse(c.unsupportedOps().contains(Op.BSWAP32));
        assertEquals(r, OpProbe.parse(OpProbe.format(r)));
        assertEquals("line 2: expected 'OP VERDICT [detail]', got 'BSWAP16 MAYBE'",
                assertThrows(IllegalArgumentException.class, () -> OpProbe.parse("LE16 RUNS\nBSWAP16 MAYBE\n")).getMessage());
    }
}
