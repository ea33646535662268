/* Signed division and modulo, 32 and 64 bits (clang 14 refuses them at every -mcpu it has). */
__attribute__((section("xdp"), used)) long prog(long *p) {
    long a = p[0], b = p[1] | 1;
    int wa = (int) p[2], wb = (int) p[3] | 1;
    return a / b + a % b + wa / wb + wa % wb;
}
