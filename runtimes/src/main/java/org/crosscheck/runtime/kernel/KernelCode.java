package org.crosscheck.runtime.kernel;

import java.util.ArrayList;
import java.util.List;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Shape;
import org.crosscheck.runtime.Layout;

/**
 * The instructions we hand the kernel, in one of two forms; in both the user's program keeps its
 * length, so that user pc {@code k} is kernel pc {@code k + userStart()} exactly.
 *
 * <p>{@link #faithful}: the context prologue, then the program exactly as given (its exits, helper
 * calls and uninitialised registers are the kernel's to judge). bpf_conformance's XDP prolog sets the
 * same two registers:
 * <pre>
 *   [mov r6, r1]                     packet programs only: ld_abs/ld_ind need r6 = the skb
 *   lddw r1, map_value(memory map)   r1 = the input memory (mov r1, 0 when there is none)
 *   mov r2, LEN
 *   the program
 * </pre>
 *
 * <p>{@link #of} (the {@code kernel-instrumented} runtime), for the full 64-bit r0 and the
 * conformance suites' unwind helper:
 * <pre>
 *   [mov r6, r1]                     packet programs only: ld_abs/ld_ind need r6 = the skb
 *   [lddw r1, map_value(r0 map)]     context, and an ld_abs out of range ends the program with
 *   [stdw [r1+0], 0]                 0 without reaching our epilogue: zero the r0 slot first
 *   lddw r1, map_value(memory map)   r1 = the input memory (mov r1, 0 when there is none)
 *   mov r2, LEN
 *   mov rN, 0                        for each of r0, r3..r9 the program names: the reference
 *                                    interpreter starts them at 0
 *   ja USER
 * EPILOGUE:
 *   lddw r1, map_value(r0 map)       the full 64-bit r0 (test_run reports only 32 bits)
 *   stxdw [r1+0], r0
 *   exit
 * UNWIND STUB k (one per 'call 5' in the main function):
 *   mov r0, r1                       bpf_conformance's unwind: r0 = r1, stop when it is 0
 *   jeq r0, 0, EPILOGUE
 *   ja (after the call)
 * USER:
 *   the program; each exit of its main function is 'ja EPILOGUE', each 'call 5' of it 'ja STUB'
 * </pre>
 *
 * Everything we add lies before the user's code, inside the main function, so no user jump
 * changes and the user may still nest local calls as deep as the kernel allows.
 *
 * <p>In both forms a program's global data ({@link org.crosscheck.isa.GlobalData}) is the value of
 * a map of its own: each {@code lddw map_idx_value 0, OFF} becomes {@code lddw map_value(globals
 * map), OFF} (BPF_PSEUDO_MAP_VALUE with the map's fd, the offset in the second imm), as libbpf turns a
 * relocated lddw of {@code .data} into one of the map it made for the section.
 */
final class KernelCode {
    /** Registers the reference interpreter starts at 0 (r1, r2 and r10 are set otherwise). */
    private static final int[] ZEROED = {0, 3, 4, 5, 6, 7, 8, 9};

    private final List<Insn> prologue = new ArrayList<>();
    private final boolean instrumented;
    private final int userStart;
    private final byte[] code;

    /** Thrown for programs the kernel cannot express under our conventions. */
    static final class Inexpressible extends Exception {
        Inexpressible(String what) {
            super(what, null, false, false);
        }
    }

