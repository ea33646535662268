package org.crosscheck.runtime.jit;

import java.util.ArrayList;
import java.util.List;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;
import org.crosscheck.isa.Shape;

/**
 * A program cut into basic blocks (the unit the JIT charges the budget for) and the blocks
 * grouped into chunks (the unit compiled to one JVM method).
 */
final class Blocks {
    /** Longest straight run charged at once; also lets a huge branch-free program be split. */
    static final int MAX_BLOCK_INSNS = 64;
    /**
     * Estimated bytecode size of one chunk. HotSpot never compiles methods above 8000 bytes
     * (HugeMethodLimit), so a larger chunk would run interpreted: stay well below, with margin
     * for the estimate.
     */
    static final int CHUNK_BYTES = 6000;

    record Block(int start, int end, int cost) {}

    final Program program;
    final List<Block> blocks = new ArrayList<>();
    /** Chunks as ranges of block indexes [chunkStart[k], chunkStart[k+1]). */
    final List<Integer> chunkStart = new ArrayList<>();
    /** Estimated bytecode bytes of each chunk. */
    final List<Integer> chunkBytes = new ArrayList<>();

    Blocks(Program p) {
        this.program = p;
        int n = p.slotCount();
        if (n == 0) return; // nothing to compile: the run falls off the end at pc 0
        boolean[] leader = new boolean[n + 1];
        leader[0] = true;
        for (int pc = 0; pc < n; pc++) {
            Insn i = p.at(pc);
            if (i == null) continue;
            int next = pc + i.slots();
            if (i.op().shape.isJump()) {
                leader[pc + 1 + i.jumpOffset()] = true;
                leader[next] = true;
            } else if (i.op() == Op.EXIT || i.op() == Op.CALL_RUNTIME) {
                leader[next] = true;
            }
        }
        int start = 0, cost = 0, size = 0;
        for (int pc = 0; pc < n; pc++) {
            Insn i = p.at(pc);
            if (i == null) continue;
            if (pc > start && (leader[pc] || cost == MAX_BLOCK_INSNS)) {
                size = addBlock(start, pc, cost, size);
                start = pc;
                cost = 0;
            }
            cost++;
        }
        addBlock(start, n, cost, size);
    }

    private int addBlock(int start, int end, int cost, int chunkSize) {
        int est = 40; // budget check, its stub and the entry/exit bookkeeping
        for (int pc = start; pc < end; pc++) if (program.at(pc) != null) est += estimate(program.at(pc).op());
        if (blocks.isEmpty() || chunkSize + est > CHUNK_BYTES) {
            chunkStart.add(blocks.size());
            chunkBytes.add(0);
            chunkSize = 0;
        }
        blocks.add(new Block(start, end, cost));
        chunkBytes.set(chunkBytes.size() - 1, chunkSize + est);
        return chunkSize + est;
    }

    /** Upper estimate of the bytecode bytes the emitter writes for one instruction. */
    static int estimate(Op op) {
        return switch (op.shape) {
            case ALU_IMM, ALU_REG, NEG, ENDIAN, LDDW -> 14;
            case JMP_IMM, JMP_REG, JA, JA32 -> 24;
            case LDX, ST, STX, LOAD_ACQ, STORE_REL, LD_ABS, LD_IND -> 44;
            case ATOMIC -> 48;
            case CALL_HELPER, CALLX, CALL_RUNTIME -> 40;
            case CALL_LOCAL, EXIT -> 120;
        };
    }

    /** Whether control can go on to the next instruction after {@code op} (a block ending in it falls through). */
    static boolean fallsThrough(Op op) {
        return !(op == Op.JA || op == Op.JA32 || op == Op.EXIT || op == Op.CALL_RUNTIME || op == Op.CALL_LOCAL);
    }

    int chunkCount() {
        return chunkStart.size();
    }

    int firstBlock(int chunk) {
        return chunkStart.get(chunk);
    }

    int endBlock(int chunk) {
        return chunk + 1 < chunkStart.size() ? chunkStart.get(chunk + 1) : blocks.size();
    }
}
