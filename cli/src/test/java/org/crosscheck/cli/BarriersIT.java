package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.crosscheck.runtime.vm.VmArch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crosscheck barriers} end to end: the JIT barrier check on Debian's arm64 6.1 kernel under QEMU (prepared
 * when this machine has not prepared it yet) and on this machine's kernel passes; a deliberately wrong table row
 * given with --table is flagged as a finding.
 */
class BarriersIT {
    private static final String ARM64 = "vm:arm64-6.1:jit";

    @BeforeAll
    static void prepared() {
        Guests.prepared(VmArch.ARM64);
    }

    /** arm64 6.1's JIT: every atomic has its barrier (LSE, QEMU's max CPU); 6.1 has no load-acquire/store-release. The host's x86-64 6.18: all 28. */
    @Test
    void passesOnArm64AndTheHost() {
        Cli c = Cli.run("barriers", "--runtime", ARM64 + ",kernel");
        assertEquals(0, c.exit(), c.out() + c.err());
        assertTrue(c.out().contains("barriers: " + ARM64 + " (Linux 6.1.0-"), c.out());
        assertTrue(lineMatches(c.out(), "  fetch_add64 +full +ok +LSE acquire\\+release: ldaddal x\\d+, x\\d+, \\[x\\d+\\]"), c.out());
        assertTrue(lineMatches(c.out(), "  cmpxchg32 +full +ok +LSE acquire\\+release: casal w\\d+, w\\d+, \\[x\\d+\\]"), c.out());
        assertTrue(lineMatches(c.out(), "  add64 +relaxed +ok +LSE atomic: stadd x\\d+, \\[x\\d+\\]"), c.out());
        assertTrue(lineMatches(c.out(), "  load_acquire64 +acquire +not in kernel +not in this kernel: the verifier says 'BPF_ATOMIC uses invalid atomic opcode 100'"), c.out());
        assertTrue(c.out().contains("barriers: " + ARM64 + " ok 20, not in kernel 8\n"), c.out());
        assertTrue(c.out().contains("barriers: kernel (Linux "), c.out());
        assertTrue(lineMatches(c.out(), "  fetch_add64 +full +ok +lock prefix: lock xadd %rdx,0x0\\(%r\\w+\\)"), c.out());
        assertTrue(lineMatches(c.out(), "  store_release64 +release +ok +plain store \\(TSO\\): mov %r\\w+,0x0\\(%r\\w+\\)"), c.out());
        assertTrue(c.out().contains("barriers: kernel ok 28\n"), c.out());
    }

    /** A table whose arm64 full-ordering row asks for a 'dmb ish' (the LSE code has none): each fetch, xchg and cmpxchg is a finding, with its code. */
    @Test
    void flagsADeliberatelyWrongRow(@TempDir Path dir) throws Exception {
        Cli print = Cli.run("barriers", "--print-table");
        assertEquals(0, print.exit());
        StringBuilder wrong = new StringBuilder();
        for (String l : print.out().split("\n")) if (!l.startsWith("recipe | arm64 | full |")) wrong.append(l).append('\n');
        wrong.append("recipe | arm64 | full | dmb ish | ^dmb\\s+ish$ | deliberately wrong\n");
        Path t = Files.writeString(dir.resolve("wrong.txt"), wrong);
        Cli c = Cli.run("barriers", "--runtime", ARM64, "--table", t.toString(), "--ops", "fetch_add64,add64,xchg32");
        assertEquals(1, c.exit(), c.out() + c.err());
        assertTrue(lineMatches(c.out(), "  fetch_add64 +full +MISSING +no dmb ish"), c.out());
        assertTrue(lineMatches(c.out(), "  add64 +relaxed +ok +LSE atomic: stadd .*"), c.out());
        assertTrue(c.out().contains("FINDING barrier: " + ARM64 + " atomic fetch_add64 lacks full ordering (no dmb ish)\n"), c.out());
        assertTrue(lineMatches(c.out(), "  > +[0-9a-f]+:  [0-9a-f]{8} +ldaddal x\\d+, x\\d+, \\[x\\d+\\]"), c.out());
        assertTrue(c.out().contains("FINDING barrier: " + ARM64 + " atomic xchg32 lacks full ordering (no dmb ish)\n"), c.out());
        assertTrue(c.out().contains("barriers: " + ARM64 + " ok 1, MISSING 2\n"), c.out());
    }

    @Test
    void clearErrors(@TempDir Path dir) throws Exception {
        Cli interp = Cli.run("barriers", "--runtime", "interp");
        assertEquals(2, interp.exit());
        assertEquals("crosscheck: runtime interp is no kernel: barriers checks kernel and vm:ARCH[-VERSION]:jit\n", interp.err());
        Cli guestInterp = Cli.run("barriers", "--runtime", "vm:arm64-6.1:interp");
        assertEquals(2, guestInterp.exit());
        assertEquals("crosscheck: runtime vm:arm64-6.1:interp is a kernel's interpreter: there is no JIT code to check (its :jit runtime has)\n", guestInterp.err());
        Cli ops = Cli.run("barriers", "--runtime", "kernel", "--ops", "fetch_nand64");
        assertEquals(2, ops.exit());
        assertTrue(ops.err().startsWith("crosscheck: --ops: unknown op 'fetch_nand64' (known: add32, "), ops.err());
        Path bad = Files.writeString(dir.resolve("bad.txt"), "op | add32 | strong | x\n");
        Cli table = Cli.run("barriers", "--runtime", "kernel", "--table", bad.toString());
        assertEquals(2, table.exit());
        assertEquals("crosscheck: " + bad + " line 1: unknown ordering 'strong' (relaxed, full, acquire or release)\n", table.err());
        Cli none = Cli.run("barriers");
        assertEquals(2, none.exit());
        assertEquals("crosscheck: --runtime is required (e.g. --runtime vm:arm64-6.1:jit,kernel)\n", none.err());
    }

    private static boolean lineMatches(String out, String regex) {
        Pattern p = Pattern.compile(regex);
        return out.lines().anyMatch(l -> p.matcher(l).matches());
    }
}
