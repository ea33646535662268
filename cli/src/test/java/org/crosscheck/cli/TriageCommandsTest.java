package org.crosscheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.crosscheck.isa.DataFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** campaign, then triage, replay and export on what it found. */
class TriageCommandsTest {
    @TempDir
    static Path work;

    static Path finding;

    @BeforeAll
    static void campaign() throws Exception {
        Cli c = Cli.run("campaign", "--runtimes", "interp,interp-mutant:add32-zext", "--programs", "3000", "--workdir", work.toString(),
                "--seed", "11", "--metrics", "off", "--threads", "1");
        assertEquals(0, c.exit(), c.out() + c.err());
        assertTrue(c.out().contains("campaign: seed 11, runtimes interp,interp-mutant:add32-zext"), c.out());
        try (var ds = Files.list(work.resolve("findings"))) {
            finding = ds.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
        }
    }

    @Test
    void triageListsFindingsWithFilters() {
        Cli t = Cli.run("triage", work.toString());
        assertEquals(0, t.exit());
        assertTrue(t.out().contains("r0 mismatch: interp-mutant:add32-zext vs interp [base32 add32]"), t.out());
        assertTrue(t.lastLine().matches("\\d+ findings, \\d+ sightings"), t.lastLine());
        Cli none = Cli.run("triage", work.toString(), "--runtime", "kernel");
        assertEquals("no findings match the filters", none.lastLine());
        Cli json = Cli.run("triage", work.toString(), "--json", "--group", "base32");
        assertTrue(json.out().startsWith("{\"id\":\""), json.out());
    }

    @Test
    void replayShowsOutcomesSideBySide() {
        Cli r = Cli.run("replay", finding.toString());
        assertEquals(1, r.exit(), "the runtimes still disagree");
        assertTrue(r.out().contains("interp-mutant:add32-zext  r0 = "), r.out());
        assertTrue(r.out().contains("runtimes disagree"), r.out());
        assertTrue(r.out().contains("exit"), "the program in the LLVM dialect");
    }

    @Test
    void exportWritesDataAndJson() throws Exception {
        Path out = work.resolve("export.data");
        assertEquals(0, Cli.run("triage", "export", finding.toString(), "--format", "data", "-o", out.toString()).exit());
        DataFile d = DataFile.read(out);
        assertTrue(d.program().program().insns().size() <= 10, "minimized");
        Cli json = Cli.run("triage", "export", finding.toString(), "--format", "json");
        assertTrue(json.out().contains("\"program_llvm\": "), json.out());
        Cli litmus = Cli.run("triage", "export", finding.toString(), "--format", "litmus");
        assertEquals(2, litmus.exit());
        assertTrue(litmus.err().contains("not a memory-ordering finding"), litmus.err());
    }
}
