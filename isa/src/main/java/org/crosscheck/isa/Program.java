package org.crosscheck.isa;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A validated BPF program: instructions whose every field obeys the {@link Op} table, whose jumps
 * land on instruction boundaries inside the program. Runtimes may trust it. Positions ("pc") are
 * slots of 8 bytes, as in BPF, so an lddw takes two.
 */
public final class Program {
    public static final int MAX_REGISTER = 10;

    private final List<Insn> insns;
    private final Insn[] atSlot;
    private final int[] indexAt;
    private final int[] pcOf;
    private final Set<Group> groups;
    private final CpuVersion cpu;
    private final GlobalData globalData;

    private Program(List<Insn> insns) {
        this(insns, GlobalData.NONE);
    }

    private Program(List<Insn> insns, GlobalData globalData) {
        this.insns = insns;
        this.globalData = globalData;
        int slots = 0;
        for (Insn i : insns) slots += i.slots();
        this.atSlot = new Insn[slots];
        this.indexAt = new int[slots];
        Arrays.fill(indexAt, -1);
        this.pcOf = new int[insns.size()];
        int pc = 0;
        EnumSet<Group> gs = EnumSet.noneOf(Group.class);
        CpuVersion max = CpuVersion.V1;
        for (int k = 0; k < insns.size(); k++) {
            Insn i = insns.get(k);
            atSlot[pc] = i;
            indexAt[pc] = k;
            pcOf[k] = pc;
            pc += i.slots();
            gs.add(i.op().group);
            if (i.op().cpu.compareTo(max) > 0) max = i.op().cpu;
        }
        this.groups = Collections.unmodifiableSet(gs);
        this.cpu = max;
    }

    /** Validates instructions built in code (assembler, generator, minimizer). */
    public static Program of(List<Insn> insns) throws DecodeException {
        Program p = new Program(List.copyOf(insns));
        for (int pc = 0; pc < p.atSlot.length; pc++) {
            Insn i = p.atSlot[pc];
            if (i == null) continue;
            String problem = fieldProblem(i.op(), i.dst(), i.src(), i.off(), i.imm());
            if (problem != null) throw new DecodeException(pc, i.op().mnemonic + ": " + problem);
            if (i.op().shape.isJump()) {
                long target = (long) pc + 1 + i.jumpOffset();
                if (target < 0 || target >= p.atSlot.length) {
                    throw new DecodeException(pc, i.op().mnemonic + ": jump out of range (target " + target
                            + ", program has " + p.atSlot.length + " slots)");
                }
                if (p.atSlot[(int) target] == null) {
                    throw new DecodeException(pc, i.op().mnemonic + ": jump into the second slot of lddw at " + (target - 1));
                }
            }
        }
        return p;
    }

    /** Validates instructions that address a global-data region ({@link #withGlobalData}). */
    public static Program of(List<Insn> insns, GlobalData globalData) throws DecodeException {
        return of(insns).withGlobalData(globalData);
    }

    /**
     * This program with {@code data} as its global-data region: every {@code lddw map_idx_value} must
     * name map 0 and an offset inside the region (its end included, as C's one-past-the-end pointer).
     */
    public Program withGlobalData(GlobalData data) throws DecodeException {
        if (data.equals(globalData)) return this;
        for (int pc = 0; pc < atSlot.length; pc++) {
            Insn i = atSlot[pc];
            if (i == null || i.op() != Op.LDDW_MAP_IDX_VALUE || data.isEmpty()) continue;
            if (mapIndex(i) != 0) throw new DecodeException(pc, "lddw map_idx_value: map index " + mapIndex(i) + ", the global-data region is map 0");
            if (mapOffset(i) > data.size()) {
                throw new DecodeException(pc, "lddw map_idx_value: offset " + mapOffset(i) + " outside the global-data region (" + data.size() + " bytes)");
            }
        }
        return new Program(insns, data);
    }

    /** The global-data region ({@link GlobalData#NONE} for a program that has none). */
    public GlobalData globalData() {
        return globalData;
    }

    /** Map index of an lddw with a map (its first imm). */
    public static int mapIndex(Insn lddw) {
        return (int) lddw.imm();
    }

    /** Offset into the map value of an {@code lddw map_value}/{@code map_idx_value} (its second imm, unsigned). */
    public static long mapOffset(Insn lddw) {
        return lddw.imm() >>> 32;
    }

    public static Program of(Insn... insns) throws DecodeException {
        return of(Arrays.asList(insns));
    }

    /** Decodes and validates raw bytes (8 per slot, little-endian). */
    public static Program decode(byte[] code) throws DecodeException {
        return Decoder.decode(code);
    }

