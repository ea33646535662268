/* Fetching atomics: add, or, and, xor, exchange and compare-exchange, 32 and 64 bits. */
__attribute__((section("xdp"), used)) long prog(long *p) {
    int *w = (int *) &p[4];
    long r = __sync_fetch_and_add(&p[0], 1);
    r += __atomic_fetch_or(&p[1], 2, __ATOMIC_SEQ_CST);
    r += __atomic_fetch_and(&p[2], 3, __ATOMIC_SEQ_CST);
    r += __atomic_fetch_xor(&p[3], 4, __ATOMIC_SEQ_CST);
    r += __atomic_exchange_n(&p[5], 6, __ATOMIC_SEQ_CST);
    long expected = 0;
    __atomic_compare_exchange_n(&p[6], &expected, 7, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    r += expected;
    r += __sync_fetch_and_add(w, 1);
    r += __atomic_fetch_or(w, 8, __ATOMIC_SEQ_CST);
    r += __atomic_exchange_n(&w[1], 9, __ATOMIC_SEQ_CST);
    return r;
}
