package org.crosscheck.isa.elf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.GlobalData;
import org.crosscheck.isa.Op;
import org.crosscheck.isa.Program;

/**
 * A relocatable BPF ELF object (ELF64, little-endian, {@code e_machine} EM_BPF 247, {@code ET_REL}) as
 * GCC's and LLVM's BPF back-ends write it: its sections, its symbol table, and one {@link Program}
 * per program section ({@code .text} and every other {@code SHF_EXECINSTR} section) with its
 * relocations resolved:
 *
 * <ul>
 *   <li>{@code R_BPF_64_32} on a call: a call to a function in {@code .text} becomes a local call
 *       ({@link Op#CALL_LOCAL}, imm = target - (pc + 1)). A section other than {@code .text} that calls
 *       into it gets {@code .text} appended after its own code (as libbpf appends subprograms), and its
 *       calls point there. Against a section symbol the target is {@code value/8 + imm + 1} (libbpf's
 *       rule); against a function symbol it is the function's entry, its imm being -1 (LLVM) or the
 *       function's byte offset - 1 (GNU as 2.40 writes the symbol's value into the field).</li>
 *   <li>{@code R_BPF_64_64} on an lddw referring to {@code .data}, {@code .rodata}, {@code .bss} (or a
 *       {@code .data.*}, {@code .rodata.*}, {@code .bss.*} section) or to a symbol in one: the lddw becomes
 *       {@link Op#LDDW_MAP_IDX_VALUE} with imm 0 and the offset into one global-data region in its second
 *       imm, i.e. "map index 0, value + offset", the form the ISA table has for a loader-resolved data
 *       address. The region ({@link #globalData()}) is the data sections laid out in section-header
 *       order, each at a multiple of 8 ({@link #dataSections()}), {@code .bss} as zeros. The offset is
 *       the symbol's value plus the lddw's imm (ELF's REL rule), except in objects GCC wrote (a
 *       {@code .comment} saying {@code GCC:}): GNU as 2.40 already put a named symbol's value into the
 *       imm, so there the imm alone is the offset. A program section that has such an lddw carries the
 *       region as its {@link Program#globalData()}.</li>
 *   <li>A 64-bit address of data in initialized data ({@code .rel.data}: LLVM's {@code R_BPF_64_ABS64},
 *       GNU as 2.40's type 12, {@code R_BPF_DATA_64} in its old numbering) against a symbol in a data
 *       section: the word is set to the target's offset in the region and listed among the region's
 *       {@link GlobalData#pointers()}, which a loader turns into the region's address plus that offset.
 *       The offset follows the lddw rule (symbol value plus the word in place; GCC: the word alone).</li>
 * </ul>
 *
 * <p>Not supported, each one {@link ElfException} naming the section and offset: BTF-defined maps
 * ({@code .maps}), CO-RE relocations ({@code .BTF.ext} with a CO-RE part), RELA sections and any other
 * relocation type in a program section, a call to or lddw of an external symbol or of a symbol outside
 * {@code .text}/the data sections, in a data section any relocation but a 64-bit address of data (a
 * function's address, a 32-bit address). Malformed input is an {@link ElfException} too, never another exception.
 */
public final class ElfObject {
    public static final int EM_BPF = 247;
    public static final int R_BPF_64_64 = 1;
    public static final int R_BPF_64_32 = 10;
    /** A 64-bit address in data: LLVM's R_BPF_64_ABS64, and what GNU as 2.40 writes (R_BPF_DATA_64 of binutils' older numbering). */
    public static final int R_BPF_64_ABS64 = 2, GNU_R_BPF_DATA_64 = 12;

    static final int SHT_NULL = 0, SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4, SHT_NOBITS = 8, SHT_REL = 9;
    static final long SHF_EXECINSTR = 0x4;
    static final int STT_SECTION = 3;
    static final int SHN_UNDEF = 0, SHN_LORESERVE = 0xff00;
    /** Largest global-data region accepted (a .bss may claim any size). */
    static final int MAX_DATA = 1 << 24;

