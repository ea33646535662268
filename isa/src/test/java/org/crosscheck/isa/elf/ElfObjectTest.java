package org.crosscheck.isa.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.crosscheck.isa.CpuVersion;
import org.crosscheck.isa.GlobalData;
import org.crosscheck.isa.Insn;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reader on what GCC and LLVM write (C files compiled here, both compilers, -O0/-O2, -mcpu v1..v4;
 * skipped with the reason when a compiler is missing or refuses the -mcpu), and on broken bytes.
 */
class ElfObjectTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> builds() {
        List<Arguments> l = new ArrayList<>();
        for (BpfCompiler cc : BpfCompiler.values())
            for (CpuVersion cpu : CpuVersion.values())
                for (String opt : List.of("-O0", "-O2")) l.add(Arguments.of(cc, cpu, opt));
        return l.stream();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = ElfObjectTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("no test resource " + name);
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    static byte[] bytes(String name) throws IOException {
        try (InputStream in = ElfObjectTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("no test resource " + name);
            return in.readAllBytes();
        }
    }

    /** Compiles a test resource C file, or skips: compiler missing, or refusing this -mcpu. */
    ElfObject compile(String file, BpfCompiler cc, CpuVersion cpu, String opt) throws Exception {
        assumeTrue(cc.available(), cc.executable() + " not on PATH (apt-get install " + cc.debianPackage() + ")");
        Path c = tmp.resolve(file);
        Files.writeString(c, resource(file));
        BpfCompiler.Result r = cc.compile(c, cpu, opt, tmp.resolve(file + ".o"));
        if (!r.ok() && cpu == CpuVersion.V4) assumeTrue(false, "compiler refuses v4: " + r.error());
        assertTrue(r.ok(), r.error());
        return ElfObject.read(r.object(), file + ".o");
    }

