package org.crosscheck.runtime.dpdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.Limits;
import org.crosscheck.runtime.Outcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DPDK in this process, with programs that end in exit (safe to load here). Checks the table of
 * what DPDK refuses against the library itself, and the calling convention.
 */
class DpdkRuntimeTest {
    @BeforeAll
    static void dpdkPresent() {
        assumeTrue(RteBpf.unavailable().isEmpty(), () -> "DPDK missing: " + RteBpf.unavailable().orElse(""));
    }

    /** The smallest program that uses {@code op}, ending in exit (null for encodings we never send). */
    static Program probe(Op op) throws Exception {
        List<Insn> p = new ArrayList<>();
        p.add(Insn.of(Op.STDW, 10, 0, -8, 0)); // initialised stack slot for memory ops
        p.add(Insn.imm(Op.MOV64_IMM, 0, 1));
        p.add(Insn.imm(Op.MOV64_IMM, 2, 5));
        switch (op.shape) {
            case ALU_IMM -> p.add(Insn.of(op, 0, 0, 0, 3));
            case ALU_REG -> p.add(Insn.of(op, 0, 2, 0, 0));
            case NEG, ENDIAN -> p.add(Insn.of(op, 0, 0, 0, 0));
            case LDX, LOAD_ACQ -> p.add(Insn.of(op, 0, 10, -8, 0));
            case ST -> p.add(Insn.of(op, 10, 0, -8, 7));
            case STX, ATOMIC, STORE_REL -> p.add(Insn.of(op, 10, 2, -8, 0));
            case JMP_IMM, JMP_REG -> p.add(Insn.of(op, 0, 2, 0, 3).withJumpOffset(0));
            case JA, JA32 -> p.add(Insn.of(op).withJumpOffset(0));
            case CALL_HELPER -> p.add(Insn.imm(op, 0, 5));
            case CALLX -> p.add(Insn.of(op, 2, 0, 0, 0));
            case LDDW -> p.add(Insn.imm(op, 0, 0x1122334455667788L));
            case LD_ABS -> p.add(Insn.of(op, 0, 0, 0, 0));
            case LD_IND -> p.add(Insn.of(op, 0, 3, 0, 0));
            case CALL_LOCAL -> {
                p.add(Insn.of(op).withJumpOffset(1));
                p.add(Insn.of(Op.EXIT));
                p.add(Insn.imm(Op.MOV64_IMM, 0, 2));
            }
            case CALL_RUNTIME, EXIT -> {}
        }
        p.add(Insn.of(Op.EXIT));
        return Program.of(p);
    }

    @Test
    void refusesExactlyTheOpsItsTableLists() throws Exception {
        TreeMap<String, String> wrong = new TreeMap<>();
        try (DpdkRuntime d = new DpdkRuntime(DpdkRuntime.Mode.INTERP)) {
            for (Op op : Op.values()) {
                if (op.shape == Shape.LDDW && op != Op.LDDW || op == Op.CALL_RUNTIME) continue; // loader-defined: never sent
                Outcome o = d.loadAndRun(probe(op), new byte[16]);
                boolean refused = o instanceof Outcome.Rejected;
                if (refused != DpdkRuntime.UNSUPPORTED.contains(op)) wrong.put(op.name(), (refused ? "refused: " : "loaded: ") + o.describe());
            }
        }
        assertEquals(new TreeMap<>(), wrong);
    }
}