    /** A section header. {@code offset}/{@code size} are checked to lie inside the file (except NOBITS). */
    public record Section(int index, String name, int type, long flags, long offset, long size, int link, int info, long align, long entsize) {
        public boolean executable() {
            return type == SHT_PROGBITS && (flags & SHF_EXECINSTR) != 0;
        }
    }

    /** A symbol-table entry; {@code section} is the section index (0 undefined, >= 0xff00 special). */
    public record Symbol(int index, String name, int type, int bind, int section, long value, long size) {}

    /** A function symbol placed in a program: its entry pc (slot) there. */
    public record Function(String name, int pc) {}

    /**
     * One program section: its code with relocations resolved ({@code .text} appended at
     * {@code ownSlots} when it calls into it) and the functions it contains, by pc.
     */
    public record ProgramSection(String name, Program program, List<Function> functions, int ownSlots) {}

    /** Where a data section lies in the global-data region. */
    public record DataSection(String name, int base, int size) {}

    private final String source;
    private final byte[] b;
    private final List<Section> sections = new ArrayList<>();
    private final List<Symbol> symbols = new ArrayList<>();
    private final Map<Integer, DataSection> data = new LinkedHashMap<>();
    private final List<ProgramSection> programs = new ArrayList<>();
    private byte[] globalData = new byte[0];
    private GlobalData region = GlobalData.NONE;
    private boolean gnu;

    private ElfObject(String source, byte[] bytes) {
        this.source = source;
        this.b = bytes;
    }

    /** Reads an object; {@code source} (a file name) starts every error message. */
    public static ElfObject read(byte[] bytes, String source) throws ElfException {
        ElfObject o = new ElfObject(source, bytes);
        o.parse();
        return o;
    }

    public List<Section> sections() {
        return List.copyOf(sections);
    }

    public List<Symbol> symbols() {
        return List.copyOf(symbols);
    }

    /** The program sections in section-header order. */
    public List<ProgramSection> programs() {
        return List.copyOf(programs);
    }

    /** The first program section other than {@code .text}, else {@code .text}: where a run starts (pc 0). */
    public ProgramSection entry() throws ElfException {
        for (ProgramSection p : programs) if (!p.name().equals(".text")) return p;
        if (programs.isEmpty()) throw error("no program section (no .text or other executable section with code)");
        return programs.get(0);
    }

    /** The global-data region: the data sections' initial bytes, laid out as {@link #dataSections()} says. */
    public byte[] globalData() {
        return globalData.clone();
    }

    /** The global-data region with its pointer words, as the programs that address it carry it. */
    public GlobalData region() {
        return region;
    }

    public List<DataSection> dataSections() {
        return List.copyOf(data.values());
    }

    /** Whether the object says GCC wrote it (its {@code .comment}); decides how a named symbol's lddw addend is read. */
    public boolean writtenByGcc() {
        return gnu;
    }

    // ------------------------------------------------------------------ parsing

    private ElfException error(String problem) {
        return new ElfException(source, problem);
    }

    private void need(long pos, long n, String what) throws ElfException {
        if (pos < 0 || n < 0 || pos > b.length || n > b.length - pos) {
            throw error("truncated: " + what + " at offset 0x" + Long.toHexString(pos) + " needs " + n + " bytes, the file has " + b.length);
        }
    }

    private int u8(int p) {
        return b[p] & 0xff;
    }

    private int u16(int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    }

    private long u32(int p) {
        return (b[p] & 0xffL) | (b[p + 1] & 0xffL) << 8 | (b[p + 2] & 0xffL) << 16 | (b[p + 3] & 0xffL) << 24;
    }

    private long u64(int p) {
        return u32(p) | u32(p + 4) << 32;
    }

