/* Every comparison, signed and unsigned, 32 and 64 bits, against registers and constants. */
__attribute__((section("xdp"), used)) long prog(long *p) {
    long a = p[0], b = p[1];
    unsigned long ua = (unsigned long) a, ub = (unsigned long) b;
    int wa = (int) a, wb = (int) b;
    unsigned int va = (unsigned int) a, vb = (unsigned int) b;
    long r = 0;
    if (a < b) r += 1;
    if (a <= 7) r += 2;
    if (a > -5) r += 4;
    if (a >= b) r += 8;
    if (ua < ub) r += 16;
    if (ua <= 9) r += 32;
    if (ua > ub) r += 64;
    if (ua >= 100) r += 128;
    if (wa < wb) r += 256;
    if (va <= vb) r += 512;
    if (wa > 3) r += 1024;
    if (va >= 40) r += 2048;
    if (a == b) r += 4096;
    if (a != 12) r += 8192;
    if (a & 0x10) r += 16384;
    return r;
}
