package org.crosscheck.isa;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A {@code .data} test: the sections of bpf_conformance ({@code asm raw mem result error}, ignoring
 * {@code c} and {@code no register offset}) plus uBPF's extensions ({@code error pattern},
 * {@code no jit}, {@code description}, {@code asm @ FILE}, {@code mem @ FILE}, {@code reload},
 * {@code unload}, {@code pyelf}, {@code test_jit}; a {@code mem} line may carry a hexdump's offset
 * prefix ending in ':'; a test may give both a result and an error, and then wants the error), and
 * crosscheck's own {@code global data} (hex bytes as {@code mem}: the program's {@link GlobalData}
 * region, what {@code lddw map_idx_value 0, OFF} addresses) with {@code global pointers} (decimal
 * offsets of its pointer words), which a program compiled from C with globals needs (bpf_conformance
 * skips a file with them; it could not run such a program anyway). Any other section is an error
 * naming its line.
 */
public final class DataFile {
    /** Sections we read; the value says whether its body is kept. */
    private static final Set<String> KNOWN = Set.of("asm", "raw", "mem", "result", "error", "error pattern", "no jit",
            "description", "c", "no register offset", "reload", "unload", "pyelf", "test_jit", "jit", "global data", "global pointers");

    /**
     * The instruction words of a {@code raw} section are not a program (an unknown opcode, a reserved
     * field set, half an lddw): a malformed file unless the test expects an error, for which it is the
     * outcome "decode rejection".
     */
    public static final class Undecodable extends IsaException {
        Undecodable(String file, int line, String problem) {
            super(file, line, problem);
        }
    }

    /** One section: its name, the line of its header and its body lines (comments removed where they apply). */
    public record Section(String name, int line, List<String> body) {
        public String text() {
            return String.join("\n", body);
        }
    }

    private final String name;
    private final Map<String, Section> sections;

    private DataFile(String name, Map<String, Section> sections) {
        this.name = name;
        this.sections = sections;
    }

    public static DataFile read(Path path) throws IsaException {
        return read(path, true);
    }

    /** Reads a file for its program alone (asm, disasm): no expectation section is required. */
    public static DataFile readProgram(Path path) throws IsaException {
        return read(path, false);
    }