    private KernelCode(Program p, int r0Map, int memMap, int memLen, int globalsMap) throws Inexpressible {
        this.instrumented = true;
        int mainEnd = mainFunctionEnd(p);
        List<Integer> unwindSites = new ArrayList<>();
        for (int pc = 0; pc < p.slotCount(); pc++) {
            Insn i = p.at(pc);
            if (i == null) continue;
            if (i.op() == Op.CALL) {
                if (i.imm() != Layout.HELPER_UNWIND) {
                    throw new Inexpressible("helper " + i.imm() + " (only unwind, helper 5, is defined; kernel helper ids mean other functions)");
                }
                if (pc >= mainEnd) throw new Inexpressible("unwind (helper 5) inside a local function at pc " + pc + ": a kernel callee cannot end the whole program");
                unwindSites.add(pc);
            }
            requireNoPseudoLddw(i, globalsMap);
        }
        boolean packet = p.groups().contains(org.crosscheck.isa.Group.PACKET);
        if (packet) {
            prologue.add(Insn.reg(Op.MOV64_REG, 6, 1));
            prologue.add(mapValue(1, r0Map));
            prologue.add(Insn.of(Op.STDW, 1, 0, 0, 0));
        }
        prologue.add(memMap < 0 ? Insn.imm(Op.MOV64_IMM, 1, 0) : mapValue(1, memMap));
        prologue.add(Insn.imm(Op.MOV64_IMM, 2, memLen));
        boolean[] used = registersNamed(p);
        for (int r : ZEROED) if (used[r] && !(packet && r == 6)) prologue.add(Insn.imm(Op.MOV64_IMM, r, 0));
        int jaToUser = prologue.size();
        int jaAt = slots(prologue);
        prologue.add(null); // patched below, once the prologue's length is known
        int epilogue = jaAt + 1;
        prologue.add(mapValue(1, r0Map));
        prologue.add(Insn.of(Op.STXDW, 1, 0, 0, 0));
        prologue.add(Insn.of(Op.EXIT));
        int start = epilogue + 2 + 1 + 1 + 3 * unwindSites.size();
        this.userStart = start;
        int stubAt = epilogue + 4;
        for (int site : unwindSites) {
            prologue.add(Insn.reg(Op.MOV64_REG, 0, 1));
            prologue.add(jump(Op.JEQ_IMM, stubAt + 1, epilogue));
            prologue.add(jump(Op.JA, stubAt + 2, start + site + 1));
            stubAt += 3;
        }
        prologue.set(jaToUser, jump(Op.JA, jaAt, start));
        if (slots(prologue) != start) throw new IllegalStateException("prologue is " + slots(prologue) + " slots, expected " + start);

        code = new byte[(start + p.slotCount()) * 8];
        int pos = 0;
        for (Insn i : prologue) {
            i.encodeTo(code, pos);
            pos += 8 * i.slots();
        }
        int stub = epilogue + 4;
        for (int pc = 0; pc < p.slotCount(); pc++) {
            Insn i = p.at(pc);
            if (i == null) continue;
            int at = start + pc;
            if (pc < mainEnd && i.op() == Op.EXIT) {
                i = jump(Op.JA, at, epilogue);
            } else if (i.op() == Op.CALL) {
                i = jump(Op.JA, at, stub);
                stub += 3;
            }
            globals(i, globalsMap).encodeTo(code, at * 8);
        }
    }

    private KernelCode(List<Insn> prologue, Program p, int globalsMap) {
        this.instrumented = false;
        this.prologue.addAll(prologue);
        this.userStart = slots(prologue);
        this.code = new byte[(userStart + p.slotCount()) * 8];
        int pos = 0;
        for (Insn i : prologue) {
            i.encodeTo(code, pos);
            pos += 8 * i.slots();
        }
        for (Insn i : p.insns()) {
            globals(i, globalsMap).encodeTo(code, pos);
            pos += 8 * i.slots();
        }
    }

    /** The context prologue and {@code p} unchanged; {@code memMap} is -1 when there is no memory. */
    static KernelCode faithful(Program p, int memMap, int memLen) throws Inexpressible {
        return faithful(p, memMap, memLen, -1);
    }

    /** As {@link #faithful(Program, int, int)}; {@code globalsMap} holds the program's global data (-1: it has none). */
    static KernelCode faithful(Program p, int memMap, int memLen, int globalsMap) throws Inexpressible {
        for (Insn i : p.insns()) requireNoPseudoLddw(i, globalsMap);
        List<Insn> prologue = new ArrayList<>();
        if (p.groups().contains(org.crosscheck.isa.Group.PACKET)) prologue.add(Insn.reg(Op.MOV64_REG, 6, 1));
        prologue.add(memMap < 0 ? Insn.imm(Op.MOV64_IMM, 1, 0) : mapValue(1, memMap));
        prologue.add(Insn.imm(Op.MOV64_IMM, 2, memLen));
        return new KernelCode(prologue, p, globalsMap);
    }