    private void parse() throws ElfException {
        need(0, 64, "the ELF header");
        if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') throw error("not an ELF file (no \\x7fELF magic)");
        if (b[4] != 2) throw error("ELF class " + b[4] + ", expected 2 (64-bit)");
        if (b[5] != 1) throw error("ELF data encoding " + b[5] + ", expected 1 (little-endian)");
        int type = u16(16), machine = u16(18);
        if (machine != EM_BPF) throw error("e_machine " + machine + ", expected " + EM_BPF + " (EM_BPF)");
        if (type != 1) throw error("e_type " + type + ", expected 1 (ET_REL, a relocatable object)");
        long shoff = u64(0x28);
        int shentsize = u16(0x3a), shnum = u16(0x3c), shstrndx = u16(0x3e);
        if (shnum == 0) throw error("no section header table (e_shnum 0)");
        if (shentsize != 64) throw error("e_shentsize " + shentsize + ", expected 64");
        need(shoff, (long) shnum * 64, "section header table (" + shnum + " entries)");
        for (int i = 0; i < shnum; i++) {
            int p = (int) shoff + i * 64;
            Section s = new Section(i, null, (int) u32(p + 4), u64(p + 8), u64(p + 24), u64(p + 32), (int) u32(p + 40), (int) u32(p + 44),
                    u64(p + 48), u64(p + 56));
            if (s.type() != SHT_NOBITS && s.type() != SHT_NULL) need(s.offset(), s.size(), "section " + i + " (its contents)");
            if (s.type() == SHT_NOBITS && (s.size() < 0 || s.size() > MAX_DATA)) throw error("section " + i + ": NOBITS size " + Long.toUnsignedString(s.size()) + " over " + MAX_DATA);
            sections.add(s);
        }
        if (shstrndx >= shnum || sections.get(shstrndx).type() != SHT_STRTAB) {
            throw error("e_shstrndx " + shstrndx + " is no string table section (" + shnum + " sections)");
        }
        Section shstr = sections.get(shstrndx);
        for (int i = 0; i < shnum; i++) {
            Section s = sections.get(i);
            String name = string(shstr, u32((int) shoff + i * 64), "name of section " + i);
            sections.set(i, new Section(i, name, s.type(), s.flags(), s.offset(), s.size(), s.link(), s.info(), s.align(), s.entsize()));
        }
        for (Section s : sections) {
            if (s.name().equals(".comment") && s.type() == SHT_PROGBITS
                    && new String(b, (int) s.offset(), (int) s.size(), StandardCharsets.ISO_8859_1).contains("GCC:")) gnu = true;
        }
        readSymbols();
        checkUnsupported();
        layOutData();
        readPrograms();
    }

    private Section section(String name) {
        for (Section s : sections) if (s.name().equals(name)) return s;
        return null;
    }

    /** The NUL-terminated string at {@code off} of a string table section. */
    private String string(Section table, long off, String what) throws ElfException {
        if (off < 0 || off >= table.size()) {
            throw error(what + ": offset " + off + " outside string table " + tableName(table) + " (" + table.size() + " bytes)");
        }
        int start = (int) (table.offset() + off), end = start, limit = (int) (table.offset() + table.size());
        while (end < limit && b[end] != 0) end++;
        if (end == limit) throw error(what + ": string at offset " + off + " of " + tableName(table) + " is not NUL-terminated");
        return new String(b, start, end - start, StandardCharsets.UTF_8);
    }

    /** A table's name, or "section N" while section names are being read. */
    private static String tableName(Section table) {
        return table.name() != null ? table.name() : "section " + table.index();
    }

    private Section symtab;