    /** The words after "key:" in the C file's header comment. */
    static List<String> expected(String file, String key) throws IOException {
        Matcher m = Pattern.compile(key + ":([^\\n*]*)").matcher(resource(file));
        assertTrue(m.find(), file + " says no " + key);
        return List.of(m.group(1).strip().split("\\s+")).stream().filter(s -> !s.isEmpty()).toList();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("builds")
    void everyLocalCallLandsOnTheFunctionItCalls(BpfCompiler cc, CpuVersion cpu, String opt) throws Exception {
        ElfObject o = compile("calls.c", cc, cpu, opt);
        ElfObject.ProgramSection p = o.entry();
        assertEquals("xdp", p.name());
        Map<Integer, String> byPc = new java.util.HashMap<>();
        for (ElfObject.Function f : p.functions()) byPc.put(f.pc(), f.name());
        assertEquals("prog", byPc.get(0), "entry function at pc 0: " + p.functions());
        TreeSet<String> called = new TreeSet<>();
        for (int pc = 0; pc < p.program().slotCount(); pc++) {
            Insn i = p.program().at(pc);
            if (i == null || i.op() != Op.CALL_LOCAL) continue;
            int target = pc + 1 + i.jumpOffset();
            String name = byPc.get(target);
            assertTrue(name != null, "call at pc " + pc + " to pc " + target + ", no function entry there: " + p.functions());
            called.add(name.replaceAll("\\..*", "")); // GCC's clones: twice.constprop.0
        }
        assertEquals(new TreeSet<>(expected("calls.c", "calls")), called);
        assertTrue(p.ownSlots() < p.program().slotCount(), ".text appended");
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("builds")
    void everyLddwOfGlobalDataReadsTheVariableItNames(BpfCompiler cc, CpuVersion cpu, String opt) throws Exception {
        ElfObject o = compile("globals.c", cc, cpu, opt);
        byte[] region = o.globalData();
        var insns = o.entry().program().insns();
        List<String> words = new ArrayList<>();
        for (int k = 0; k < insns.size(); k++) {
            Insn l = insns.get(k);
            if (l.op() != Op.LDDW_MAP_IDX_VALUE) continue;
            assertEquals(0, (int) l.imm(), "region index");
            int off = (int) (l.imm() >>> 32);
            for (int j = k + 1; j < insns.size(); j++) { // the load through the lddw's register
                Insn u = insns.get(j);
                if (u.op().shape == Shape.LDX && u.src() == l.dst()) {
                    int at = off + u.off();
                    assertTrue(at >= 0 && at + 4 <= region.length, "load at " + at + " outside the region of " + region.length);
                    int w = (region[at] & 0xff) | (region[at + 1] & 0xff) << 8 | (region[at + 2] & 0xff) << 16 | (region[at + 3] & 0xff) << 24;
                    words.add("0x" + Integer.toHexString(w));
                    break;
                }
                if (u.op().shape.dstWritten && u.dst() == l.dst()) break;
            }
        }
        assertEquals(new TreeSet<>(expected("globals.c", "words")), new TreeSet<>(words), "words loaded; data " + o.dataSections());
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("builds")
    void everyAddressInDataIsAPointerWordToTheVariableItNames(BpfCompiler cc, CpuVersion cpu, String opt) throws Exception {
        ElfObject o = compile("pointers.c", cc, cpu, opt);
        GlobalData g = o.region();
        byte[] bytes = g.bytes();
        Map<String, Long> at = new java.util.HashMap<>(); // each variable's offset in the region
        for (ElfObject.Symbol y : o.symbols()) {
            for (ElfObject.DataSection d : o.dataSections()) {
                if (o.sections().get(y.section() < o.sections().size() ? y.section() : 0).name().equals(d.name()) && y.type() == 1) at.put(y.name(), d.base() + y.value());
            }
        }
        Map<String, String> pointsTo = new java.util.TreeMap<>();
        for (int w : g.pointers()) {
            long v = 0;
            for (int b = 7; b >= 0; b--) v = (v << 8) | (bytes[w + b] & 0xff);
            String from = null, to = null;
            for (var e : at.entrySet()) {
                if (e.getValue() == w) from = e.getKey();
            }
            for (var e : at.entrySet()) {
                if (e.getValue() <= v && (to == null || e.getValue() > at.get(to.split("\\+")[0]))) to = e.getKey() + "+" + (v - e.getValue());
            }
            pointsTo.put(from, to);
        }
        assertEquals(Map.of("p", "a+8", "pp", "p+0", "q", "b2+0", "r", "s+0"), pointsTo, "pointer words of " + o.dataSections());
        assertEquals(g, o.entry().program().globalData());
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("builds")
    void codeWithoutRelocationsIsTheSectionAsIs(BpfCompiler cc, CpuVersion cpu, String opt) throws Exception {
        ElfObject o = compile("alu.c", cc, cpu, opt);
        ElfObject.ProgramSection p = o.entry();
        assertEquals(p.ownSlots(), p.program().slotCount());
        ElfObject.Section s = o.sections().stream().filter(x -> x.name().equals("xdp")).findFirst().orElseThrow();
        assertEquals(s.size(), p.program().encode().length);
        assertTrue(p.program().cpu().compareTo(cpu) <= 0, "needs cpu " + p.program().cpu() + " for -mcpu=" + cpu);
    }

    // ---------------------------------------------------------------- broken bytes

    static byte[] calls() throws IOException {
        return bytes("calls-clang-O2-v3.o");
    }

    static String fails(byte[] bytes) {
        return assertThrows(ElfException.class, () -> ElfObject.read(bytes, "x.o")).getMessage();
    }

    static byte[] with(byte[] b, Consumer<java.nio.ByteBuffer> edit) {
        byte[] c = b.clone();
        edit.accept(java.nio.ByteBuffer.wrap(c).order(java.nio.ByteOrder.LITTLE_ENDIAN));
        return c;
    }

    /** File offset of the section header with this name in the fixture. */
    static int header(byte[] b, String name) throws ElfException {
        ElfObject o = ElfObject.read(b, "fixture");
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (ElfObject.Section s : o.sections()) if (s.name().equals(name)) return (int) bb.getLong(0x28) + s.index() * 64;
        throw new AssertionError("no section " + name);
    }

    @Test
    void theFixtureReads() throws Exception {
        ElfObject o = ElfObject.read(calls(), "calls.o");
        assertEquals(List.of(".text", "xdp"), o.programs().stream().map(ElfObject.ProgramSection::name).toList());
    }

    @Test
    void malformedHeadersAreOneClearMessage() throws Exception {
        byte[] b = calls();
        assertEquals("x.o: truncated: the ELF header at offset 0x0 needs 64 bytes, the file has 40", fails(java.util.Arrays.copyOf(b, 40)));
        assertTrue(fails(java.util.Arrays.copyOf(b, b.length / 2)).startsWith("x.o: truncated: "), fails(java.util.Arrays.copyOf(b, b.length / 2)));
        assertEquals("x.o: not an ELF file (no \\x7fELF magic)", fails(with(b, bb -> bb.put(1, (byte) 'X'))));
        assertEquals("x.o: ELF class 1, expected 2 (64-bit)", fails(with(b, bb -> bb.put(4, (byte) 1))));
        assertEquals("x.o: ELF data encoding 2, expected 1 (little-endian)", fails(with(b, bb -> bb.put(5, (byte) 2))));
        assertEquals("x.o: e_machine 62, expected 247 (EM_BPF)", fails(with(b, bb -> bb.putShort(18, (short) 62))));
        assertEquals("x.o: e_type 2, expected 1 (ET_REL, a relocatable object)", fails(with(b, bb -> bb.putShort(16, (short) 2))));
        String far = fails(with(b, bb -> bb.putLong(0x28, 1L << 40)));
        assertTrue(far.startsWith("x.o: truncated: section header table ("), far);
        String neg = fails(with(b, bb -> bb.putLong(0x28, -64)));
        assertTrue(neg.startsWith("x.o: truncated: section header table ("), neg);
        assertTrue(fails(with(b, bb -> bb.putShort(0x3e, (short) 200))).contains("e_shstrndx 200 is no string table"));
    }

    @Test
    void sectionContentsOutOfBoundsAreNamed() throws Exception {
        byte[] b = calls();
        int h = header(b, "xdp");
        String m = fails(with(b, bb -> bb.putLong(h + 32, 1L << 20)));
        assertTrue(m.matches("x\\.o: truncated: section \\d+ \\(its contents\\) at offset 0x[0-9a-f]+ needs 1048576 bytes, the file has \\d+"), m);
    }

    @Test
    void relocationsOutsideTheirSectionOrWithBadSymbolsAreNamed() throws Exception {
        byte[] b = calls();
        ElfObject o = ElfObject.read(b, "fixture");
        ElfObject.Section rel = o.sections().stream().filter(s -> s.name().equals(".relxdp")).findFirst().orElseThrow();
        int first = (int) rel.offset();
        String out = fails(with(b, bb -> bb.putLong(first, 0x1000)));
        assertEquals("x.o: relocation 0 of .relxdp at offset 0x1000: outside section xdp (" + section(o, "xdp").size() + " bytes)", out);
        String sym = fails(with(b, bb -> bb.putInt(first + 12, 999)));
        assertTrue(sym.matches("x\\.o: relocation 0 of \\.relxdp \\(section xdp offset 0x[0-9a-f]+\\): bad symbol index 999 \\(\\d+ symbols\\)"), sym);
        String type = fails(with(b, bb -> bb.putInt(first + 8, 3)));
        assertTrue(type.matches("x\\.o: section xdp offset 0x[0-9a-f]+: relocation type 3 \\(R_BPF_64_ABS32\\) against '.+' is not supported .*"), type);
    }

    static ElfObject.Section section(ElfObject o, String name) {
        return o.sections().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aCallToAnExternalSymbolIsNamedWithItsSectionAndOffset() throws Exception {
        byte[] b = calls();
        ElfObject o = ElfObject.read(b, "fixture");
        ElfObject.Symbol thrice = o.symbols().stream().filter(s -> s.name().equals("thrice")).findFirst().orElseThrow();
        int at = (int) section(o, ".symtab").offset() + thrice.index() * 24 + 6;
        String m = fails(with(b, bb -> bb.putShort(at, (short) 0)));
        assertTrue(m.matches("x\\.o: section (xdp|\\.text) offset 0x[0-9a-f]+: call to external symbol 'thrice' is not supported"), m);
    }

    @Test
    void btfMapsAreRefusedByName() throws Exception {
        byte[] b = bytes("globals-gcc-O2-v1.o");
        ElfObject o = ElfObject.read(b, "fixture");
        ElfObject.Section shstr = o.sections().stream().filter(s -> s.name().equals(".shstrtab")).findFirst().orElseThrow();
        String names = new String(b, (int) shstr.offset(), (int) shstr.size(), java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = (int) shstr.offset() + names.indexOf(".data\0");
        assertTrue(names.indexOf(".data\0") >= 0);
        String m = fails(with(b, bb -> bb.put(at + 1, (byte) 'm').put(at + 2, (byte) 'a').put(at + 3, (byte) 'p').put(at + 4, (byte) 's')));
        assertTrue(m.matches("x\\.o: section \\.maps \\(offset 0x[0-9a-f]+\\): BTF-defined maps are not supported"), m);
    }

    @Test
    void gnuAsAddendsAreReadAsGnuAsWritesThem() throws Exception {
        ElfObject o = ElfObject.read(bytes("globals-gcc-O2-v1.o"), "g.o");
        assertTrue(o.writtenByGcc());
        assertFalse(ElfObject.read(calls(), "c.o").writtenByGcc());
    }
}
