package org.crosscheck.runtime.concurrent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.crosscheck.runtime.Runtimes;
import org.crosscheck.runtime.jit.MemoryMode;

/** The runtimes that can run litmus tests, by name (as {@code --runtime} takes them). */
public final class ConcurrentRunners {
    private ConcurrentRunners() {}

    private static final Map<String, Supplier<ConcurrentRunner>> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("interp", InterpConcurrentRunner::new);
        BY_NAME.put("jit", JitConcurrentRunner::new);
        BY_NAME.put("kernel", org.crosscheck.runtime.kernel.KernelConcurrentRunner::new);
        BY_NAME.put(Runtimes.JIT_UNORDERED_FETCH, () -> new JitConcurrentRunner(Runtimes.JIT_UNORDERED_FETCH, MemoryMode.UNORDERED_FETCH));
    }

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** @throws IllegalArgumentException naming the known runners when {@code name} is not one */
    public static ConcurrentRunner byName(String name) {
        Supplier<ConcurrentRunner> s = BY_NAME.get(name);
        if (s == null && name.startsWith(org.crosscheck.runtime.vm.VmName.PREFIX)) return new org.crosscheck.runtime.kernel.VmConcurrentRunner(name);
        if (s == null) throw new IllegalArgumentException("no litmus runner '" + name + "' (known: " + String.join(", ", names()) + ", vm:<arch>[-<version>]:<jit|interp>)");
        return s.get();
    }

    public static List<ConcurrentRunner> byNames(List<String> names) {
        List<ConcurrentRunner> out = new ArrayList<>();
        for (String n : names) out.add(byName(n.trim()));
        return out;
    }
}