    private void readSymbols() throws ElfException {
        for (Section s : sections) {
            if (s.type() != SHT_SYMTAB) continue;
            if (symtab != null) throw error("section " + s.name() + ": a second symbol table (first " + symtab.name() + ")");
            symtab = s;
        }
        if (symtab == null) return;
        if (symtab.entsize() != 24 || symtab.size() % 24 != 0) {
            throw error("section " + symtab.name() + ": symbol entries of " + symtab.entsize() + " bytes in " + symtab.size() + ", expected 24 each");
        }
        if (symtab.link() <= 0 || symtab.link() >= sections.size() || sections.get(symtab.link()).type() != SHT_STRTAB) {
            throw error("section " + symtab.name() + ": sh_link " + symtab.link() + " is no string table");
        }
        Section strtab = sections.get(symtab.link());
        int n = (int) (symtab.size() / 24);
        for (int i = 0; i < n; i++) {
            int p = (int) symtab.offset() + i * 24;
            int info = u8(p + 4), shndx = u16(p + 6);
            String name = string(strtab, u32(p), "name of symbol " + i);
            if (shndx != SHN_UNDEF && shndx < SHN_LORESERVE && shndx >= sections.size()) {
                throw error("symbol " + i + " '" + name + "': section index " + shndx + " out of range (" + sections.size() + " sections)");
            }
            symbols.add(new Symbol(i, name, info & 0xf, info >> 4, shndx, u64(p + 8), u64(p + 16)));
        }
    }

    private void checkUnsupported() throws ElfException {
        Section maps = section(".maps");
        if (maps != null) throw error("section .maps (offset 0x" + Long.toHexString(maps.offset()) + "): BTF-defined maps are not supported");
        Section ext = section(".BTF.ext");
        if (ext != null && ext.type() == SHT_PROGBITS) {
            need(ext.offset(), Math.min(ext.size(), 8), ".BTF.ext header");
            if (ext.size() >= 8) {
                int p = (int) ext.offset();
                long hdrLen = u32(p + 4);
                if (hdrLen >= 32 && ext.size() >= 32) {
                    long coreOff = u32(p + 24), coreLen = u32(p + 28);
                    if (coreLen > 0) {
                        throw error("section .BTF.ext offset 0x" + Long.toHexString(hdrLen + coreOff) + ": CO-RE relocations (" + coreLen + " bytes) are not supported");
                    }
                }
            }
        }
    }

    static boolean isDataName(String n) {
        for (String d : new String[] {".data", ".rodata", ".bss"}) if (n.equals(d) || n.startsWith(d + ".")) return true;
        return false;
    }

    private void layOutData() throws ElfException {
        long size = 0;
        for (Section s : sections) {
            if (!isDataName(s.name()) || (s.type() != SHT_PROGBITS && s.type() != SHT_NOBITS)) continue;
            size = (size + 7) & ~7L;
            if (size + s.size() > MAX_DATA) throw error("section " + s.name() + ": global data over " + MAX_DATA + " bytes");
            data.put(s.index(), new DataSection(s.name(), (int) size, (int) s.size()));
            size += s.size();
        }
        globalData = new byte[(int) size];
        for (DataSection d : data.values()) {
            Section s = sections.get(indexOf(d));
            if (s.type() == SHT_PROGBITS) System.arraycopy(b, (int) s.offset(), globalData, d.base(), d.size());
        }
    }

    private int indexOf(DataSection d) {
        for (var e : data.entrySet()) if (e.getValue() == d) return e.getKey();
        throw new IllegalStateException();
    }

    // ------------------------------------------------------------------ programs and relocations

    private record Reloc(long offset, int type, int symbol, Section in, int number) {}

