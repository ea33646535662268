package org.crosscheck.cli;

/** A mistake of the user's (missing file, unknown runtime): printed as one line, exit code 2. */
final class UserError extends RuntimeException {
    UserError(String message) {
        super(message);
    }
}
