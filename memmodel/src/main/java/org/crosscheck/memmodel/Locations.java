package org.crosscheck.memmodel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory locations of a test and their addresses. The named ones (from the test's text) live at
 * {@code BASE + i * STRIDE}, so addresses are ordinary numbers that registers hold and add offsets
 * to, and fit in 32 bits. An access to any other address (say {@code x+10}) makes that address a
 * location of its own, initially 0, as in herd.
 */
final class Locations {
    static final long BASE = 0x1000_0000L, STRIDE = 0x1_0000L;

    private final List<String> names = new ArrayList<>();
    private final List<Long> addresses = new ArrayList<>();
    private final Map<Long, Integer> byAddress = new HashMap<>();
    private final int named;

    Locations(List<String> named) {
        for (String n : named) add(n, BASE + names.size() * STRIDE);
        this.named = named.size();
    }

    private int add(String name, long address) {
        names.add(name);
        addresses.add(address);
        byAddress.put(address, names.size() - 1);
        return names.size() - 1;
    }

    /** The locations the test's text names, in address order. */
    List<String> namedLocations() {
        return List.copyOf(names.subList(0, named));
    }

    int size() {
        return names.size();
    }

    String name(int i) {
        return names.get(i);
    }

    int indexOf(String name) {
        int i = names.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("unknown location " + name);
        return i;
    }

    long address(String name) {
        return addresses.get(indexOf(name));
    }

    /** The location at this address, created on first use. */
    int intern(long address) {
        Integer i = byAddress.get(address);
        return i != null ? i : add(show(address), address);
    }

    /** A value as herd shows it: a location's name for its address ({@code x+8} near one), else the signed number. */
    String show(long value) {
        Integer i = byAddress.get(value);
        if (i != null) return names.get(i);
        long d = value - BASE;
        if (d >= 0 && d / STRIDE < named) return names.get((int) (d / STRIDE)) + "+" + d % STRIDE;
        return Long.toString(value);
    }
}