    private void readPrograms() throws ElfException {
        Map<Integer, List<Reloc>> relocs = new TreeMap<>();
        for (Section r : sections) {
            if (r.type() != SHT_REL && r.type() != SHT_RELA) continue;
            if (r.info() < 0 || r.info() >= sections.size()) throw error("section " + r.name() + ": sh_info " + r.info() + " names no section");
            Section target = sections.get(r.info());
            if (data.containsKey(target.index())) {
                relocateData(r, target);
                continue;
            }
            if (!target.executable()) continue; // debug information and BTF: not ours to resolve
            if (r.type() == SHT_RELA) throw error("section " + r.name() + " (relocations of " + target.name() + "): RELA relocations are not supported");
            if (symtab == null || r.link() != symtab.index()) throw error("section " + r.name() + ": sh_link " + r.link() + " is not the symbol table");
            if (r.entsize() != 16 || r.size() % 16 != 0) {
                throw error("section " + r.name() + ": relocation entries of " + r.entsize() + " bytes in " + r.size() + ", expected 16 each");
            }
            List<Reloc> list = relocs.computeIfAbsent(target.index(), k -> new ArrayList<>());
            for (int i = 0; i < r.size() / 16; i++) {
                int p = (int) r.offset() + i * 16;
                long info = u64(p + 8);
                list.add(new Reloc(u64(p), (int) info, (int) (info >>> 32), r, i));
            }
        }
        try {
            region = GlobalData.of(globalData, pointers.stream().mapToInt(Integer::intValue).toArray());
        } catch (DecodeException e) {
            throw error(e.problem());
        }
        Section text = section(".text");
        if (text != null && !text.executable()) text = null;
        byte[] textCode = text == null ? null : code(text, relocs.getOrDefault(text.index(), List.of()), text, 0);
        for (Section s : sections) {
            if (!s.executable() || s.size() == 0) continue;
            List<Reloc> rs = relocs.getOrDefault(s.index(), List.of());
            boolean isText = s == text;
            byte[] own = isText ? textCode : code(s, rs, text, (int) (s.size() / 8));
            boolean callsText = !isText && rs.stream().anyMatch(r -> r.type() == R_BPF_64_32);
            byte[] whole = own;
            if (callsText) {
                whole = new byte[own.length + textCode.length];
                System.arraycopy(own, 0, whole, 0, own.length);
                System.arraycopy(textCode, 0, whole, own.length, textCode.length);
            }
            Program p;
            try {
                p = Program.decode(whole);
                if (p.insns().stream().anyMatch(i -> i.op() == Op.LDDW_MAP_IDX_VALUE)) p = p.withGlobalData(region);
            } catch (DecodeException e) {
                String where = callsText && e.index() >= own.length / 8
                        ? " (.text appended at pc " + own.length / 8 + ")" : "";
                throw error("section " + s.name() + where + ": " + e.problem());
            }
            List<Function> fs = new ArrayList<>(functions(s, 0));
            if (callsText) fs.addAll(functions(text, own.length / 8));
            fs.sort(Comparator.comparingInt(Function::pc));
            programs.add(new ProgramSection(s.name(), p, List.copyOf(fs), own.length / 8));
        }
    }

    private final List<Integer> pointers = new ArrayList<>();

    /** The relocations {@code r} of data section {@code target}: 64-bit addresses of data become pointer words of the region. */
    private void relocateData(Section r, Section target) throws ElfException {
        if (r.type() == SHT_RELA) throw error("section " + r.name() + " (relocations of " + target.name() + "): RELA relocations are not supported");
        if (symtab == null || r.link() != symtab.index()) throw error("section " + r.name() + ": sh_link " + r.link() + " is not the symbol table");
        if (r.entsize() != 16 || r.size() % 16 != 0) {
            throw error("section " + r.name() + ": relocation entries of " + r.entsize() + " bytes in " + r.size() + ", expected 16 each");
        }
        DataSection in = data.get(target.index());
        for (int k = 0; k < r.size() / 16; k++) {
            int p = (int) r.offset() + k * 16;
            long offset = u64(p), info = u64(p + 8);
            int type = (int) info, symbol = (int) (info >>> 32);
            String at = "section " + target.name() + " offset 0x" + Long.toHexString(offset);
            if (symbol < 0 || symbol >= symbols.size()) {
                throw error("relocation " + k + " of " + r.name() + " (" + at + "): bad symbol index " + Integer.toUnsignedString(symbol) + " (" + symbols.size() + " symbols)");
            }
            Symbol sym = symbols.get(symbol);
            String name = symbolName(sym);
            if (type != R_BPF_64_ABS64 && type != GNU_R_BPF_DATA_64) {
                throw error(at + ": relocation type " + type + " against '" + name + "' in data is not supported (only a 64-bit address of data)");
            }
            if (offset < 0 || offset > in.size() - 8 || target.type() == SHT_NOBITS) {
                throw error(at + ": a 64-bit address outside " + target.name() + " (" + in.size() + " bytes)");
            }
            if (sym.section() == SHN_UNDEF) throw error(at + ": address of external symbol '" + name + "' in data is not supported");
            DataSection to = data.get(sym.section());
            if (to == null) {
                throw error(at + ": address of '" + name + "' in " + sectionName(sym.section()) + " (a function's or other non-data address) in data is not supported");
            }
            int word = in.base() + (int) offset;
            long inPlace = 0;
            for (int b = 7; b >= 0; b--) inPlace = (inPlace << 8) | (globalData[word + b] & 0xff);
            long inSection = sym.type() == STT_SECTION || gnu ? inPlace : sym.value() + inPlace;
            if (sym.type() == STT_SECTION && sym.value() != 0) inSection += sym.value();
            if (inSection < 0 || inSection > to.size()) {
                throw error(at + ": address of '" + name + "' at " + to.name() + "+" + inSection + ", outside the section (" + to.size() + " bytes)");
            }
            long v = to.base() + inSection;
            for (int b = 0; b < 8; b++) globalData[word + b] = (byte) (v >>> (8 * b));
            pointers.add(word);
        }
    }