    /** The instrumented form for {@code p}; {@code memMap} is -1 when there is no memory. */
    static KernelCode of(Program p, int r0Map, int memMap, int memLen) throws Inexpressible {
        return of(p, r0Map, memMap, memLen, -1);
    }

    /** As {@link #of(Program, int, int, int)}; {@code globalsMap} holds the program's global data (-1: it has none). */
    static KernelCode of(Program p, int r0Map, int memMap, int memLen, int globalsMap) throws Inexpressible {
        return new KernelCode(p, r0Map, memMap, memLen, globalsMap);
    }

    /** The encoded instructions. */
    byte[] code() {
        return code;
    }

    /** What the instructions before the user's are, for the header of a verifier log. */
    String wrapper() {
        return instrumented ? "prologue, epilogue that stores r0, unwind stubs; each exit of the main function is a goto to the epilogue"
                : "the context prologue, r1 = the input memory, r2 = its length; the program follows unchanged";
    }

    /** Kernel pc of the user's pc 0. */
    int userStart() {
        return userStart;
    }

    /**
     * The main function ends where the first local function starts (the lowest target of a
     * 'call local'); the kernel forbids jumps between functions.
     */
    static int mainFunctionEnd(Program p) {
        int end = p.slotCount();
        for (int pc = 0; pc < p.slotCount(); pc++) {
            Insn i = p.at(pc);
            if (i != null && i.op() == Op.CALL_LOCAL) end = Math.min(end, pc + 1 + i.jumpOffset());
        }
        return end;
    }

    /** Which registers the program names at all (as destination or source). */
    private static boolean[] registersNamed(Program p) {
        boolean[] used = new boolean[Program.MAX_REGISTER + 1];
        for (Insn i : p.insns()) {
            if (i.op().shape.dstReg) used[i.dst()] = true;
            if (i.op().shape.srcReg) used[i.src()] = true;
        }
        used[0] = true; // exit reads r0 even when no instruction names it
        return used;
    }

    private static void requireNoPseudoLddw(Insn i, int globalsMap) throws Inexpressible {
        if (i.op() == Op.LDDW_MAP_IDX_VALUE && globalsMap >= 0) return;
        if (i.op() == Op.LDDW_MAP_IDX_VALUE) throw new Inexpressible("lddw map_idx_value without a global-data region (the program has no .data/.rodata/.bss)");
        if (i.op().shape == Shape.LDDW && i.op() != Op.LDDW) {
            throw new Inexpressible("lddw with src " + i.src() + " (pseudo forms need a loader's maps or BTF; only map_idx_value 0, a program's global data, is ours)");
        }
    }

    /** {@code lddw map_idx_value 0, OFF} as the kernel takes it: {@code lddw map_value(globalsMap), OFF}; any other instruction as it is. */
    private static Insn globals(Insn i, int globalsMap) {
        if (i.op() != Op.LDDW_MAP_IDX_VALUE) return i;
        return Insn.of(Op.LDDW_MAP_VALUE, i.dst(), 0, 0, (globalsMap & 0xffff_ffffL) | Program.mapOffset(i) << 32);
    }

    private static Insn mapValue(int dst, int mapFd) {
        // BPF_PSEUDO_MAP_VALUE: first imm = map fd, second imm = offset into the value (0).
        return Insn.of(Op.LDDW_MAP_VALUE, dst, 0, 0, mapFd & 0xffff_ffffL);
    }

    /** A jump at kernel pc {@code at} to {@code target}; JA32 when the distance needs it. */
    private static Insn jump(Op op, int at, int target) {
        int rel = target - (at + 1);
        if (op == Op.JA && (rel < Short.MIN_VALUE || rel > Short.MAX_VALUE)) return Insn.of(Op.JA32, 0, 0, 0, rel);
        if (rel < Short.MIN_VALUE || rel > Short.MAX_VALUE) throw new IllegalStateException("jump too far: " + rel);
        return Insn.of(op, 0, 0, rel, 0);
    }

    private static int slots(List<Insn> insns) {
        int n = 0;
        for (Insn i : insns) n += i.slots();
        return n;
    }
}
