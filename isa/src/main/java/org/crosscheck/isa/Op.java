package org.crosscheck.isa;

import static org.crosscheck.isa.CpuVersion.*;
import static org.crosscheck.isa.Group.*;
import static org.crosscheck.isa.Shape.*;

import java.util.ArrayList;
import java.util.List;

/**
 * The one declarative table of valid BPF encodings (RFC 9669 plus load-acquire/store-release).
 *
 * <p>Each row: opcode byte, mnemonic in the bpf_conformance dialect, {@link Shape} (which fields
 * are operands), conformance group, CPU version, and the fixed values of the non-operand fields
 * src, offset and imm (zero unless given). The decoder, encoder, assembler, disassemblers,
 * interpreter, JIT and generator all read this table; adding an instruction touches only it.
 */
public enum Op {
    // ---- ALU (32-bit: class 0x04) and ALU64 (class 0x07); signed div/mod are offset 1 (CPU v4)
    ADD32_IMM(0x04, "add32", ALU_IMM, BASE32, V1),
    ADD32_REG(0x0c, "add32", ALU_REG, BASE32, V1),
    SUB32_IMM(0x14, "sub32", ALU_IMM, BASE32, V1),
    SUB32_REG(0x1c, "sub32", ALU_REG, BASE32, V1),
    MUL32_IMM(0x24, "mul32", ALU_IMM, DIVMUL32, V1),
    MUL32_REG(0x2c, "mul32", ALU_REG, DIVMUL32, V1),
    DIV32_IMM(0x34, "div32", ALU_IMM, DIVMUL32, V1),
    DIV32_REG(0x3c, "div32", ALU_REG, DIVMUL32, V1),
    SDIV32_IMM(0x34, "sdiv32", ALU_IMM, DIVMUL32, V4, 0, 1, 0),
    SDIV32_REG(0x3c, "sdiv32", ALU_REG, DIVMUL32, V4, 0, 1, 0),
    OR32_IMM(0x44, "or32", ALU_IMM, BASE32, V1),
    OR32_REG(0x4c, "or32", ALU_REG, BASE32, V1),
    AND32_IMM(0x54, "and32", ALU_IMM, BASE32, V1),
    AND32_REG(0x5c, "and32", ALU_REG, BASE32, V1),
    LSH32_IMM(0x64, "lsh32", ALU_IMM, BASE32, V1),
    LSH32_REG(0x6c, "lsh32", ALU_REG, BASE32, V1),
    RSH32_IMM(0x74, "rsh32", ALU_IMM, BASE32, V1),
    RSH32_REG(0x7c, "rsh32", ALU_REG, BASE32, V1),
    MOD32_IMM(0x94, "mod32", ALU_IMM, DIVMUL32, V1),
    MOD32_REG(0x9c, "mod32", ALU_REG, DIVMUL32, V1),
    SMOD32_IMM(0x94, "smod32", ALU_IMM, DIVMUL32, V4, 0, 1, 0),
    SMOD32_REG(0x9c, "smod32", ALU_REG, DIVMUL32, V4, 0, 1, 0),
    XOR32_IMM(0xa4, "xor32", ALU_IMM, BASE32, V1),
    XOR32_REG(0xac, "xor32", ALU_REG, BASE32, V1),
    MOV32_IMM(0xb4, "mov32", ALU_IMM, BASE32, V1),
    MOV32_REG(0xbc, "mov32", ALU_REG, BASE32, V1),
    ARSH32_IMM(0xc4, "arsh32", ALU_IMM, BASE32, V1),
    ARSH32_REG(0xcc, "arsh32", ALU_REG, BASE32, V1),
    ADD64_IMM(0x07, "add", ALU_IMM, BASE64, V1),
    ADD64_REG(0x0f, "add", ALU_REG, BASE64, V1),
    SUB64_IMM(0x17, "sub", ALU_IMM, BASE64, V1),
    SUB64_REG(0x1f, "sub", ALU_REG, BASE64, V1),
    MUL64_IMM(0x27, "mul", ALU_IMM, DIVMUL64, V1),
    MUL64_REG(0x2f, "mul", ALU_REG, DIVMUL64, V1),
    DIV64_IMM(0x37, "div", ALU_IMM, DIVMUL64, V1),
    DIV64_REG(0x3f, "div", ALU_REG, DIVMUL64, V1),
    SDIV64_IMM(0x37, "sdiv", ALU_IMM, DIVMUL64, V4, 0, 1, 0),
    SDIV64_REG(0x3f, "sdiv", ALU_REG, DIVMUL64, V4, 0, 1, 0),
    OR64_IMM(0x47, "or", ALU_IMM, BASE64, V1),
    OR64_REG(0x4f, "or", ALU_REG, BASE64, V1),
    AND64_IMM(0x57, "and", ALU_IMM, BASE64, V1),
    AND64_REG(0x5f, "and", ALU_REG, BASE64, V1),
    LSH64_IMM(0x67, "lsh", ALU_IMM, BASE64, V1),
    LSH64_REG(0x6f, "lsh", ALU_REG, BASE64, V1),
    RSH64_IMM(0x77, "rsh", ALU_IMM, BASE64, V1),
    RSH64_REG(0x7f, "rsh", ALU_REG, BASE64, V1),
    MOD64_IMM(0x97, "mod", ALU_IMM, DIVMUL64, V1),
    MOD64_REG(0x9f, "mod", ALU_REG, DIVMUL64, V1),
    SMOD64_IMM(0x97, "smod", ALU_IMM, DIVMUL64, V4, 0, 1, 0),
    SMOD64_REG(0x9f, "smod", ALU_REG, DIVMUL64, V4, 0, 1, 0),
    XOR64_IMM(0xa7, "xor", ALU_IMM, BASE64, V1),
    XOR64_REG(0xaf, "xor", ALU_REG, BASE64, V1),
    MOV64_IMM(0xb7, "mov", ALU_IMM, BASE64, V1),
    MOV64_REG(0xbf, "mov", ALU_REG, BASE64, V1),
    ARSH64_IMM(0xc7, "arsh", ALU_IMM, BASE64, V1),
    ARSH64_REG(0xcf, "arsh", ALU_REG, BASE64, V1),
    NEG32(0x84, "neg32", NEG, BASE32, V1),
    NEG64(0x87, "neg", NEG, BASE64, V1),
    // ---- sign-extending moves (CPU v4): offset = source width
    MOVSX8_32(0xbc, "movsx832", ALU_REG, BASE32, V4, 0, 8, 0),
    MOVSX16_32(0xbc, "movsx1632", ALU_REG, BASE32, V4, 0, 16, 0),
    MOVSX8_64(0xbf, "movsx864", ALU_REG, BASE64, V4, 0, 8, 0),
    MOVSX16_64(0xbf, "movsx1664", ALU_REG, BASE64, V4, 0, 16, 0),
    MOVSX32_64(0xbf, "movsx3264", ALU_REG, BASE64, V4, 0, 32, 0),
    // ---- byte order: imm = width; 0xd4 to little, 0xdc to big endian, 0xd7 unconditional swap (v4)
    LE16(0xd4, "le16", ENDIAN, BASE32, V1, 0, 0, 0x10),
    LE32(0xd4, "le32", ENDIAN, BASE32, V1, 0, 0, 0x20),
    LE64(0xd4, "le64", ENDIAN, BASE64, V1, 0, 0, 0x40),
    BE16(0xdc, "be16", ENDIAN, BASE32, V1, 0, 0, 0x10),
    BE32(0xdc, "be32", ENDIAN, BASE32, V1, 0, 0, 0x20),
    BE64(0xdc, "be64", ENDIAN, BASE64, V1, 0, 0, 0x40),
    BSWAP16(0xd7, "bswap16", ENDIAN, BASE32, V4, 0, 0, 0x10),
    BSWAP32(0xd7, "bswap32", ENDIAN, BASE32, V4, 0, 0, 0x20),
    BSWAP64(0xd7, "bswap64", ENDIAN, BASE64, V4, 0, 0, 0x40),
    // ---- loads and stores: size W=0x00 H=0x08 B=0x10 DW=0x18; MEM=0x60 MEMSX=0x80 ATOMIC=0xc0
    LDXB(0x71, "ldxb", LDX, BASE32, V1),
    LDXH(0x69, "ldxh", LDX, BASE32, V1),
    LDXW(0x61, "ldxw", LDX, BASE32, V1),
    LDXDW(0x79, "ldxdw", LDX, BASE64, V1),
    LDXSB(0x91, "ldxsb", LDX, BASE64, V4),
    LDXSH(0x89, "ldxsh", LDX, BASE64, V4),
    LDXSW(0x81, "ldxsw", LDX, BASE64, V4),
    STB(0x72, "stb", ST, BASE32, V1),
    STH(0x6a, "sth", ST, BASE32, V1),
    STW(0x62, "stw", ST, BASE32, V1),
    STDW(0x7a, "stdw", ST, BASE64, V1),
    STXB(0x73, "stxb", STX, BASE32, V1),
    STXH(0x6b, "stxh", STX, BASE32, V1),
    STXW(0x63, "stxw", STX, BASE32, V1),
    STXDW(0x7b, "stxdw", STX, BASE64, V1),
    // ---- atomics: imm = operation, 0x01 = fetch; xchg 0xe1, cmpxchg 0xf1. CPU v3 but the non-fetching add:
    // RFC 9669 gives atomics groups (atomic32, atomic64), no CPU version; the versions are LLVM's -mcpu,
    // under which lock add (BPF_XADD, mode 0xc0 from eBPF's start) is emitted at every -mcpu, as GCC does
    // (crosscheck compilers: both emit it at v1), while or/and/xor and the fetching forms came with v3.
    ATOMIC32_ADD(0xc3, "lock add32", ATOMIC, ATOMIC32, V1),
    ATOMIC32_FETCH_ADD(0xc3, "lock fetch add32", ATOMIC, ATOMIC32, V3, 0, 0, 1),
    ATOMIC32_OR(0xc3, "lock or32", ATOMIC, ATOMIC32, V3, 0, 0, 0x40),
    ATOMIC32_FETCH_OR(0xc3, "lock fetch or32", ATOMIC, ATOMIC32, V3, 0, 0, 0x41),
    ATOMIC32_AND(0xc3, "lock and32", ATOMIC, ATOMIC32, V3, 0, 0, 0x50),
    ATOMIC32_FETCH_AND(0xc3, "lock fetch and32", ATOMIC, ATOMIC32, V3, 0, 0, 0x51),
    ATOMIC32_XOR(0xc3, "lock xor32", ATOMIC, ATOMIC32, V3, 0, 0, 0xa0),
    ATOMIC32_FETCH_XOR(0xc3, "lock fetch xor32", ATOMIC, ATOMIC32, V3, 0, 0, 0xa1),
    ATOMIC32_XCHG(0xc3, "lock xchg32", ATOMIC, ATOMIC32, V3, 0, 0, 0xe1),
    ATOMIC32_CMPXCHG(0xc3, "lock cmpxchg32", ATOMIC, ATOMIC32, V3, 0, 0, 0xf1),
    ATOMIC64_ADD(0xdb, "lock add", ATOMIC, ATOMIC64, V1),
    ATOMIC64_FETCH_ADD(0xdb, "lock fetch add", ATOMIC, ATOMIC64, V3, 0, 0, 1),
    ATOMIC64_OR(0xdb, "lock or", ATOMIC, ATOMIC64, V3, 0, 0, 0x40),
    ATOMIC64_FETCH_OR(0xdb, "lock fetch or", ATOMIC, ATOMIC64, V3, 0, 0, 0x41),
    ATOMIC64_AND(0xdb, "lock and", ATOMIC, ATOMIC64, V3, 0, 0, 0x50),
    ATOMIC64_FETCH_AND(0xdb, "lock fetch and", ATOMIC, ATOMIC64, V3, 0, 0, 0x51),
    ATOMIC64_XOR(0xdb, "lock xor", ATOMIC, ATOMIC64, V3, 0, 0, 0xa0),
    ATOMIC64_FETCH_XOR(0xdb, "lock fetch xor", ATOMIC, ATOMIC64, V3, 0, 0, 0xa1),
    ATOMIC64_XCHG(0xdb, "lock xchg", ATOMIC, ATOMIC64, V3, 0, 0, 0xe1),
    ATOMIC64_CMPXCHG(0xdb, "lock cmpxchg", ATOMIC, ATOMIC64, V3, 0, 0, 0xf1),
    // ---- load-acquire (imm 0x100) / store-release (imm 0x110), Linux 6.15+, all sizes: group acqrel
    LOAD_ACQ_B(0xd3, "ldacqb", LOAD_ACQ, ACQREL, V4, 0, 0, 0x100),
    LOAD_ACQ_H(0xcb, "ldacqh", LOAD_ACQ, ACQREL, V4, 0, 0, 0x100),
    LOAD_ACQ_W(0xc3, "ldacqw", LOAD_ACQ, ACQREL, V4, 0, 0, 0x100),
    LOAD_ACQ_DW(0xdb, "ldacqdw", LOAD_ACQ, ACQREL, V4, 0, 0, 0x100),
    STORE_REL_B(0xd3, "strelb", STORE_REL, ACQREL, V4, 0, 0, 0x110),
    STORE_REL_H(0xcb, "strelh", STORE_REL, ACQREL, V4, 0, 0, 0x110),
    STORE_REL_W(0xc3, "strelw", STORE_REL, ACQREL, V4, 0, 0, 0x110),
    STORE_REL_DW(0xdb, "streldw", STORE_REL, ACQREL, V4, 0, 0, 0x110),
    // ---- conditional jumps: JMP (class 0x05, base64) and JMP32 (class 0x06, base32, CPU v3)
    JEQ_IMM(0x15, "jeq", JMP_IMM, BASE64, V1),
    JEQ_REG(0x1d, "jeq", JMP_REG, BASE64, V1),
    JGT_IMM(0x25, "jgt", JMP_IMM, BASE64, V1),
    JGT_REG(0x2d, "jgt", JMP_REG, BASE64, V1),
    JGE_IMM(0x35, "jge", JMP_IMM, BASE64, V1),
    JGE_REG(0x3d, "jge", JMP_REG, BASE64, V1),
    JSET_IMM(0x45, "jset", JMP_IMM, BASE64, V1),
    JSET_REG(0x4d, "jset", JMP_REG, BASE64, V1),
    JNE_IMM(0x55, "jne", JMP_IMM, BASE64, V1),
    JNE_REG(0x5d, "jne", JMP_REG, BASE64, V1),
    JSGT_IMM(0x65, "jsgt", JMP_IMM, BASE64, V1),
    JSGT_REG(0x6d, "jsgt", JMP_REG, BASE64, V1),
    JSGE_IMM(0x75, "jsge", JMP_IMM, BASE64, V1),
    JSGE_REG(0x7d, "jsge", JMP_REG, BASE64, V1),
    JLT_IMM(0xa5, "jlt", JMP_IMM, BASE64, V2),
    JLT_REG(0xad, "jlt", JMP_REG, BASE64, V2),
    JLE_IMM(0xb5, "jle", JMP_IMM, BASE64, V2),
    JLE_REG(0xbd, "jle", JMP_REG, BASE64, V2),
    JSLT_IMM(0xc5, "jslt", JMP_IMM, BASE64, V2),
    JSLT_REG(0xcd, "jslt", JMP_REG, BASE64, V2),
    JSLE_IMM(0xd5, "jsle", JMP_IMM, BASE64, V2),
    JSLE_REG(0xdd, "jsle", JMP_REG, BASE64, V2),
    JEQ32_IMM(0x16, "jeq32", JMP_IMM, BASE32, V3),
    JEQ32_REG(0x1e, "jeq32", JMP_REG, BASE32, V3),
    JGT32_IMM(0x26, "jgt32", JMP_IMM, BASE32, V3),
    JGT32_REG(0x2e, "jgt32", JMP_REG, BASE32, V3),
    JGE32_IMM(0x36, "jge32", JMP_IMM, BASE32, V3),
    JGE32_REG(0x3e, "jge32", JMP_REG, BASE32, V3),
    JSET32_IMM(0x46, "jset32", JMP_IMM, BASE32, V3),
    JSET32_REG(0x4e, "jset32", JMP_REG, BASE32, V3),
    JNE32_IMM(0x56, "jne32", JMP_IMM, BASE32, V3),
    JNE32_REG(0x5e, "jne32", JMP_REG, BASE32, V3),
    JSGT32_IMM(0x66, "jsgt32", JMP_IMM, BASE32, V3),
    JSGT32_REG(0x6e, "jsgt32", JMP_REG, BASE32, V3),
    JSGE32_IMM(0x76, "jsge32", JMP_IMM, BASE32, V3),
    JSGE32_REG(0x7e, "jsge32", JMP_REG, BASE32, V3),
    JLT32_IMM(0xa6, "jlt32", JMP_IMM, BASE32, V3),
    JLT32_REG(0xae, "jlt32", JMP_REG, BASE32, V3),
    JLE32_IMM(0xb6, "jle32", JMP_IMM, BASE32, V3),
    JLE32_REG(0xbe, "jle32", JMP_REG, BASE32, V3),
    JSLT32_IMM(0xc6, "jslt32", JMP_IMM, BASE32, V3),
    JSLT32_REG(0xce, "jslt32", JMP_REG, BASE32, V3),
    JSLE32_IMM(0xd6, "jsle32", JMP_IMM, BASE32, V3),
    JSLE32_REG(0xde, "jsle32", JMP_REG, BASE32, V3),
    // ---- unconditional control flow
    JA(0x05, "ja", Shape.JA, Group.BASE32, V1),
    JA32(0x06, "ja32", Shape.JA32, Group.BASE32, V4),
    CALL(0x85, "call", Shape.CALL_HELPER, BASE32, V1),
    // a BPF-local call: RFC 9669 puts it in base32 ("all instructions defined in this specification unless
    // otherwise noted"), with no CPU version; LLVM and GCC emit it at every -mcpu (crosscheck compilers)
    CALL_LOCAL(0x85, "call local", Shape.CALL_LOCAL, BASE32, V1, 1, 0, 0),
    CALL_RUNTIME(0x85, "call runtime", Shape.CALL_RUNTIME, BASE32, V3, 2, 0, 0),
    CALLX(0x8d, "callx", Shape.CALLX, Group.CALLX, V1),
    EXIT(0x95, "exit", Shape.EXIT, Group.BASE32, V1),
    // ---- 64-bit immediate loads: src 0 = the value; 1..6 = pseudo forms resolved by a loader
    LDDW(0x18, "lddw", Shape.LDDW, Group.BASE64, V1),
    LDDW_MAP_FD(0x18, "lddw", Shape.LDDW, Group.BASE64, V1, 1, 0, 0),
    LDDW_MAP_VALUE(0x18, "lddw", Shape.LDDW, Group.BASE64, V1, 2, 0, 0),
    LDDW_VAR_ADDR(0x18, "lddw", Shape.LDDW, Group.BASE64, V1, 3, 0, 0),
    LDDW_CODE_ADDR(0x18, "lddw", Shape.LDDW, Group.BASE64, V1, 4, 0, 0),
    LDDW_MAP_IDX(0x18, "lddw", Shape.LDDW, Group.BASE64, V1, 5, 0, 0),
    LDDW_MAP_IDX_VALUE(0x18, "lddw", Shape.LDDW, Group.BASE64, V1, 6, 0, 0),
    // ---- legacy packet access (historical): r0 = ntoh(*(packet + imm [+ src]))
    LD_ABS_B(0x30, "ldabsb", LD_ABS, PACKET, V1),
    LD_ABS_H(0x28, "ldabsh", LD_ABS, PACKET, V1),
    LD_ABS_W(0x20, "ldabsw", LD_ABS, PACKET, V1),
    LD_IND_B(0x50, "ldindb", LD_IND, PACKET, V1),
    LD_IND_H(0x48, "ldindh", LD_IND, PACKET, V1),
    LD_IND_W(0x40, "ldindw", LD_IND, PACKET, V1);

