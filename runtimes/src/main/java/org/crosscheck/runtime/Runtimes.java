package org.crosscheck.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.crosscheck.runtime.interp.Interpreter;
import org.crosscheck.runtime.jit.Jit;
import org.crosscheck.runtime.kernel.KernelRuntime;

/** The runtimes crosscheck knows, by the names users type. */
public final class Runtimes {
    private Runtimes() {}

    private static final Map<String, Supplier<Runtime>> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("interp", Interpreter::new);
        KNOWN.put("jit", Jit::new);
        KNOWN.put("kernel", KernelRuntime::new);
    }

    /** Names of all known runtimes, in a stable order. */
    public static java.util.Set<String> names() {
        return KNOWN.keySet();
    }

    /** Creates the runtime called {@code name}; unknown names are an IllegalArgumentException listing the known ones. */
    public static Runtime create(String name) {
        if (name.startsWith(org.crosscheck.runtime.mutant.Mutants.PREFIX)) {
            return org.crosscheck.runtime.mutant.Mutants.runtime(name.substring(org.crosscheck.runtime.mutant.Mutants.PREFIX.length()));
        }
        Supplier<Runtime> s = KNOWN.get(name);
        if (s == null) throw new IllegalArgumentException("unknown runtime '" + name + "' (known: " + String.join(", ", KNOWN.keySet())
                + ", interp-mutant:<name> from 'crosscheck campaign --list-mutants')");
        return s.get();
    }
}
