package org.crosscheck.runtime.vm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a cpio archive in the "newc" format the kernel unpacks as an initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst): per entry a 110-byte ASCII header
 * ("070701" and thirteen 8-digit hex fields), the name with its NUL padded to 4 bytes, the data padded
 * to 4 bytes; the archive ends with the entry "TRAILER!!!".
 */
public final class Cpio {
    /** File type bits of {@code mode}. */
    public static final int DIR = 0040000, FILE = 0100000, CHAR_DEVICE = 0020000;

    /** One entry; {@code rdevMajor}/{@code rdevMinor} only for device nodes. */
    public record Entry(String name, int mode, byte[] data, int rdevMajor, int rdevMinor) {
        public static Entry dir(String name) {
            return new Entry(name, DIR | 0755, new byte[0], 0, 0);
        }

        public static Entry file(String name, int permissions, byte[] data) {
            return new Entry(name, FILE | permissions, data, 0, 0);
        }

        public static Entry charDevice(String name, int major, int minor) {
            return new Entry(name, CHAR_DEVICE | 0600, new byte[0], major, minor);
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    public Cpio add(Entry e) {
        entries.add(e);
        return this;
    }

    /** The archive, uncompressed. */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int ino = 1;
        for (Entry e : entries) write(out, e, ino++);
        write(out, new Entry("TRAILER!!!", 0, new byte[0], 0, 0), 0);
        return out.toByteArray();
    }

    /** The archive compressed with gzip, which every kernel can unpack (CONFIG_RD_GZIP). */
    public void writeGzip(OutputStream to) throws IOException {
        try (GZIPOutputStream gz = new GZIPOutputStream(to)) {
            gz.write(bytes());
        }
    }

    private static void write(ByteArrayOutputStream out, Entry e, int ino) {
        byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("070701");
        long[] fields = {ino, e.mode(), 0, 0, (e.mode() & DIR) != 0 ? 2 : 1, 0, e.data().length, 0, 0, e.rdevMajor(), e.rdevMinor(), name.length + 1, 0};
        for (long f : fields) h.append(String.format("%08x", f));
        out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(name);
        out.write(0);
        pad(out);
        out.writeBytes(e.data());
        pad(out);
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) out.write(0);
    }
}
