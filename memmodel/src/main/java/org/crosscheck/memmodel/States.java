package org.crosscheck.memmodel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.crosscheck.memmodel.Litmus.*;

/**
 * Final states as herd and litmus7 show them ({@code 0:r1=0; 1:r1=1; x=2;}), written once for the
 * checker's allowed states and for the states runs observe, so the two compare as strings.
 */
final class States {
    private States() {}

    /** What a state shows: the condition's registers and locations and the {@code locations [...]} list, registers first. */
    static List<Ref> shown(Litmus test) {
        Set<Ref> refs = new LinkedHashSet<>();
        for (Atom a : test.condition().prop().atoms()) refs.add(a.ref());
        refs.addAll(test.locations());
        List<Ref> sorted = new ArrayList<>(refs);
        sorted.sort((a, b) -> key(a).compareTo(key(b)));
        return sorted;
    }

    private static String key(Ref r) {
        return r instanceof RegRef rr ? String.format("0%05d:%02d", rr.thread(), rr.reg()) : "1" + ((LocRef) r).location();
    }

    static String format(List<Ref> shown, ToLongFunction<Ref> read, Locations locs) {
        StringBuilder sb = new StringBuilder();
        for (Ref r : shown) {
            sb.append(r instanceof RegRef rr ? rr.thread() + ":r" + rr.reg() : ((LocRef) r).location())
                    .append('=').append(locs.show(read.applyAsLong(r))).append("; ");
        }
        return sb.toString().trim();
    }

    static boolean eval(Prop p, ToLongFunction<Ref> read, Locations locs) {
        return switch (p) {
            case Atom a -> read.applyAsLong(a.ref()) == Checker.value(a.value(), locs);
            case And a -> eval(a.left(), read, locs) && eval(a.right(), read, locs);
            case Or o -> eval(o.left(), read, locs) || eval(o.right(), read, locs);
            case Not n -> !eval(n.prop(), read, locs);
            case Const c -> c.value();
        };
    }
}
