package org.crosscheck.runtime.jit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal class-file writer for the JIT's generated classes: exactly the instructions the
 * {@link ChunkCompiler} emits, nothing else. java.lang.classfile did the same job, but its
 * general machinery (stack counting, label maps, descriptor objects) cost three quarters of the
 * compile time of a campaign program; here max stack is a constant the compiler guarantees, and
 * every label gets the one stack map frame its method declares (all locals assigned up front, the
 * operand stack empty at every label).
 */
final class ClassWriter {
    /** Verification types of stack map frames (JVMS 4.7.4). */
    static final int V_INTEGER = 1, V_LONG = 4;

    private final Pool pool = new Pool();
    private final int thisClass, superClass;
    private final int[] interfaces;
    private final Bytes methods = new Bytes(1024);
    private int methodCount;

    ClassWriter(String name, String superName, String... interfaceNames) {
        thisClass = pool.classRef(name);
        superClass = pool.classRef(superName);
        interfaces = new int[interfaceNames.length];
        for (int k = 0; k < interfaceNames.length; k++) interfaces[k] = pool.classRef(interfaceNames[k]);
    }

    /**
     * The frame every label of a method will have: each entry is {@link #V_INTEGER}, {@link #V_LONG}
     * or a class name (an object or array type, e.g. {@code "[J"}).
     */
    static Object[] frame(Object... locals) {
        return locals;
    }

    /** A method body under construction: bytecode, labels, and the frame of its labels. */
    Code code(int maxStack, int maxLocals, Object[] frame) {
        return new Code(maxStack, maxLocals, frame);
    }

    void method(int access, String name, String descriptor, Code code) {
        code.resolve();
        methodCount++;
        methods.u2(access).u2(pool.utf8(name)).u2(pool.utf8(descriptor)).u2(1);
        Bytes frames = code.stackMapTable();
        int attrLength = 12 + code.buf.size + (frames == null ? 0 : 6 + frames.size);
        methods.u2(pool.utf8("Code")).u4(attrLength).u2(code.maxStack).u2(code.maxLocals).u4(code.buf.size).bytes(code.buf)
                .u2(0).u2(frames == null ? 0 : 1);
        if (frames != null) methods.u2(pool.utf8("StackMapTable")).u4(frames.size).bytes(frames);
    }

    byte[] toBytes() {
        Bytes out = new Bytes(pool.bytes.size + methods.size + 64);
        out.u4(0xCAFEBABE).u2(0).u2(61); // Java 17 class files: stack maps required, nothing newer needed
        out.u2(pool.count).bytes(pool.bytes);
        out.u2(0x0001 | 0x0010 | 0x0020).u2(thisClass).u2(superClass).u2(interfaces.length);
        for (int i : interfaces) out.u2(i);
        out.u2(0); // fields
        out.u2(methodCount).bytes(methods);
        out.u2(0); // attributes
        return Arrays.copyOf(out.data, out.size);
    }

    /** A growable big-endian byte buffer. */
    static final class Bytes {
        byte[] data;
        int size;

        Bytes(int capacity) {
            data = new byte[capacity];
        }

        private void room(int n) {
            if (size + n > data.length) data = Arrays.copyOf(data, Math.max(data.length * 2, size + n));
        }

        Bytes u1(int v) {
            room(1);
            data[size++] = (byte) v;
            return this;
        }

        Bytes u2(int v) {
            room(2);
            data[size++] = (byte) (v >> 8);
            data[size++] = (byte) v;
            return this;
        }

        Bytes u4(int v) {
            room(4);
            data[size++] = (byte) (v >> 24);
            data[size++] = (byte) (v >> 16);
            data[size++] = (byte) (v >> 8);
            data[size++] = (byte) v;
            return this;
        }

        Bytes bytes(Bytes b) {
            room(b.size);
            System.arraycopy(b.data, 0, data, size, b.size);
            size += b.size;
            return this;
        }

