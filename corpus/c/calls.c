/* Local calls: a static and a global function in .text, one calling the other, five arguments. */
__attribute__((noinline)) static long mix(long a, long b, long c, long d, long e) {
    return a * 3 + b - c + (d ^ e);
}
__attribute__((noinline)) long twice(long x) {
    return mix(x, x, 1, 2, 3) * 2;
}
__attribute__((section("xdp"), used)) long prog(long *p) {
    return twice(p[0]) + mix(p[1], p[2], p[3], p[4], 5);
}
