package org.crosscheck.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.crosscheck.isa.Assembler;
import org.crosscheck.isa.DataFile;
import org.crosscheck.isa.DecodeException;
import org.crosscheck.isa.IsaException;
import org.crosscheck.isa.Program;

/** Reads a program from the files users hand us: .data tests, assembly text, hex text or raw bytes. */
final class ProgramFiles {
    private ProgramFiles() {}

    /** A program with its input memory (empty unless the file is a .data test) and the test, if any. */
    record Loaded(Program program, byte[] memory, DataFile data) {}

    static Loaded load(Path file) throws IsaException {
        return load(file, true);
    }

    /** The program alone (asm, disasm): a .data file needs no expectation section. */
    static Program program(Path file) throws IsaException {
        return load(file, false).program();
    }

    private static Loaded load(Path file, boolean test) throws IsaException {
        if (!Files.isRegularFile(file)) throw new UserError(file + ": no such file");
        if (file.toString().endsWith(".data")) {
            DataFile d = test ? DataFile.read(file) : DataFile.readProgram(file);
            return new Loaded(d.program().program(), d.memory(), d);
        }
        byte[] bytes = read(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (isHexText(text)) return new Loaded(decode(file, hex(text)), new byte[0], null);
        if (isText(bytes)) return new Loaded(Assembler.assemble(text, file.toString(), 1).program(), new byte[0], null);
        return new Loaded(decode(file, bytes), new byte[0], null);
    }

    static Program decode(Path file, byte[] code) throws IsaException {
        try {
            return Program.decode(code);
        } catch (DecodeException e) {
            throw new IsaException(file.toString(), 0, e.problem());
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
    }

    /** Whitespace-separated two-digit hex bytes, as the bpf_conformance plugin protocol sends programs. */
    static boolean isHexText(String text) {
        String t = text.strip();
        return !t.isEmpty() && t.matches("(?s)([0-9a-fA-F]{2}\\s*)+");
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }

    private static boolean isText(byte[] bytes) {
        for (byte b : bytes) if (b == 0) return false;
        return true;
    }
}