    private List<Function> functions(Section s, int base) {
        List<Function> fs = new ArrayList<>();
        for (Symbol y : symbols) {
            if (y.section() == s.index() && y.type() == 2 && y.value() % 8 == 0 && y.value() >= 0 && y.value() < s.size()) {
                fs.add(new Function(y.name(), base + (int) (y.value() / 8)));
            }
        }
        return fs;
    }

    /**
     * The section's code with its relocations applied. {@code textBase} is where {@code .text} starts
     * in this section's program (its own length when it is another section, 0 for {@code .text}).
     */
    private byte[] code(Section s, List<Reloc> rs, Section text, int textBase) throws ElfException {
        if (s.size() % 8 != 0) throw error("section " + s.name() + ": size " + s.size() + " is not a multiple of 8 bytes");
        if (s.size() > Integer.MAX_VALUE / 2) throw error("section " + s.name() + ": size " + s.size() + " too large");
        byte[] c = new byte[(int) s.size()];
        System.arraycopy(b, (int) s.offset(), c, 0, c.length);
        for (Reloc r : rs) {
            String at = "section " + s.name() + " offset 0x" + Long.toHexString(r.offset());
            String which = "relocation " + r.number() + " of " + r.in().name();
            if (r.offset() < 0 || r.offset() > c.length - 8) {
                throw error(which + " at offset 0x" + Long.toHexString(r.offset()) + ": outside section " + s.name() + " (" + c.length + " bytes)");
            }
            if (r.offset() % 8 != 0) throw error(which + ": " + at + " is not on an instruction boundary");
            if (r.symbol() < 0 || r.symbol() >= symbols.size()) {
                throw error(which + " (" + at + "): bad symbol index " + Integer.toUnsignedString(r.symbol()) + " (" + symbols.size() + " symbols)");
            }
            Symbol sym = symbols.get(r.symbol());
            int p = (int) r.offset();
            int opcode = c[p] & 0xff;
            switch (r.type()) {
                case R_BPF_64_64 -> {
                    if (opcode != 0x18 || p + 16 > c.length) throw error(which + " (R_BPF_64_64, " + at + "): not on an lddw");
                    long offset = dataOffset(sym, c, p, at);
                    c[p + 1] = (byte) ((Op.LDDW_MAP_IDX_VALUE.src << 4) | (c[p + 1] & 0x0f));
                    putInt(c, p + 4, 0);
                    putInt(c, p + 12, (int) offset);
                }
                case R_BPF_64_32 -> {
                    if (opcode != 0x85) throw error(which + " (R_BPF_64_32, " + at + "): not on a call");
                    String name = symbolName(sym);
                    if (sym.section() == SHN_UNDEF) throw error(at + ": call to external symbol '" + name + "' is not supported");
                    if (((c[p + 1] >> 4) & 0xf) != Op.CALL_LOCAL.src) {
                        throw error(at + ": call of '" + name + "' with src " + ((c[p + 1] >> 4) & 0xf) + " (helper or kfunc) is not supported");
                    }
                    if (text == null || sym.section() != text.index()) {
                        throw error(at + ": call to '" + name + "' in " + sectionName(sym.section()) + ": only functions in .text can be called");
                    }
                    int imm = (c[p + 4] & 0xff) | (c[p + 5] & 0xff) << 8 | (c[p + 6] & 0xff) << 16 | c[p + 7] << 24;
                    long target;
                    if (sym.type() == STT_SECTION) {
                        target = sym.value() / 8 + imm + 1;
                    } else {
                        if (imm != -1 && imm != sym.value() - 1) {
                            throw error(at + ": call to '" + name + "' with imm " + imm + ": neither -1 (LLVM) nor its byte offset - 1 (GNU as)");
                        }
                        target = sym.value() / 8;
                    }
                    if (sym.value() % 8 != 0 || target < 0 || target >= text.size() / 8) {
                        throw error(at + ": call target " + target + " outside .text (" + text.size() / 8 + " instructions)");
                    }
                    long rel = textBase + target - (p / 8 + 1);
                    putInt(c, p + 4, (int) rel);
                }
                default -> throw error(at + ": relocation type " + r.type() + " (" + typeName(r.type()) + ") against '" + symbolName(sym)
                        + "' is not supported (only R_BPF_64_64 on lddw, R_BPF_64_32 on calls)");
            }
        }
        return c;
    }

