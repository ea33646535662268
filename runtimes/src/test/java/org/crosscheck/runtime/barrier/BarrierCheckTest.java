package org.crosscheck.runtime.barrier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.crosscheck.runtime.barrier.BarrierCheck.Row;
import org.crosscheck.runtime.barrier.BarrierCheck.Verdict;
import org.crosscheck.runtime.barrier.BarrierTable.Ordering;
import org.crosscheck.runtime.kernel.JitImage;
import org.crosscheck.runtime.kernel.KernelRuntime;
import org.crosscheck.runtime.kernel.KernelTests;
import org.junit.jupiter.api.Test;

/**
 * The barrier table and its check on JIT images captured from real kernels ({@code crosscheck barriers --save}:
 * Debian's arm64 and ppc64el 6.1 guests, this machine's x86-64 6.18), and on this machine's JIT live. Needs
 * binutils-multiarch's objdump (./test installs it).
 */
class BarrierCheckTest {
    private static final BarrierTable STANDARD = BarrierTable.standard();

    @Test
    void theModelsOrderings() {
        for (BarrierOp op : BarrierOp.values()) {
            Ordering o = STANDARD.requirement(op).ordering();
            Ordering expected = op.kind().equals("load-acquire") ? Ordering.ACQUIRE : op.kind().equals("store-release") ? Ordering.RELEASE
                    : op.id.startsWith("fetch_") || op.id.contains("xchg") ? Ordering.FULL : Ordering.RELAXED;
            assertEquals(expected, o, op.id);
            assertTrue(STANDARD.requirement(op).citation().contains("Documentation/"), op.id + " cites the kernel's documentation");
        }
        for (String arch : List.of("arm64", "amd64", "i386", "ppc64el", "mips64el")) {
            for (Ordering o : Ordering.values()) assertFalse(STANDARD.recipes(arch, o).isEmpty(), arch + " " + o);
        }
    }

    @Test
    void arm64FetchAddIsLseAcquireRelease() throws Exception {
        Row r = judge("arm64", BarrierOp.FETCH_ADD64, "arm64-6.1-fetch_add64.bin", STANDARD);
        assertEquals(Verdict.OK, r.verdict(), r.toString());
        assertEquals("LSE acquire+release", r.detail());
        assertEquals(List.of("ldaddal x2, x2, [x0]"), r.code().stream().map(Objdump.Line::text).toList());
        assertEquals(Verdict.OK, judge("arm64", BarrierOp.ADD64, "arm64-6.1-add64.bin", STANDARD).verdict());
    }

    /** A deliberately wrong recipe row: full ordering on arm64 only as a 'dmb ish' (LSE's ldaddal has none) is flagged. */
    @Test
    void aWrongRecipeRowIsFlagged() throws Exception {
        BarrierTable wrong = edited(l -> l.startsWith("recipe | arm64 | full |") ? null : l,
                "recipe | arm64 | full | dmb ish after | ^dmb\\s+ish$ | deliberately wrong: LSE's al forms need no dmb");
        Row r = judge("arm64", BarrierOp.FETCH_ADD64, "arm64-6.1-fetch_add64.bin", wrong);
        assertEquals(Verdict.MISSING, r.verdict());
        assertTrue(r.finding());
        assertEquals("barrier: vm:arm64-6.1:jit atomic fetch_add64 lacks full ordering (no dmb ish after)", r.title());
    }

    /** A deliberately wrong op row: a non-fetch add64 said to be fully ordered; arm64's stadd is not, and that is flagged. */
    @Test
    void aWrongOpRowIsFlagged() throws Exception {
        BarrierTable wrong = edited(l -> l.startsWith("op | add64 |") ? "op | add64 | full | deliberately wrong" : l, null);
        Row r = judge("arm64", BarrierOp.ADD64, "arm64-6.1-add64.bin", wrong);
        assertEquals(Verdict.MISSING, r.verdict());
        assertEquals("barrier: vm:arm64-6.1:jit atomic add64 lacks full ordering (no LSE acquire+release, no LL/SC + dmb ish)", r.title());
        assertEquals(List.of("stadd x2, [x0]"), r.code().stream().map(Objdump.Line::text).toList());
    }

    /**
     * ppc64el 6.1.192 has the fix of commit b1e7cee96127 (hwsync around fetch atomics); its image with both
     * hwsync replaced by nop, the code before that fix, lacks full ordering.
     */
    @Test
    void ppc64FetchWithoutItsSyncsIsFlagged() throws Exception {
        Row fixed = judge("ppc64el", BarrierOp.FETCH_ADD64, "ppc64el-6.1-fetch_add64.bin", STANDARD);
        assertEquals(Verdict.OK, fixed.verdict(), fixed.toString());
        byte[] img = resource("ppc64el-6.1-fetch_add64.bin");
        ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        int replaced = 0;
        for (int i = 0; i + 4 <= img.length; i += 4) {
            if (b.getInt(i) == 0x7c0004ac) { // hwsync (sync 0)
                b.putInt(i, 0x60000000); // nop
                replaced++;
            }
        }
        assertEquals(2, replaced);
        Row broken = BarrierCheck.judge("vm:ppc64el-6.1:jit", "ppc64el", BarrierOp.FETCH_ADD64, JitImage.jited(img),
                JitImage.jited(resource("ppc64el-6.1-baseline.bin")), STANDARD);
        assertEquals(Verdict.MISSING, broken.verdict());
        assertEquals("barrier: vm:ppc64el-6.1:jit atomic fetch_add64 lacks full ordering (no sync, larx/stcx. loop, sync)", broken.title());
        assertTrue(broken.code().stream().anyMatch(l -> l.text().startsWith("ldarx")), broken.code().toString());
    }