    /**
     * Why the fields do not fit {@code op}, or null when they do. The single check of the table's
     * constraints: reserved fields, register numbers, writes to the read-only r10.
     */
    static String fieldProblem(Op op, int dst, int src, int off, long imm) {
        Shape s = op.shape;
        if (s.dstReg) {
            if (dst < 0 || dst > MAX_REGISTER) return "invalid destination register r" + dst;
            if (s.dstWritten && dst == MAX_REGISTER) return "r10 is read-only and cannot be a destination";
        } else if (dst != 0) {
            return "reserved field dst must be 0, is " + dst;
        }
        if (s.srcReg) {
            if (src < 0 || src > MAX_REGISTER) return "invalid source register r" + src;
        } else if (src != op.src) {
            return "field src must be " + op.src + ", is " + src;
        }
        if (s.off == Shape.Off.FIXED && off != op.off) {
            return (op.off == 0 ? "reserved field offset must be 0" : "offset must be " + op.off) + ", is " + off;
        }
        if (s.imm == Shape.Imm.FIXED && imm != op.imm) {
            return (op.imm == 0 ? "reserved field imm must be 0" : "imm must be " + hex(op.imm)) + ", is " + hex(imm);
        }
        return null;
    }

    private static String hex(long v) {
        return v < 0 ? "-0x" + Long.toHexString(-v) : "0x" + Long.toHexString(v);
    }

    public List<Insn> insns() {
        return insns;
    }

    /** Number of 8-byte slots. */
    public int slotCount() {
        return atSlot.length;
    }

    /** The instruction starting at slot {@code pc}, or null for the second slot of an lddw. */
    public Insn at(int pc) {
        return atSlot[pc];
    }

    /** Index into {@link #insns()} of the instruction at slot pc, or -1. */
    public int indexAt(int pc) {
        return indexAt[pc];
    }

    /** Slot of the instruction with the given index. */
    public int pcOf(int index) {
        return pcOf[index];
    }

    /** Where control may go after the instruction at slot {@code pc} within its function (a call returns to the next one). */
    public int[] successors(int pc) {
        Insn i = atSlot[pc];
        int fall = pc + i.slots();
        return switch (i.op().shape) {
            case EXIT -> new int[0];
            case JA, JA32 -> new int[] {pc + 1 + i.jumpOffset()};
            case JMP_IMM, JMP_REG -> new int[] {fall, pc + 1 + i.jumpOffset()};
            default -> new int[] {fall};
        };
    }

    /** Whether some path from an instruction comes back to it (DPDK's validator refuses such a program; a backward jump alone is no loop). */
    public boolean hasLoop() {
        byte[] state = new byte[atSlot.length]; // 0 unseen, 1 on the current path, 2 done
        for (int root = 0; root < atSlot.length; root++) {
            if (atSlot[root] == null || state[root] != 0) continue;
            java.util.ArrayDeque<int[]> stack = new java.util.ArrayDeque<>(); // {pc, next successor}
            stack.push(new int[] {root, 0});
            state[root] = 1;
            while (!stack.isEmpty()) {
                int[] top = stack.peek();
                int[] succ = successors(top[0]);
                if (top[1] == succ.length) {
                    state[top[0]] = 2;
                    stack.pop();
                    continue;
                }
                int s = succ[top[1]++];
                if (s < 0 || s >= atSlot.length || atSlot[s] == null) continue;
                if (state[s] == 1) return true;
                if (state[s] == 0) {
                    state[s] = 1;
                    stack.push(new int[] {s, 0});
                }
            }
        }
        return false;
    }

    /** The conformance groups the program uses, computed from its instructions. */
    public Set<Group> groups() {
        return groups;
    }

    /** The lowest CPU version that has every instruction of the program. */
    public CpuVersion cpu() {
        return cpu;
    }

    public byte[] encode() {
        byte[] out = new byte[atSlot.length * 8];
        int pos = 0;
        for (Insn i : insns) {
            i.encodeTo(out, pos);
            pos += 8 * i.slots();
        }
        return out;
    }

    /** Instructions as in the bpf_conformance dialect, one per line, jumps as relative offsets. */
    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        for (Insn i : insns) lines.add(i.toString());
        return String.join("\n", lines);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Program p && p.insns.equals(insns) && p.globalData.equals(globalData);
    }

    @Override
    public int hashCode() {
        return globalData == GlobalData.NONE ? insns.hashCode() : insns.hashCode() * 31 + globalData.hashCode();
    }
}