    public final int code;
    public final String mnemonic;
    public final Shape shape;
    public final Group group;
    public final CpuVersion cpu;
    /** Fixed src value (meaningful when the shape has no src register). */
    public final int src;
    /** Fixed offset value (meaningful when the shape's offset is FIXED). */
    public final int off;
    /** Fixed imm value (meaningful when the shape's imm is FIXED). */
    public final int imm;

    Op(int code, String mnemonic, Shape shape, Group group, CpuVersion cpu) {
        this(code, mnemonic, shape, group, cpu, 0, 0, 0);
    }

    Op(int code, String mnemonic, Shape shape, Group group, CpuVersion cpu, int src, int off, int imm) {
        this.code = code;
        this.mnemonic = mnemonic;
        this.shape = shape;
        this.group = group;
        this.cpu = cpu;
        this.src = src;
        this.off = off;
        this.imm = imm;
    }

    /** Instruction class: the low three bits of the opcode. */
    public int insnClass() {
        return code & 0x07;
    }

    /** True for operations on the 32-bit subregisters (ALU class, JMP32 class, 32-bit atomics). */
    public boolean is32() {
        int cls = insnClass();
        return cls == 0x04 || cls == 0x06 || (shape == ATOMIC && (code & 0x18) == 0x00);
    }

    /** Access width in bytes of a memory instruction (ldx/st/stx/atomic/acq/rel/packet), else 0. */
    public int size() {
        int cls = insnClass();
        if (cls > 0x03) return 0;
        if (shape == Shape.LDDW) return 0;
        return switch (code & 0x18) {
            case 0x00 -> 4;
            case 0x08 -> 2;
            case 0x10 -> 1;
            default -> 8;
        };
    }

    /** Number of 8-byte slots the instruction takes (2 for lddw). */
    public int slots() {
        return shape == Shape.LDDW ? 2 : 1;
    }

    private static final List<List<Op>> BY_CODE = new ArrayList<>(256);

    static {
        for (int i = 0; i < 256; i++) BY_CODE.add(new ArrayList<>(2));
        for (Op op : values()) BY_CODE.get(op.code).add(op);
        for (int i = 0; i < 256; i++) BY_CODE.set(i, List.copyOf(BY_CODE.get(i)));
    }

    /** All ops sharing one opcode byte (told apart by src, offset or imm); empty if unknown. */
    public static List<Op> byCode(int code) {
        return BY_CODE.get(code & 0xff);
    }
}