        void put2(int at, int v) {
            data[at] = (byte) (v >> 8);
            data[at + 1] = (byte) v;
        }

        void put4(int at, int v) {
            data[at] = (byte) (v >> 24);
            data[at + 1] = (byte) (v >> 16);
            data[at + 2] = (byte) (v >> 8);
            data[at + 3] = (byte) v;
        }
    }

    /** The constant pool: each entry written once, found again by its key. */
    private static final class Pool {
        final Bytes bytes = new Bytes(2048);
        final Map<Object, Integer> index = new HashMap<>();
        int count = 1;

        private Integer find(Object key) {
            return index.get(key);
        }

        private int add(Object key, int slots) {
            int at = count;
            index.put(key, at);
            count += slots;
            if (count > 0xffff) throw new IllegalStateException("constant pool full");
            return at;
        }

        int utf8(String s) {
            Integer at = find(s);
            if (at != null) return at;
            bytes.u1(1).u2(s.length()); // the JIT's names are ASCII: modified UTF-8 is one byte per char
            for (int k = 0; k < s.length(); k++) bytes.u1(s.charAt(k));
            return add(s, 1);
        }

        private record ClassKey(String name) {}

        private record MemberKey(int tag, String owner, String name, String descriptor) {}

        private record NameAndTypeKey(String name, String descriptor) {}

        int classRef(String internalName) {
            Object key = new ClassKey(internalName);
            Integer at = find(key);
            if (at != null) return at;
            int name = utf8(internalName);
            bytes.u1(7).u2(name);
            return add(key, 1);
        }

        int member(int tag, String owner, String name, String descriptor) {
            Object key = new MemberKey(tag, owner, name, descriptor);
            Integer at = find(key);
            if (at != null) return at;
            int c = classRef(owner);
            Object ntKey = new NameAndTypeKey(name, descriptor);
            Integer nt = find(ntKey);
            if (nt == null) {
                int n = utf8(name), d = utf8(descriptor);
                bytes.u1(12).u2(n).u2(d);
                nt = add(ntKey, 1);
            }
            bytes.u1(tag).u2(c).u2(nt);
            return add(key, 1);
        }

        /**
         * Numeric constants as keys with a mixed hash: the generator's edge values (0, -1, 2^31, 2^32 - 1,
         * 2^63 ...) mostly share Long.hashCode 0 or -1, and their HashMap bins turned into trees
         * (a sixth of the compile time in Java).
         */
        private record IntKey(int v) {
            @Override
            public int hashCode() {
                return v * 0x9E3779B9;
            }
        }

        private record LongKey(long v) {
            @Override
            public int hashCode() {
                long h = v * 0x9E3779B97F4A7C15L;
                return (int) (h ^ (h >>> 32));
            }
        }

        int integer(int v) {
            Object key = new IntKey(v);
            Integer at = find(key);
            if (at != null) return at;
            bytes.u1(3).u4(v);
            return add(key, 1);
        }

        int longValue(long v) {
            Object key = new LongKey(v);
            Integer at = find(key);
            if (at != null) return at;
            bytes.u1(5).u4((int) (v >>> 32)).u4((int) v);
            return add(key, 2);
        }
    }

    /** A branch target; bound once, referenced any number of times before or after. */
    static final class Label {
        int pos = -1;
    }

    /** Bytecode of one method, with the instructions the JIT uses. */
    final class Code {
        final Bytes buf = new Bytes(512);
        final int maxStack, maxLocals;
        private final Object[] frame;
        private final List<Label> bound = new ArrayList<>();
        /** Per branch offset to patch: the label, the opcode's position, where the offset goes, and whether it is 4 bytes. */
        private final List<Object[]> fixups = new ArrayList<>();

        private Code(int maxStack, int maxLocals, Object[] frame) {
            this.maxStack = maxStack;
            this.maxLocals = maxLocals;
            this.frame = frame;
        }

        private Code op(int opcode) {
            buf.u1(opcode);
            return this;
        }