    /** x86's fetch_and is a cmpxchg loop: the op's own code is the whole loop, and its lock cmpxchg orders it. */
    @Test
    void amd64FetchAndLoop() throws Exception {
        Row r = judge("amd64", BarrierOp.FETCH_AND32, "amd64-6.18-fetch_and32.bin", STANDARD);
        assertEquals(Verdict.OK, r.verdict());
        List<String> code = r.code().stream().map(Objdump.Line::text).toList();
        assertTrue(code.contains("lock cmpxchg %r11d,0x0(%rdi)") && code.getFirst().equals("mov %rax,%r10") && code.size() == 8, code.toString());
    }

    @Test
    void statusesOtherThanAnImage() {
        JitImage base = JitImage.jited(new byte[] {(byte) 0xc3});
        Row unknown = BarrierCheck.judge("k", "amd64", BarrierOp.LOAD_ACQUIRE64,
                new JitImage(JitImage.Status.REFUSED, new byte[0], 22, "1: BUG_db", "1: BUG_db\nBPF_ATOMIC uses invalid atomic opcode 100\nprocessed 4 insns"), base, STANDARD);
        assertEquals(Verdict.NOT_IN_KERNEL, unknown.verdict());
        assertEquals("not in this kernel: the verifier says 'BPF_ATOMIC uses invalid atomic opcode 100'", unknown.detail());
        Row refused = BarrierCheck.judge("k", "i386", BarrierOp.XCHG64, JitImage.of(JitImage.Status.REFUSED, 524, "JIT refused"), base, STANDARD);
        assertEquals(Verdict.NOT_JITED, refused.verdict());
        assertEquals(Verdict.ERROR, BarrierCheck.judge("k", "amd64", BarrierOp.XCHG64, JitImage.of(JitImage.Status.WITHHELD, 0, ""), base, STANDARD).verdict());
        assertEquals(Verdict.NO_TABLE, BarrierCheck.judge("k", "riscv64", BarrierOp.XCHG64, base, base, STANDARD).verdict());
    }

    @Test
    void malformedTablesSayWhere() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BarrierTable.parse("t.txt", "op | add32 | strong | x\n"));
        assertEquals("t.txt line 1: unknown ordering 'strong' (relaxed, full, acquire or release)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BarrierTable.parse("t.txt", "\n# c\nrecipe | arm64 | full | x | ^ld(( | y\n"));
        assertTrue(e.getMessage().startsWith("t.txt line 3: bad regular expression '^ld(('"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BarrierTable.parse("t.txt", "op | add32 | relaxed\n"));
        assertEquals("t.txt line 1: 3 columns, expected 4: op | NAME | ORDERING | CITATION", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BarrierTable.parse("t.txt", "op | add32 | relaxed | x\n"));
        assertEquals("t.txt: no 'op | and32 | ...' row", e.getMessage());
    }

    /** This machine's JIT, live: every op it has passes the standard table. */
    @Test
    void hostKernelJit() {
        KernelTests.assumeKernel();
        try (KernelRuntime k = new KernelRuntime()) {
            List<Row> rows = BarrierCheck.check(k, STANDARD, List.of(BarrierOp.values()));
            for (Row r : rows) assertTrue(r.verdict() == Verdict.OK || r.verdict() == Verdict.NOT_IN_KERNEL, r.toString());
            assertEquals(Verdict.OK, rows.get(BarrierOp.FETCH_ADD64.ordinal()).verdict());
        }
    }

    private static Row judge(String arch, BarrierOp op, String image, BarrierTable table) throws Exception {
        String base = image.substring(0, image.lastIndexOf('-')) + "-baseline.bin";
        String runtime = arch.equals("amd64") ? "kernel" : "vm:" + image.substring(0, image.lastIndexOf('-')) + ":jit";
        return BarrierCheck.judge(runtime, arch, op, JitImage.jited(resource(image)), JitImage.jited(resource(base)), table);
    }

    /** The standard table with each line passed through {@code edit} (null drops it) and {@code extra} appended. */
    private static BarrierTable edited(java.util.function.UnaryOperator<String> edit, String extra) throws IOException {
        StringBuilder b = new StringBuilder();
        try (InputStream in = BarrierTable.class.getResourceAsStream("barriers.txt")) {
            for (String l : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                String e = edit.apply(l);
                if (e != null) b.append(e).append('\n');
            }
        }
        if (extra != null) b.append(extra).append('\n');
        return BarrierTable.parse("wrong.txt", b.toString());
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = BarrierCheckTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("no test resource " + name);
            return in.readAllBytes();
        }
    }
}
