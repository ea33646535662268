/* __sync_fetch_and_add with its result unused (the oldest BPF atomic) on 32 and 64 bits. */
__attribute__((section("xdp"), used)) long prog(long *p) {
    __sync_fetch_and_add(&p[0], 5);
    __sync_fetch_and_add((int *) &p[1], 7);
    return 0;
}
