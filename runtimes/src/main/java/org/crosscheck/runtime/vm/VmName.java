package org.crosscheck.runtime.vm;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A guest runtime's name, {@code vm:<arch>[-<version>]:<jit|interp>}: e.g. {@code vm:arm64-6.1:jit};
 * without a version, the newest prepared guest of that architecture.
 *
 * @param version a kernel version such as {@code 6.1}, or null for the newest prepared
 * @param jit whether the guest runs programs with {@code net.core.bpf_jit_enable} = 1 (else its interpreter)
 */
public record VmName(VmArch arch, String version, boolean jit) {
    public static final String PREFIX = "vm:";
    private static final Pattern NAME = Pattern.compile("vm:([a-z0-9]+)(?:-([0-9]+\\.[0-9]+))?:([a-z]+)");
    /** A kernel version as {@code vm prepare --version} takes it. */
    public static final Pattern VERSION = Pattern.compile("[0-9]+\\.[0-9]+");

    /** Parses a runtime name; a malformed one is an IllegalArgumentException saying what is expected. */
    public static VmName parse(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("runtime '" + name + "': expected vm:<arch>[-<version>]:<jit|interp>, e.g. vm:arm64-6.1:jit (arch one of "
                    + VmArch.names() + ")");
        }
        VmArch arch;
        try {
            arch = VmArch.of(m.group(1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("runtime '" + name + "': " + e.getMessage());
        }
        boolean jit = switch (m.group(3)) {
            case "jit" -> true;
            case "interp" -> false;
            default -> throw new IllegalArgumentException("runtime '" + name + "': the mode is jit or interp, not '" + m.group(3) + "'");
        };
        return new VmName(arch, m.group(2), jit);
    }

    /** This name as a part of a file name: {@code vm:armhf-6.1:jit} is {@code vm-armhf-6.1-jit}. */
    public String fileLabel() {
        return toString().replace(':', '-');
    }

    /** The name a {@link #fileLabel()} stands for, or null when {@code label} is none. */
    public static VmName ofFileLabel(String label) {
        int last = label.lastIndexOf('-');
        if (!label.startsWith("vm-") || last <= 3) return null;
        try {
            return parse(PREFIX + label.substring(3, last) + ":" + label.substring(last + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return PREFIX + arch.debian + (version == null ? "" : "-" + version) + ":" + (jit ? "jit" : "interp");
    }
}
