package org.crosscheck.isa;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Conformance groups of RFC 9669 plus our extensions {@code callx} and {@code acqrel}. */
public enum Group {
    BASE32, BASE64, ATOMIC32, ATOMIC64, DIVMUL32, DIVMUL64, PACKET, CALLX, ACQREL;

    /** The group's name as the RFC and bpf_conformance spell it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The RFC groups (everything but our extensions). */
    public static Set<Group> rfc() {
        return EnumSet.of(BASE32, BASE64, ATOMIC32, ATOMIC64, DIVMUL32, DIVMUL64, PACKET);
    }

    public static Group parse(String id) {
        for (Group g : values()) {
            if (g.id().equals(id.trim().toLowerCase(Locale.ROOT))) return g;
        }
        throw new IllegalArgumentException("unknown conformance group '" + id + "' (known: "
                + String.join(", ", java.util.Arrays.stream(values()).map(Group::id).toList()) + ")");
    }

    /** Parses a comma-separated list such as {@code base32,base64}. */
    public static Set<Group> parseList(String list) {
        Set<Group> out = EnumSet.noneOf(Group.class);
        for (String part : list.split(",")) {
            if (!part.isBlank()) out.add(parse(part));
        }
        return out;
    }

    @Override
    public String toString() {
        return id();
    }
}
