package org.crosscheck.memmodel;

import java.util.List;

/**
 * A BPF litmus test in herd's dialect (FORMATS.md, "Litmus tests"), as parsed. Registers are
 * numbers 0..10; locations are names; lines are 1-based lines of the source file.
 *
 * @param name      the test's name from its header line {@code BPF <name>} (a trailing {@code .litmus} dropped)
 * @param source    where it was read from (file name), for messages
 * @param regInits  {@code 0:r1=x;} entries of the init block
 * @param locInits  {@code int z=3;} / {@code x=1;} entries of the init block
 * @param threads   thread i is {@code Pi}
 * @param locations the optional {@code locations [...]} list (extra things to show in states)
 * @param condition the final condition
 */
public record Litmus(String name, String source, List<RegInit> regInits, List<LocInit> locInits,
                     List<Thread> threads, List<Ref> locations, Final condition) {

    public Litmus {
        regInits = List.copyOf(regInits);
        locInits = List.copyOf(locInits);
        threads = List.copyOf(threads);
        locations = List.copyOf(locations);
    }

    /** A value: a number, or the address of a location (herd's symbolic values). */
    public sealed interface Value permits Num, Sym {}

    public record Num(long value) implements Value {}

    public record Sym(String location) implements Value {}

    public record RegInit(int thread, int reg, Value value, int line) {}

    public record LocInit(String location, Value value, int line) {}

    /** Thread {@code Pid}: its instructions in program order (labels are pseudo-instructions). */
    public record Thread(int id, List<Instr> code) {
        public Thread {
            code = List.copyOf(code);
        }
    }

    /** Something a condition or {@code locations} list can observe. */
    public sealed interface Ref permits RegRef, LocRef {}

    public record RegRef(int thread, int reg) implements Ref {}

    public record LocRef(String location) implements Ref {}

    public enum Quantifier { EXISTS, NOT_EXISTS, FORALL }

    public record Final(Quantifier quantifier, Prop prop, int line) {}

    /** The proposition of a final condition. */
    public sealed interface Prop permits Atom, And, Or, Not, Const {
        /** The same proposition with every atom replaced by {@code f(atom)}. */
        default Prop mapAtoms(java.util.function.UnaryOperator<Atom> f) {
            return switch (this) {
                case Atom a -> f.apply(a);
                case And a -> new And(a.left().mapAtoms(f), a.right().mapAtoms(f));
                case Or o -> new Or(o.left().mapAtoms(f), o.right().mapAtoms(f));
                case Not n -> new Not(n.prop().mapAtoms(f));
                case Const c -> c;
            };
        }

        /** The atoms, left to right. */
        default List<Atom> atoms() {
            List<Atom> atoms = new java.util.ArrayList<>();
            mapAtoms(a -> {
                atoms.add(a);
                return a;
            });
            return atoms;
        }
    }

    public record Atom(Ref ref, Value value) implements Prop {}

    public record And(Prop left, Prop right) implements Prop {}

    public record Or(Prop left, Prop right) implements Prop {}

    public record Not(Prop prop) implements Prop {}

    public record Const(boolean value) implements Prop {}

    // ---- instructions ----

    public enum Width {
        U8(8), U16(16), U32(32), U64(64);

        public final int bits;

        Width(int bits) {
            this.bits = bits;
        }

        /** The value as this width keeps it in memory and loads it into a register (zero-extended). */
        public long truncate(long v) {
            return bits == 64 ? v : v & ((1L << bits) - 1);
        }
    }

    /** A memory operand {@code (rB + off)}. */
    public record Addr(int base, long offset) {}

    /** A register or immediate source operand. */
    public sealed interface Operand permits Reg, Imm {}

    public record Reg(int reg) implements Operand {}

    public record Imm(long value) implements Operand {}

    /** {@code rD = rS}, {@code rD += 1}, ... (64-bit ALU). */
    public enum AluOp {
        MOV("="), ADD("+="), SUB("-="), MUL("*="), DIV("/="), MOD("%="), AND("&="), OR("|="), XOR("^="),
        LSH("<<="), RSH(">>="), ARSH("s>>=");

        public final String text;

        AluOp(String text) {
            this.text = text;
        }
    }

    /** Read-modify-write operations of atomics; {@code imm} is the BPF atomic immediate (fetch bit clear). */
    public enum RmwOp {
        ADD("add", "+=", 0x00), OR("or", "|=", 0x40), AND("and", "&=", 0x50), XOR("xor", "^=", 0xa0), XCHG("xchg", null, 0xe0);

        public final String name;
        public final String lockText;
        public final int imm;

        RmwOp(String name, String lockText, int imm) {
            this.name = name;
            this.lockText = lockText;
            this.imm = imm;
        }
    }

    /** Conditions of {@code if rX op Y goto L}, with the BPF jump op code (bits 4-7) they mean. */
    public enum JumpCond {
        EQ("==", 0x1), NE("!=", 0x5), GT(">", 0x2), GE(">=", 0x3), LT("<", 0xa), LE("<=", 0xb),
        SGT("s>", 0x6), SGE("s>=", 0x7), SLT("s<", 0xc), SLE("s<=", 0xd), SET("&", 0x4);

        public final String text;
        public final int code;

        JumpCond(String text, int code) {
            this.text = text;
            this.code = code;
        }
    }

    /** One row cell of a thread: an instruction or a label. */
    public sealed interface Instr permits Label, Load, Store, Alu, Fetch, Lock, CmpXchg, Goto, If {
        int line();
    }

    public record Label(String name, int line) implements Instr {}

    /** {@code rD = *(uN *)(rB + off)}, or {@code rD = load_acquire(...)} when {@code acquire}. */
    public record Load(Width width, int dst, Addr addr, boolean acquire, int line) implements Instr {}

    /** {@code *(uN *)(rB + off) = src}, or {@code store_release(...)} when {@code release}. */
    public record Store(Width width, Addr addr, Operand src, boolean release, int line) implements Instr {}

    public record Alu(AluOp op, int dst, Operand src, int line) implements Instr {}

    /** {@code rS = atomic_fetch_op((uN *)(rB + off), rS)} or {@code rS = xchg_64(rB + off, rS)}: old value into rS. */
    public record Fetch(RmwOp op, Width width, Addr addr, int src, int line) implements Instr {}

    /** {@code lock *(uN *)(rB + off) op= rS}: an atomic without fetch (relaxed). */
    public record Lock(RmwOp op, Width width, Addr addr, int src, int line) implements Instr {}

    /** {@code r0 = cmpxchg_64(rB + off, r0, rS)}: compares with r0, old value into r0. */
    public record CmpXchg(Width width, Addr addr, int src, int line) implements Instr {}

    public record Goto(String label, int line) implements Instr {}

    public record If(JumpCond cond, int reg, Operand rhs, String label, int line) implements Instr {}
}