        private Code local(int shortBase, int op, int slot) {
            return slot <= 3 ? op(shortBase + slot) : op(op).u1x(slot);
        }

        private Code u1x(int v) {
            buf.u1(v);
            return this;
        }

        Label newLabel() {
            return new Label();
        }

        /** Binds {@code l} here; it gets the method's frame. */
        Code labelBinding(Label l) {
            if (l.pos >= 0) throw new IllegalStateException("label bound twice");
            l.pos = buf.size;
            bound.add(l);
            return this;
        }

        Code aload(int slot) {
            return local(0x2a, 0x19, slot);
        }

        Code astore(int slot) {
            return local(0x4b, 0x3a, slot);
        }

        Code iload(int slot) {
            return local(0x1a, 0x15, slot);
        }

        Code istore(int slot) {
            return local(0x3b, 0x36, slot);
        }

        Code lload(int slot) {
            return local(0x1e, 0x16, slot);
        }

        Code lstore(int slot) {
            return local(0x3f, 0x37, slot);
        }

        /** {@code slot += delta} (an int local), in the short form when delta fits a byte. */
        Code iinc(int slot, int delta) {
            if (slot == (slot & 0xff) && delta == (byte) delta) return op(0x84).u1x(slot).u1x(delta);
            if (delta != (short) delta) throw new IllegalArgumentException("iinc by " + delta);
            buf.u1(0xc4).u1(0x84).u2(slot).u2(delta);
            return this;
        }

        Code loadConstant(int v) {
            if (v >= -1 && v <= 5) return op(0x03 + v);
            if (v == (byte) v) return op(0x10).u1x(v);
            if (v == (short) v) {
                buf.u1(0x11).u2(v);
                return this;
            }
            int at = pool.integer(v);
            if (at < 256) return op(0x12).u1x(at);
            buf.u1(0x13).u2(at);
            return this;
        }

        Code loadConstant(long v) {
            if (v == 0 || v == 1) return op(0x09 + (int) v);
            buf.u1(0x14).u2(pool.longValue(v));
            return this;
        }

        Code iconst_0() { return op(0x03); }
        Code iconst_1() { return op(0x04); }
        Code iconst_5() { return op(0x08); }
        Code lconst_0() { return op(0x09); }
        Code lconst_1() { return op(0x0a); }
        Code iaload() { return op(0x2e); }
        Code laload() { return op(0x2f); }
        Code iastore() { return op(0x4f); }
        Code lastore() { return op(0x50); }
        Code dup() { return op(0x59); }
        Code iadd() { return op(0x60); }
        Code ladd() { return op(0x61); }
        Code isub() { return op(0x64); }
        Code lsub() { return op(0x65); }
        Code imul() { return op(0x68); }
        Code lmul() { return op(0x69); }
        Code ineg() { return op(0x74); }
        Code lneg() { return op(0x75); }
        Code lshl() { return op(0x79); }
        Code lshr() { return op(0x7b); }
        Code lushr() { return op(0x7d); }
        Code iand() { return op(0x7e); }
        Code land() { return op(0x7f); }
        Code ior() { return op(0x80); }
        Code lor() { return op(0x81); }
        Code ixor() { return op(0x82); }
        Code lxor() { return op(0x83); }
        Code i2l() { return op(0x85); }
        Code l2i() { return op(0x88); }
        Code i2b() { return op(0x91); }
        Code i2s() { return op(0x93); }
        Code lcmp() { return op(0x94); }
        Code ireturn() { return op(0xac); }
        Code return_() { return op(0xb1); }
        Code athrow() { return op(0xbf); }

        private Code branch(int opcode, Label to) {
            int at = buf.size;
            buf.u1(opcode).u2(0);
            fixups.add(new Object[] {to, at, at + 1, false});
            return this;
        }

