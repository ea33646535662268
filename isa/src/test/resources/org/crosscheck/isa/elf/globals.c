/* Each kind of global data: .data (global and static), .rodata, .bss; volatile so that every one is
   loaded. The test reads the region at each lddw's resolved offset and expects exactly these words.
   words: 0x22222222 0x33333333 0x44444444 0x0 */
volatile int d1 = 0x11111111;
volatile int d2 = 0x22222222;
static volatile int s3 = 0x33333333;
volatile const int r4 = 0x44444444;
volatile int b5;

__attribute__((section("xdp"), used)) int prog(void) {
    return d2 + s3 + r4 + b5;
}
