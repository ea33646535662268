package org.crosscheck.runtime;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.crosscheck.isa.Group;
import org.crosscheck.isa.Op;

/**
 * What a runtime can load, for the generator to send only that: the conformance groups it executes,
 * the encodings inside them it lacks (DPDK lacks most v4 ones), whether it accepts backward jumps
 * (DPDK refuses them: no loops), and whether its verifier accepts {@code scalar += pointer} (DPDK's
 * refuses it, "destination is not a pointer"; RFC 9669 and Linux allow it: the generator then adds
 * offsets to a copy of the pointer).
 */
public record Capabilities(Set<Group> groups, Set<Op> unsupportedOps, boolean loops, boolean scalarPlusPointer) {
    public Capabilities {
        EnumSet<Group> g = EnumSet.noneOf(Group.class);
        g.addAll(groups);
        EnumSet<Op> u = EnumSet.noneOf(Op.class);
        u.addAll(unsupportedOps);
        groups = Collections.unmodifiableSet(g);
        unsupportedOps = Collections.unmodifiableSet(u);
    }

    /** Every encoding of {@code groups}, loops and {@code scalar += pointer} included. */
    public static Capabilities of(Set<Group> groups) {
        return new Capabilities(groups, Set.of(), true, true);
    }

    /** Every group, every encoding. */
    public static Capabilities all() {
        return of(EnumSet.allOf(Group.class));
    }

    public Capabilities withUnsupported(Set<Op> ops) {
        return new Capabilities(groups, ops, loops, scalarPlusPointer);
    }

    /** What every one of {@code all} can load (all groups when there are none). */
    public static Capabilities common(Collection<Capabilities> all) {
        Set<Group> groups = EnumSet.allOf(Group.class);
        Set<Op> unsupported = EnumSet.noneOf(Op.class);
        boolean loops = true, scalarPlusPointer = true;
        for (Capabilities c : all) {
            groups.retainAll(c.groups);
            unsupported.addAll(c.unsupportedOps);
            loops &= c.loops;
            scalarPlusPointer &= c.scalarPlusPointer;
        }
        return new Capabilities(groups, unsupported, loops, scalarPlusPointer);
    }

    /** These capabilities within {@code wanted} groups. */
    public Capabilities within(Set<Group> wanted) {
        Set<Group> g = EnumSet.noneOf(Group.class);
        g.addAll(groups);
        g.retainAll(wanted);
        return new Capabilities(g, unsupportedOps, loops, scalarPlusPointer);
    }
}
