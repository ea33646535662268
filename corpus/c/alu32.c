/* 32-bit arithmetic and logic on unsigned int. */
__attribute__((section("xdp"), used)) unsigned int prog(unsigned int *p) {
    unsigned int a = p[0], b = p[1] | 1;
    unsigned int x = a + b;
    x ^= a - 3 * b;
    x |= a & 0xf0f0u;
    x = ~x + (a * b);
    return x - (b & 7);
}