        Code ifeq(Label l) { return branch(0x99, l); }
        Code ifne(Label l) { return branch(0x9a, l); }
        Code iflt(Label l) { return branch(0x9b, l); }
        Code ifge(Label l) { return branch(0x9c, l); }
        Code ifgt(Label l) { return branch(0x9d, l); }
        Code ifle(Label l) { return branch(0x9e, l); }
        Code if_icmpeq(Label l) { return branch(0x9f, l); }
        Code if_icmpne(Label l) { return branch(0xa0, l); }
        Code if_icmplt(Label l) { return branch(0xa1, l); }
        Code if_icmpge(Label l) { return branch(0xa2, l); }
        Code if_icmpgt(Label l) { return branch(0xa3, l); }
        Code if_icmple(Label l) { return branch(0xa4, l); }
        Code goto_(Label l) { return branch(0xa7, l); }

        private void switchTarget(int opPos, Label to) {
            fixups.add(new Object[] {to, opPos, buf.size, true});
            buf.u4(0);
        }

        private int switchHeader(int opcode) {
            int at = buf.size;
            buf.u1(opcode);
            while (buf.size % 4 != 0) buf.u1(0);
            return at;
        }

        /** {@code keys} ascending. */
        Code lookupswitch(Label dflt, int[] keys, Label[] targets) {
            int at = switchHeader(0xab);
            switchTarget(at, dflt);
            buf.u4(keys.length);
            for (int k = 0; k < keys.length; k++) {
                buf.u4(keys[k]);
                switchTarget(at, targets[k]);
            }
            return this;
        }

        /** Keys {@code 0 .. targets.length - 1}. */
        Code tableswitch(Label dflt, Label[] targets) {
            int at = switchHeader(0xaa);
            switchTarget(at, dflt);
            buf.u4(0).u4(targets.length - 1);
            for (Label t : targets) switchTarget(at, t);
            return this;
        }

        Code getfield(String owner, String name, String descriptor) {
            buf.u1(0xb4).u2(pool.member(9, owner, name, descriptor));
            return this;
        }

        Code putfield(String owner, String name, String descriptor) {
            buf.u1(0xb5).u2(pool.member(9, owner, name, descriptor));
            return this;
        }

        Code invokestatic(String owner, String name, String descriptor) {
            buf.u1(0xb8).u2(pool.member(10, owner, name, descriptor));
            return this;
        }

        Code invokespecial(String owner, String name, String descriptor) {
            buf.u1(0xb7).u2(pool.member(10, owner, name, descriptor));
            return this;
        }

        private void resolve() {
            for (Object[] f : fixups) {
                Label l = (Label) f[0];
                if (l.pos < 0) throw new IllegalStateException("label never bound");
                int offset = l.pos - (int) f[1];
                if ((boolean) f[3]) {
                    buf.put4((int) f[2], offset);
                } else {
                    if (offset != (short) offset) throw new IllegalStateException("branch offset " + offset + " beyond 16 bits");
                    buf.put2((int) f[2], offset);
                }
            }
            if (buf.size >= 65536) throw new IllegalStateException("method of " + buf.size + " bytes");
        }

        /** One frame per distinct label position: a full frame first, then "same" frames. */
        private Bytes stackMapTable() {
            if (bound.isEmpty()) return null;
            int[] at = new int[bound.size()];
            for (int k = 0; k < at.length; k++) at[k] = bound.get(k).pos;
            Arrays.sort(at);
            Bytes b = new Bytes(16 + 3 * at.length + 3 * frame.length);
            b.u2(0);
            int entries = 0, prev = -1;
            for (int pos : at) {
                if (pos == prev) continue;
                if (prev == -1) {
                    b.u1(255).u2(pos).u2(frame.length);
                    for (Object t : frame) {
                        if (t instanceof Integer tag) b.u1(tag);
                        else b.u1(7).u2(pool.classRef((String) t));
                    }
                    b.u2(0);
                } else {
                    int delta = pos - prev - 1;
                    if (delta < 64) b.u1(delta);
                    else b.u1(251).u2(delta);
                }
                prev = pos;
                entries++;
            }
            b.put2(0, entries);
            return b;
        }
    }
}
