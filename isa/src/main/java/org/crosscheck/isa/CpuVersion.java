package org.crosscheck.isa;

import java.util.Locale;

/** ISA versions as LLVM's -mcpu and bpf_conformance's --cpu_version name them. */
public enum CpuVersion {
    V1, V2, V3, V4;

    public static CpuVersion parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown CPU version '" + s + "' (known: v1, v2, v3, v4)");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
