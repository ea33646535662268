package org.crosscheck.coordinator.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.crosscheck.coordinator.csmith.Csmith;
import org.crosscheck.coordinator.findings.FindingStore;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.elf.BpfCompiler;
import org.crosscheck.runtime.Runtimes;
import org.crosscheck.runtime.interp.Interpreter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A csmith campaign's cases: counted in buckets, and a wrong runtime's divergence a finding with the C source, BPF program and native checksum. */
class CsmithCaseRunnerTest {
    @TempDir
    Path tmp;

    /** GCC -O2 made csmith seed 18's header division a call to libgcc's __divdi3 (rejected by the reader): the header hides its operands now. */
    @Test
    void gccKeepsTheHeadersUnsignedDivisionsUnsigned() throws Exception {
        assumeTrue(Csmith.missingTools().isEmpty(), "needs " + Csmith.missingTools());
        assumeTrue(BpfCompiler.GCC.available(), "needs bpf-gcc (apt-get install gcc-bpf)");
        var options = new Csmith.Options(List.of(BpfCompiler.GCC), List.of("-O2"), CpuVersion.V3, 10_000_000, Csmith.Options.NATIVE_MILLIS);
        Path work = Files.createDirectories(tmp.resolve("work"));
        Csmith.Result r = new Csmith(options, new Interpreter(), Runtimes.create("jit"), null, work).run(18);
        assertEquals(1, r.builds().size(), r.toString());
        assertEquals(Csmith.Bucket.AGREE, r.builds().get(0).bucket(), r.builds().get(0).reason());
    }

    @Test
    void aJitThatGetsAdd32WrongIsARuntimeDivergenceWithItsCSource() throws Exception {
        assumeTrue(Csmith.missingTools().isEmpty(), "needs " + Csmith.missingTools());
        assumeTrue(BpfCompiler.CLANG.available(), "needs clang (apt-get install clang)");
        var options = new Csmith.Options(List.of(BpfCompiler.CLANG), List.of("-O2"), CpuVersion.V3, 10_000_000, Csmith.Options.NATIVE_MILLIS);
        var wrongJit = new CaseRunnerTest.Named("jit", Runtimes.create("interp-mutant:add32-zext"));
        CsmithCaseRunner runner = new CsmithCaseRunner(1, options, List.of(new Interpreter(), wrongJit));
        Tally t = null;
        long i = 0;
        for (; i < 8; i++) {
            t = runner.run(i, i + 1, List.of("interp", "jit"));
            assertEquals(1, t.programs());
            assertEquals(1, t.csmith().entrySet().stream().filter(e -> e.getKey().startsWith("programs/")).mapToLong(e -> e.getValue()).sum(), t.csmith().toString());
            if (!t.findings().isEmpty()) break;
        }
        assertTrue(i < 8, "none of 8 csmith programs used a 32-bit add that the mutant gets wrong");
        assertEquals(1L, t.csmith().get("programs/runtime-divergent"), t.csmith().toString());
        assertEquals(1L, t.csmith().get("builds/clang -O2/runtime-divergent"), t.csmith().toString());
        FindingStore.Report f = t.findings().get(0);
        assertEquals("runtime divergence: interp vs jit [csmith clang -O2 -mcpu=v3]", f.title());
        assertEquals("runtime", f.kind());
        assertTrue(f.minimized() && f.repro().insns().size() <= f.original().insns().size(), f.toString());
        long seed = Csmith.caseSeed(1, i);
        assertTrue(f.files().get("csmith.c").startsWith("/* csmith seed " + seed + ", clang -O2 -mcpu=v3: interp: "), f.files().get("csmith.c"));
        assertTrue(f.files().get("native.txt").contains("native checksum (gcc -O1 on this host): 0x"), f.files().get("native.txt"));
        FindingStore store = new FindingStore(tmp);
        assertTrue(store.record(f));
        Path dir = store.root().resolve(FindingStore.idOf(f.title()));
        for (String file : List.of("csmith.c", "native.txt", "original.data", "repro.data", "description")) assertTrue(Files.isRegularFile(dir.resolve(file)), file);
        assertTrue(Files.readString(dir.resolve("description")).contains("more files: csmith.c, native.txt\n"));
    }
}
