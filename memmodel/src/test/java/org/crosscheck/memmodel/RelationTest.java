package org.crosscheck.memmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RelationTest {
    static Relation of(int n, int... pairs) {
        Relation r = Relation.empty(n);
        for (int i = 0; i < pairs.length; i += 2) r = r.with(pairs[i], pairs[i + 1]);
        return r;
    }

    @Test
    void sequenceComposes() {
        Relation a = of(4, 0, 1, 1, 2), b = of(4, 1, 3, 2, 0);
        assertEquals(of(4, 0, 3, 1, 0), a.seq(b));
        assertEquals(of(4, 2, 1), b.seq(a));
        assertTrue(a.seq(Relation.empty(4)).isEmpty());
        assertEquals(a, a.seq(Relation.identity(4, 0b1111)));
    }

    @Test
    void inverseUnionInterMinus() {
        Relation a = of(3, 0, 1, 1, 2), b = of(3, 1, 2, 2, 0);
        assertEquals(of(3, 1, 0, 2, 1), a.inverse());
        assertEquals(of(3, 0, 1, 1, 2, 2, 0), a.union(b));
        assertEquals(of(3, 1, 2), a.inter(b));
        assertEquals(of(3, 0, 1), a.minus(b));
        assertEquals(of(3, 0, 1), of(3, 0, 1, 2, 2).minusId());
    }

    @Test
    void closures() {
        Relation chain = of(4, 0, 1, 1, 2, 2, 3);
        assertEquals(of(4, 0, 1, 0, 2, 0, 3, 1, 2, 1, 3, 2, 3), chain.plus());
        assertEquals(chain.plus().union(Relation.identity(4, 0b1111)), chain.star());
        assertEquals(of(2, 0, 0, 1, 1, 0, 1), of(2, 0, 1).opt());
        assertFalse(of(3, 0, 1, 1, 2, 2, 0).plus().isIrreflexive());
    }

    @Test
    void acyclicity() {
        assertTrue(Relation.empty(5).isAcyclic());
        assertTrue(of(4, 0, 1, 1, 2, 0, 2, 3, 0).isAcyclic());
        assertFalse(of(3, 1, 1).isAcyclic(), "self loop");
        assertFalse(of(4, 0, 1, 1, 0).isAcyclic(), "two-cycle");
        assertFalse(of(5, 0, 1, 1, 2, 2, 3, 3, 1, 4, 0).isAcyclic(), "cycle reachable from a source");
        assertTrue(of(64, 63, 0, 0, 62).isAcyclic());
        assertFalse(of(64, 63, 0, 0, 63).isAcyclic());
    }

    @Test
    void restrictDomainRangeCross() {
        Relation r = of(4, 0, 1, 0, 2, 3, 2);
        assertEquals(of(4, 0, 2), r.restrict(0b0001, 0b0100));
        assertEquals(0b1001, r.domain());
        assertEquals(0b0110, r.range());
        assertEquals(of(3, 0, 1, 0, 2, 2, 1, 2, 2), Relation.cross(3, 0b101, 0b110));
    }

    @Test
    void atMost64Events() {
        assertThrows(IllegalArgumentException.class, () -> Relation.empty(65));
    }
}
