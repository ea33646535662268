package org.crosscheck.isa;

/**
 * A program with the input memory it runs on: the unit every runtime executes, the comparison judges
 * and the minimizer shrinks. The memory is not copied; runtimes run on a copy of it.
 */
public record ProgramInput(Program program, byte[] memory) {}
