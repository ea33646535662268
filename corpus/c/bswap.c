/* Byte swaps of 16, 32 and 64 bits. */
__attribute__((section("xdp"), used)) unsigned long prog(unsigned long *p) {
    unsigned long a = p[0];
    return __builtin_bswap64(a) ^ __builtin_bswap32((unsigned int) a) ^ __builtin_bswap16((unsigned short) a);
}
