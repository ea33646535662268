/* Logical and arithmetic shifts by constants and by registers, 32 and 64 bits. */
__attribute__((section("xdp"), used)) long prog(long *p) {
    unsigned long u = p[0];
    long s = p[1];
    unsigned int w = (unsigned int) p[2];
    int v = (int) p[3];
    unsigned int n = (unsigned int) p[4] & 31;
    return (long) ((u << 7) ^ (u >> n) ^ (unsigned long) (s >> 13) ^ (unsigned long) (s >> n))
           + (long) ((w << n) ^ (w >> 3)) + (v >> n) + (v >> 5);
}
