/* Sign extension: loads and moves of signed char, short and int widened to long. */
__attribute__((section("xdp"), used)) long prog(long *p) {
    signed char c = *(signed char *) p;
    short h = *(short *) ((char *) p + 2);
    int w = *(int *) ((char *) p + 4);
    long x = p[1];
    return (long) c + (long) h + (long) w + (long) (signed char) x + (long) (short) x + (long) (int) x;
}