    private static DataFile read(Path path, boolean test) throws IsaException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IsaException(path.toString(), 0, "not UTF-8 text");
        } catch (IOException e) {
            throw new IsaException(path.toString(), 0, "cannot read: " + e.getMessage());
        }
        return parse(text, path.toString(), path.toAbsolutePath().getParent(), test);
    }

    /** Parses text; {@code dir} resolves {@code asm @ FILE} and {@code mem @ FILE} (may be null). */
    public static DataFile parse(String text, String name, Path dir) throws IsaException {
        return parse(text, name, dir, true);
    }

    /** Parses text for its program alone, as {@link #readProgram}. */
    public static DataFile parseProgram(String text, String name, Path dir) throws IsaException {
        return parse(text, name, dir, false);
    }

    private static DataFile parse(String text, String name, Path dir, boolean test) throws IsaException {
        Map<String, Section> sections = new LinkedHashMap<>();
        String current = null;
        int currentLine = 0;
        List<String> body = null;
        String[] rows = text.split("\r?\n", -1);
        for (int r = 0; r < rows.length; r++) {
            int lineNo = r + 1;
            String row = rows[r];
            String stripped = row.strip();
            if (stripped.startsWith("--")) {
                if (current != null) sections.put(current, new Section(current, currentLine, List.copyOf(body)));
                String header = stripComment(stripped.substring(2)).strip(); // uBPF drops a comment on the header line too
                String sectionName = header;
                String at = null;
                int atSign = header.indexOf('@');
                if (atSign >= 0) {
                    sectionName = header.substring(0, atSign).strip();
                    at = header.substring(atSign + 1).strip();
                }
                sectionName = sectionName.toLowerCase(Locale.ROOT);
                if (!KNOWN.contains(sectionName)) {
                    throw new IsaException(name, lineNo, "unknown section '-- " + header + "' (known: asm, raw, mem, result, error, "
                            + "error pattern, no jit, test_jit, jit, description, c, no register offset, reload, unload, pyelf, global data, global pointers)");
                }
                if (sections.containsKey(sectionName)) throw new IsaException(name, lineNo, "section '" + sectionName + "' appears twice");
                current = sectionName;
                currentLine = lineNo;
                body = new ArrayList<>();
                if (at != null) {
                    if (!sectionName.equals("asm") && !sectionName.equals("mem")) {
                        throw new IsaException(name, lineNo, "only asm and mem sections can come from a file");
                    }
                    if (dir == null) throw new IsaException(name, lineNo, "'@ " + at + "' needs the file's directory");
                    try {
                        body.addAll(List.of(Files.readString(dir.resolve(at)).split("\r?\n", -1)));
                    } catch (IOException e) {
                        throw new IsaException(name, lineNo, "cannot read " + at + ": " + e.getMessage());
                    }
                }
                continue;
            }
            if (current == null) {
                String noComment = stripComment(row).strip();
                if (!noComment.isEmpty()) throw new IsaException(name, lineNo, "text before the first section: '" + noComment + "'");
                continue;
            }
            body.add(row);
        }
        if (current != null) sections.put(current, new Section(current, currentLine, List.copyOf(body)));
        DataFile f = new DataFile(name, sections);
        if (!sections.containsKey("asm") && !sections.containsKey("raw")) {
            if (test && f.elfTest()) return f; // uBPF's ELF loader tests: the program is an ELF file its Python builds
            throw new IsaException(name, rows.length, "no program: the file needs an 'asm' or 'raw' section (end of file)");
        }
        if (!test) {
            f.program(); // its errors at read time, as below
        } else if (!sections.containsKey("result") && !sections.containsKey("error") && !sections.containsKey("error pattern")) {
            f.program(); // a broken line of the program comes before the end of the file
            throw new IsaException(name, rows.length, "no expectation: the file needs a 'result' or 'error' section (end of file)");
        } else {
            try {
                f.program();
            } catch (Undecodable e) {
                // an error test may expect exactly that: program() says it again to the runner
                if (!sections.containsKey("error") && !sections.containsKey("error pattern")) throw e;
            }
        }
        // Parse eagerly so that every syntax error surfaces at read time.
        f.memory();
        f.expectedResult();
        return f;
    }

    static String stripComment(String row) {
        int hash = row.indexOf('#');
        return hash >= 0 ? row.substring(0, hash) : row;
    }

    public String name() {
        return name;
    }

    public Map<String, Section> sections() {
        return sections;
    }

    public boolean has(String section) {
        return sections.containsKey(section);
    }

    /** The program: {@code raw} wins over {@code asm}, as in bpf_conformance; with its global data when the file has some. */
    public Assembler.Assembled program() throws IsaException {
        if (!has("asm") && !has("raw")) throw new IsaException(name, 0, "an ELF loader test (pyelf) has no asm or raw program");
        Section raw = sections.get("raw");
        Section asm = sections.get("asm");
        Assembler.Assembled a = raw != null ? raw(raw) : Assembler.assemble(asm.text(), name, asm.line() + 1);
        Section data = sections.get("global data");
        Section pointers = sections.get("global pointers");
        if (data == null && pointers == null) return a;
        if (data == null) throw new IsaException(name, pointers.line(), "'global pointers' without a 'global data' section");
        int[] ps = pointers == null ? new int[0] : offsets(pointers);
        try {
            return new Assembler.Assembled(a.program().withGlobalData(GlobalData.of(hexBytes(data), ps)), a.lines());
        } catch (DecodeException e) {
            int line = e.problem().startsWith("global data") ? data.line() : a.lineOfPc(e.index());
            throw new IsaException(name, line, e.problem());
        }
    }

    private int[] offsets(Section s) throws IsaException {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < s.body().size(); k++) {
            for (String tok : stripComment(s.body().get(k)).trim().split("\\s+")) {
                if (tok.isEmpty()) continue;
                if (!tok.matches("[0-9]{1,9}")) throw new IsaException(name, s.line() + 1 + k, "invalid pointer offset '" + tok + "' (a decimal byte offset)");
                out.add(Integer.parseInt(tok));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Raw words: tokens with 0x and up to 16 digits are 64-bit words (the instruction's 8 bytes read
     * little-endian); two-digit tokens are single bytes in order (the negative suite's layout).
     */
    private Assembler.Assembled raw(Section raw) throws IsaException {
        List<Byte> bytes = new ArrayList<>();
        List<Integer> slotLines = new ArrayList<>();
        for (int k = 0; k < raw.body().size(); k++) {
            int lineNo = raw.line() + 1 + k;
            for (String tok : stripComment(raw.body().get(k)).trim().split("\\s+")) {
                if (tok.isEmpty()) continue;
                if (tok.startsWith("0x") || tok.startsWith("0X") || tok.length() > 2) {
                    String hex = tok.startsWith("0x") || tok.startsWith("0X") ? tok.substring(2) : tok;
                    if (hex.isEmpty() || hex.length() > 16 || !hex.matches("[0-9a-fA-F]+")) {
                        throw new IsaException(name, lineNo, "invalid raw instruction word '" + tok + "'");
                    }
                    if (bytes.size() % 8 != 0) throw new IsaException(name, lineNo, "raw word '" + tok + "' does not start on an instruction boundary");
                    long w = Long.parseUnsignedLong(hex, 16);
                    for (int b = 0; b < 8; b++) bytes.add((byte) (w >>> (8 * b)));
                    slotLines.add(lineNo);
                } else {
                    if (!tok.matches("[0-9a-fA-F]{1,2}")) throw new IsaException(name, lineNo, "invalid raw byte '" + tok + "'");
                    if (bytes.size() % 8 == 0) slotLines.add(lineNo);
                    bytes.add((byte) Integer.parseInt(tok, 16));
                }
            }
        }
        if (bytes.isEmpty()) throw new IsaException(name, raw.line(), "empty raw section");
        if (bytes.size() % 8 != 0) throw new IsaException(name, raw.line() + raw.body().size(), "raw section has " + bytes.size() + " bytes, not a multiple of 8");
        byte[] code = new byte[bytes.size()];
        for (int i = 0; i < code.length; i++) code[i] = bytes.get(i);
        Program p;
        try {
            p = Program.decode(code);
        } catch (DecodeException e) {
            int lineNo = e.index() < slotLines.size() ? slotLines.get(e.index()) : raw.line();
            throw new Undecodable(name, lineNo, e.problem());
        }
        int[] lines = new int[p.insns().size()];
        for (int k = 0; k < lines.length; k++) lines[k] = slotLines.get(p.pcOf(k));
        return new Assembler.Assembled(p, lines);
    }

    /** Input memory (empty when there is no mem section). */
    public byte[] memory() throws IsaException {
        Section mem = sections.get("mem");
        return mem == null ? new byte[0] : hexBytes(mem);
    }

    /** The hex bytes of a {@code mem}-like section. */
    private byte[] hexBytes(Section mem) throws IsaException {
        StringBuilder hex = new StringBuilder();
        for (int k = 0; k < mem.body().size(); k++) {
            String line = stripComment(mem.body().get(k));
            int colon = line.lastIndexOf(':');
            if (colon >= 0) line = line.substring(colon + 1); // uBPF: a hexdump's offset prefix ("00000010:")
            for (String tok : line.trim().split("\\s+")) {
                if (tok.isEmpty()) continue;
                // bytes, or runs of them as a hexdump groups them ("4455")
                if (!tok.matches("([0-9a-fA-F]{2})+")) {
                    throw new IsaException(name, mem.line() + 1 + k, "invalid memory byte '" + tok + "' (two hex digits, or an even run of them)");
                }
                hex.append(tok);
            }
        }
        return HexFormat.of().parseHex(hex);
    }

    /** Expected 64-bit r0, or null when the test expects an error. Hex with 0x, else decimal. */
    public Long expectedResult() throws IsaException {
        Section s = sections.get("result");
        if (s == null) return null;
        List<String> tokens = new ArrayList<>();
        int valueLine = s.line();
        for (int k = 0; k < s.body().size(); k++) {
            String t = stripComment(s.body().get(k)).strip();
            if (!t.isEmpty()) {
                tokens.add(t);
                valueLine = s.line() + 1 + k;
            }
        }
        if (tokens.size() != 1) throw new IsaException(name, s.line(), "result section must hold exactly one value, has " + tokens.size());
        String v = tokens.get(0).toLowerCase(Locale.ROOT);
        try {
            if (v.contains("0x")) {
                boolean neg = v.startsWith("-");
                long x = Long.parseUnsignedLong(v.substring(v.indexOf("0x") + 2), 16);
                return neg ? -x : x;
            }
            if (v.startsWith("-")) return Long.parseLong(v);
            return Long.parseUnsignedLong(v);
        } catch (NumberFormatException e) {
            throw new IsaException(name, valueLine, "invalid result '" + tokens.get(0) + "'");
        }
    }

    /** Expected error text (bpf_conformance {@code error}), or null. */
    public String expectedError() {
        Section s = sections.get("error");
        return s == null ? null : s.text().strip();
    }

    /** uBPF's {@code error pattern}: a regular expression the error should match, or null. */
    public java.util.regex.Pattern expectedErrorPattern() throws IsaException {
        Section s = sections.get("error pattern");
        if (s == null) return null;
        try {
            return java.util.regex.Pattern.compile(s.text().strip());
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IsaException(name, s.line(), "invalid error pattern: " + e.getDescription());
        }
    }

    /** A uBPF ELF loader test: a {@code pyelf} section (Python that builds an ELF file) and no asm or raw program. */
    public boolean elfTest() {
        return has("pyelf") && !has("asm") && !has("raw");
    }

    /** uBPF's {@code no jit}: why the test is not run on a JIT, or null. */
    public String noJitReason() {
        Section s = sections.get("no jit");
        if (s == null) return null;
        String t = s.text().strip();
        return t.isEmpty() ? "no reason given" : t;
    }

    /** Line of the expectation (result or error section header), for failure reports. */
    public int expectationLine() {
        Section s = sections.getOrDefault("result", sections.get("error"));
        return s == null ? 0 : s.line();
    }

    // ------------------------------------------------------------------ writing

    /** A .data text for a program, its memory and its expected r0 (null result writes {@code -- error}). */
    public static String write(Program program, byte[] memory, Long result, String description) {
        StringBuilder sb = new StringBuilder();
        if (description != null && !description.isBlank()) {
            for (String l : description.strip().split("\n")) sb.append("# ").append(l).append('\n');
        }
        sb.append("-- asm\n").append(Disassembler.conformance(program, true));
        sb.append("-- raw\n");
        byte[] code = program.encode();
        for (int i = 0; i < code.length; i += 8) {
            long w = 0;
            for (int b = 7; b >= 0; b--) w = (w << 8) | (code[i + b] & 0xff);
            sb.append(String.format("0x%016x\n", w));
        }
        if (memory != null && memory.length > 0) {
            sb.append("-- mem\n");
            hexLines(sb, memory);
        }
        GlobalData g = program.globalData();
        if (!g.isEmpty()) {
            sb.append("-- global data\n");
            hexLines(sb, g.bytes());
            if (g.pointers().length > 0) {
                sb.append("-- global pointers\n");
                for (int p : g.pointers()) sb.append(p).append('\n');
            }
        }
        if (result != null) sb.append("-- result\n0x").append(Long.toHexString(result)).append('\n');
        else sb.append("-- error\n");
        return sb.toString();
    }

    private static void hexLines(StringBuilder sb, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            sb.append(String.format("%02x", bytes[i] & 0xff)).append((i % 16 == 15 || i == bytes.length - 1) ? "\n" : " ");
        }
    }
}
