package io.myelin.server;

/**
 * The {@code myelin} command.
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs the command.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
    }
}