    /** Offset into the global-data region of an lddw's relocation against {@code sym}. */
    private long dataOffset(Symbol sym, byte[] c, int p, String at) throws ElfException {
        String name = symbolName(sym);
        if (sym.section() == SHN_UNDEF) throw error(at + ": lddw of external symbol '" + name + "' is not supported");
        DataSection d = data.get(sym.section());
        if (d == null) {
            throw error(at + ": lddw of '" + name + "' in " + sectionName(sym.section()) + ", which is no .data/.rodata/.bss section");
        }
        long addend = (c[p + 4] & 0xffL) | (c[p + 5] & 0xffL) << 8 | (c[p + 6] & 0xffL) << 16 | (long) c[p + 7] << 24;
        long inSection = sym.type() == STT_SECTION || gnu ? addend : sym.value() + addend;
        if (sym.type() == STT_SECTION && sym.value() != 0) inSection += sym.value();
        if (inSection < 0 || inSection > d.size()) {
            throw error(at + ": lddw of '" + name + "' at " + d.name() + "+" + inSection + ", outside the section (" + d.size() + " bytes)");
        }
        return d.base() + inSection;
    }

    private String symbolName(Symbol s) {
        if (!s.name().isEmpty()) return s.name();
        if (s.type() == STT_SECTION && s.section() > 0 && s.section() < sections.size()) return sections.get(s.section()).name();
        return "symbol " + s.index();
    }

    private String sectionName(int index) {
        if (index > 0 && index < sections.size()) return "section " + sections.get(index).name();
        return String.format(Locale.ROOT, "section index 0x%x", index);
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0 -> "R_BPF_NONE";
            case 2 -> "R_BPF_64_ABS64";
            case 3 -> "R_BPF_64_ABS32";
            case 4 -> "R_BPF_64_NODYLD32";
            default -> "unknown";
        };
    }

    private static void putInt(byte[] out, int pos, int v) {
        out[pos] = (byte) v;
        out[pos + 1] = (byte) (v >> 8);
        out[pos + 2] = (byte) (v >> 16);
        out[pos + 3] = (byte) (v >> 24);
    }
}
